// The admin screens load on demand (issue 12): the console's first load does not
// fetch the admin module; opening a screen does, and a failed download says so
// with a Retry that works; a role taken away while on the settings page unmounts
// it. Run through run.sh (relay, console URL, the demo owner and Ann).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { ANN, DEMO, axeClean, launch, newAgentPage, signIn } from "./lib.mjs";

const ADMIN_JS = /\/console\/natter_console_admin-[0-9a-f]+\.js/;
const ADMIN_ANY = /\/console\/natter_console_admin/;

let browser;
before(async () => {
  browser = await launch();
});
after(async () => browser?.close());

/** The admin API with the page's session token. */
async function api(page, method, path, body) {
  return page.evaluate(async ({ method, path, body }) => {
    const { token } = JSON.parse(localStorage.getItem("natter.console.session"));
    const r = await fetch(path, {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    return { status: r.status, body: text ? JSON.parse(text) : null };
  }, { method, path, body });
}

test("the admin module is not in the first load; a failed download offers Retry, which loads the screen", async () => {
  const { page } = await newAgentPage(browser);
  const fetched = [];
  page.on("request", (r) => fetched.push(r.url()));
  await page.route(ADMIN_JS, (r) => r.abort());
  await signIn(page, DEMO);
  assert.equal(fetched.filter((u) => ADMIN_ANY.test(u)).length, 0, "the inbox alone on the first load");

  await page.getByRole("button", { name: "Canned responses" }).click();
  await page.getByRole("alert").filter({ hasText: "Could not load this screen" }).waitFor();
  await axeClean(page, "the admin module's failed download");
  await page.unroute(ADMIN_JS);
  await page.getByRole("button", { name: "Retry" }).click();
  await page.getByRole("main", { name: "Canned responses" }).getByRole("button", { name: "New response" }).waitFor();
  // Loaded once: the settings page comes from the same module.
  await page.getByRole("button", { name: "Workspace settings" }).click();
  await page.locator("#admin-save").waitFor();
  assert.equal(fetched.filter((u) => /natter_console_admin_bg-[0-9a-f]+\.wasm/.test(u)).length, 1);
  await page.context().close();
});

test("a role taken away while on the settings page takes the agent back to the inbox", async () => {
  const owner = await newAgentPage(browser);
  await signIn(owner.page, DEMO);
  const ann = await newAgentPage(browser);
  await signIn(ann.page, ANN);
  const agents = (await api(owner.page, "GET", "/v1/admin/agents")).body;
  const id = agents.find((a) => a.email === ANN.email).id;
  assert.equal((await api(owner.page, "PUT", `/v1/admin/agents/${id}`, { role: "admin" })).status, 200);
  await ann.page.getByRole("button", { name: "Workspace settings" }).click();
  await ann.page.locator("#admin-save").waitFor();

  assert.equal((await api(owner.page, "PUT", `/v1/admin/agents/${id}`, { role: "agent" })).status, 200);
  await ann.page.locator("main.admin").waitFor({ state: "detached" });
  await ann.page.locator("#inbox-tabs").waitFor();
  assert.equal(await ann.page.getByRole("button", { name: "Workspace settings" }).count(), 0);
  await owner.page.context().close();
  await ann.page.context().close();
});
