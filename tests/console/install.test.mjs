// Browser tests of the settings page's install section (issue 15, section 2): the
// script tag for this workspace, allowed origins added in the console and applied at
// once (a shop page on that origin then shows the bubble), the refused embeds, and
// "test my page". The shop is a real server on 127.0.0.2 (another site than the
// relay on 127.0.0.1). Run through run.sh, which sets RELAY_URL, CONSOLE_URL and the
// demo owner's credentials.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { RELAY, DEMO, SHOTS, launch, signIn } from "./lib.mjs";
import { AxeBuilder } from "@axe-core/playwright";

let browser;
let shop;
let shopOrigin;
before(async () => {
  browser = await launch();
  // The shop: one page with the tag the install section shows, one without it.
  shop = createServer((req, res) => {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    const tag = req.url === "/bare" ? "" : `<script src="${RELAY}/embed.js" data-tenant="demo" async></script>`;
    res.end(`<!doctype html><html lang="en"><title>Shop</title><body><h1>Shop</h1>${tag}</body></html>`);
  });
  await new Promise((ok) => shop.listen(0, "127.0.0.2", ok));
  shopOrigin = `http://127.0.0.2:${shop.address().port}`;
});
after(async () => {
  await browser?.close();
  shop?.close();
});

/** The demo owner on the settings page, scrolled to the install section. */
async function installSection() {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "en-US" });
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: RELAY });
  const page = await context.newPage();
  page.on("pageerror", (e) => console.error("console page error:", e));
  await signIn(page, DEMO);
  await page.getByRole("button", { name: "Workspace settings" }).click();
  const section = page.locator("section#install");
  await section.getByLabel("Script tag").waitFor();
  await section.scrollIntoViewIfNeeded();
  return { context, page, section };
}

/** A shopper on the shop page; resolves once the loader has either drawn the bubble or warned. */
async function shopper() {
  const context = await browser.newContext({ viewport: { width: 1024, height: 700 }, locale: "en-US" });
  const page = await context.newPage();
  const warnings = [];
  page.on("console", (m) => m.type() === "warning" && warnings.push(m.text()));
  return { context, page, warnings };
}

test("install section: tag, refused origin, test my page, add the origin, the bubble shows", async () => {
  const { context, page, section } = await installSection();
  const tag = `<script src="${RELAY}/embed.js" data-tenant="demo" async></script>`;
  assert.equal(await section.getByLabel("Script tag").inputValue(), tag);
  await section.getByRole("button", { name: "Copy" }).click();
  await section.getByRole("button", { name: "Copied" }).waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), tag);
  // The demo tenant allows exactly the relay's own origins, shown, not hidden.
  const origins = section.locator("#install-origins li code");
  assert.deepEqual(await origins.allTextContents(), [RELAY, RELAY.replace("127.0.0.1", "localhost")]);

  // A shopper on the not-yet-allowed shop: no bubble, and the relay logs the refusal.
  const v = await shopper();
  const warned = v.page.waitForEvent("console", { predicate: (m) => m.type() === "warning" });
  await v.page.goto(`${shopOrigin}/products`);
  await warned;
  assert.equal(await v.page.locator("natter-chat").count(), 0, "no bubble on a refused origin");
  await section.getByRole("button", { name: "Refresh" }).click();
  const refusedRow = section.locator("#install-refused tbody tr", { hasText: shopOrigin });
  await refusedRow.waitFor();
  assert.match(await refusedRow.innerText(), /Origin not allowed \(loading the chat\)\s+1/);

  // Test my page: the tag is there, the origin is not allowed yet.
  await section.getByLabel("Page address").fill(`${shopOrigin}/products`);
  await section.getByRole("button", { name: "Test", exact: true }).click();
  const verdict = section.locator("#install-verdict");
  await verdict.waitFor();
  assert.deepEqual(await verdict.locator("li").allInnerTexts(), [
    "✓ The page loads the chat script for this workspace.",
    `✗ ${shopOrigin} is not allowed yet.`,
  ]);
  // A page without the tag says what is missing.
  await section.getByLabel("Page address").fill(`${shopOrigin}/bare`);
  await section.getByRole("button", { name: "Test", exact: true }).click();
  await verdict.locator("li.fail", { hasText: "The chat script is not on this page" }).waitFor();
  await section.screenshot({ path: `${SHOTS}install-refused.png` });

  // A pasted address with a path is explained next to the field, in words.
  const field = section.getByLabel("Add an origin");
  await field.fill(`${shopOrigin}/products`);
  await field.press("Enter");
  const error = section.locator("#install-new-origin-err");
  await error.waitFor();
  assert.equal(await error.innerText(), "Remove /products: only the start of the address is needed, such as https://shop.example.");
  assert.equal(await field.getAttribute("aria-invalid"), "true");

  // As copied from the address bar (trailing slash): normalised, saved, applied at once.
  await field.fill(`${shopOrigin}/`);
  await field.press("Enter");
  await section.getByText("Saved. It applies at once.").waitFor();
  await origins.filter({ hasText: shopOrigin }).waitFor();
  assert.equal(await origins.filter({ hasText: `${shopOrigin}/` }).count(), 0, "stored without the slash");
  await refusedRow.waitFor({ state: "detached" });
  assert.equal(await page.getByRole("status").filter({ hasText: "unsaved" }).count(), 0, "not part of the settings Save");

  // The shopper reloads: the bubble shows, with no warning.
  const before = v.warnings.length;
  await v.page.reload();
  await v.page.locator("natter-chat").waitFor({ state: "attached" });
  assert.equal(v.warnings.length, before, `no new warning: ${v.warnings.slice(before)}`);

  await section.getByLabel("Page address").fill(`${shopOrigin}/products`);
  await section.getByRole("button", { name: "Test", exact: true }).click();
  await verdict.locator("li", { hasText: "All set: the chat bubble will show on this page." }).waitFor();
  await page.waitForFunction(() => document.fonts.ready.then(() => true));
  await section.screenshot({ path: `${SHOTS}install.png` });
  const result = await new AxeBuilder({ page }).include("section#install").analyze();
  const bad = result.violations.filter((x) => x.impact === "serious" || x.impact === "critical");
  assert.deepEqual(bad.map((x) => `${x.id}: ${x.nodes.map((n) => n.target.join(" ")).join(", ")}`), []);

  // Removing it takes the bubble away again, at once.
  await section.getByRole("button", { name: `Remove ${shopOrigin}` }).click();
  await origins.filter({ hasText: shopOrigin }).waitFor({ state: "detached" });
  const warnedAgain = v.page.waitForEvent("console", { predicate: (m) => m.type() === "warning" });
  await v.page.reload();
  await warnedAgain;
  assert.equal(await v.page.locator("natter-chat").count(), 0);
  await v.context.close();
  await context.close();
});

test("install section in Thai: a bad origin is refused in Thai, next to the field", async () => {
  const { context, page, section } = await installSection();
  await page.getByRole("button", { name: "Language: ภาษาไทย" }).click();
  await section.getByRole("heading", { name: "ติดตั้งบนร้านของคุณ" }).waitFor();
  const field = section.getByLabel("เพิ่ม origin");
  await field.fill("ftp://shop.example");
  await field.press("Enter");
  await section.locator("#install-new-origin-err", { hasText: "แชตแสดงได้เฉพาะหน้าเว็บ http:// และ https://" }).waitFor();
  // Back to English for the other tests sharing this browser profile's settings.
  await page.getByRole("button", { name: "ภาษา: English" }).click();
  await context.close();
});
