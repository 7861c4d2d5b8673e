// Browser tests of the settings page's widget behaviour and survey (issues 13
// and 14): the offline-form wait, a proactive greeting rule saved with the page
// (and reordered), a refused rule showing the relay's error at its field, and
// the satisfaction survey's settings; axe on the new sections in English and
// Thai. Run through run.sh.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { DEMO, SHOTS, axeClean, launch, newAgentPage, signIn } from "./lib.mjs";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => browser?.close());

async function settingsJson(page) {
  return page.evaluate(async () => {
    const { token } = JSON.parse(localStorage.getItem("natter.console.session"));
    const r = await fetch("/v1/admin/settings", { headers: { authorization: `Bearer ${token}` } });
    return r.json();
  });
}

async function putSettings(page, settings) {
  return page.evaluate(async (settings) => {
    const { token } = JSON.parse(localStorage.getItem("natter.console.session"));
    const r = await fetch("/v1/admin/settings", {
      method: "PUT",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify(settings),
    });
    return r.status;
  }, settings);
}

async function save(page) {
  const put = page.waitForResponse((r) => r.url().endsWith("/v1/admin/settings") && r.request().method() === "PUT");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  return put;
}

test("greeting rules and the survey are saved; a refused rule shows its error at the field", async () => {
  const { context, page } = await newAgentPage(browser);
  await signIn(page, DEMO);
  await page.getByRole("button", { name: "Workspace settings" }).click();
  await page.locator("#greeting-add").waitFor();
  const original = await settingsJson(page);
  try {
    await page.getByLabel("Offer the offline form after waiting (seconds)").fill("45");
    await page.getByRole("button", { name: "Add a greeting" }).click();
    await page.getByRole("button", { name: "Add a greeting" }).click();
    const first = page.locator("fieldset.greeting-rule[data-rule='0']");
    const second = page.locator("fieldset.greeting-rule[data-rule='1']");
    await first.getByLabel("Name").fill("Tea pages");
    await first.getByLabel("Page path pattern").fill("/products/tea*");
    await first.getByLabel("Seconds on the page").fill("5");
    await first.getByLabel("Scrolled at least (%)").fill("30");
    await first.getByLabel("Visitors").selectOption("returning");
    await first.getByLabel("Only during business hours").uncheck();
    await first.getByLabel("Greeting", { exact: true }).fill("Looking for a tea?");
    await first.getByLabel("Greeting in Thai").fill("กำลังหาชาอยู่ไหม");
    await first.getByLabel("Then").selectOption("open");
    await second.getByLabel("Name").fill("Everywhere");
    await second.getByLabel("Greeting", { exact: true }).fill("Hello!");
    // The second goes first (first match wins).
    await second.getByRole("button", { name: "Move greeting 2 up" }).click();
    await page.locator("fieldset.greeting-rule[data-rule='0'] legend", { hasText: "Everywhere" }).waitFor();

    await page.getByLabel("Ask visitors to rate the conversation after it closes").check();
    await page.getByLabel("Question", { exact: true }).fill("How was our help?");
    await page.getByLabel("Question in Thai").fill("บริการของเราเป็นอย่างไร");
    await page.getByLabel("Ask after (seconds)").fill("10");
    await page.getByLabel("Visitors may rate for (hours)").fill("48");
    assert.equal((await save(page)).status(), 200);
    await page.getByText("Saved. Changes apply at once.").waitFor();
    const saved = await settingsJson(page);
    assert.equal(saved.widget.offline_after_secs, 45);
    assert.deepEqual(saved.widget.greetings.map((g) => g.name), ["Everywhere", "Tea pages"]);
    assert.deepEqual(saved.widget.greetings[1], {
      name: "Tea pages", url_pattern: "/products/tea*", min_seconds_on_page: 5, min_scroll_percent: 30,
      audience: "returning", business_hours_only: false, text: "Looking for a tea?",
      texts: { th: "กำลังหาชาอยู่ไหม" }, action: "open",
    });
    assert.deepEqual(saved.csat, {
      enabled: true, question: "How was our help?", texts: { th: { question: "บริการของเราเป็นอย่างไร" } },
      delay_secs: 10, expiry_hours: 48,
    });
    await axeClean(page, "waiting, greetings and survey (English)");

    // A path with a space: the relay refuses, the page says why at that field.
    const tea = page.locator("fieldset.greeting-rule[data-rule='1']");
    await tea.getByLabel("Page path pattern").fill("/products/green tea");
    const refused = await save(page);
    assert.equal(refused.status(), 422);
    assert.equal((await refused.json()).error.field, "widget.greetings[1].url_pattern");
    const err = page.locator("#g1-url_pattern-err");
    await err.filter({ hasText: "no spaces" }).waitFor();
    assert.equal(await tea.getByLabel("Page path pattern").getAttribute("aria-invalid"), "true");
    await page.getByRole("button", { name: "ภาษาไทย" }).click();
    await err.filter({ hasText: "ไม่มีช่องว่าง" }).waitFor();
    await page.screenshot({ path: `${SHOTS}greetings-th.png`, fullPage: true });
    await axeClean(page, "greetings with a refusal (Thai)");
    await page.getByRole("button", { name: "English" }).click();

    // Removed: gone on save.
    await page.getByRole("button", { name: "Remove greeting 2" }).click();
    assert.equal((await save(page)).status(), 200);
    assert.deepEqual((await settingsJson(page)).widget.greetings.map((g) => g.name), ["Everywhere"]);
  } finally {
    assert.equal(await putSettings(page, original), 200);
    await context.close();
  }
});
