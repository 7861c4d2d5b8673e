// Browser tests of the settings page's quality (issue 15, settings): the contrast
// of the text on the main colour (a warning below WCAG AA, a refusal below 3:1,
// the automatic text colour that makes the real widget readable), the header and
// greeting per language reaching visitors in their language, and refusals shown
// in words next to their field. Against the relay's own console and storefront;
// run through run.sh, which sets RELAY_URL, CONSOLE_URL and the credentials.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { RELAY, DEMO, SHOTS, launch, signIn } from "./lib.mjs";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => browser?.close());

/** The demo owner on the settings page, in a 1280 px wide window. */
async function settingsPage() {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "en-US" });
  const page = await context.newPage();
  page.on("pageerror", (e) => console.error("console page error:", e));
  await signIn(page, DEMO);
  await page.getByRole("button", { name: "Workspace settings" }).click();
  await page.getByLabel("Main colour", { exact: true }).waitFor();
  return { context, page };
}

/** The admin API with the page's session token. */
async function adminApi(page, method, path, body) {
  return page.evaluate(async ({ method, path, body }) => {
    const { token } = JSON.parse(localStorage.getItem("natter.console.session"));
    const r = await fetch(path, {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: r.status, body: await r.json() };
  }, { method, path, body });
}

/** Records the loader's closed shadow root so the test can read the bubble's style. */
function recordShadowRoot() {
  const attach = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function (init) {
    const root = attach.call(this, init);
    if (this.localName === "natter-chat") window.natterRoot_ = root;
    return root;
  };
}

/** A visitor on the demo storefront in a browser speaking `locale`, with the widget open. */
async function shopper(locale) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale });
  await context.addInitScript(recordShadowRoot);
  const page = await context.newPage();
  page.on("pageerror", (e) => console.error("storefront page error:", e));
  await page.goto(`${RELAY}/`);
  await page.waitForFunction(() => window.natterRoot_?.querySelector("button"));
  const isWidget = (f) => f.url().includes("/t/demo/frame");
  const navigated = page.waitForEvent("framenavigated", { predicate: isWidget });
  await page.locator("natter-chat").click();
  // The loader may have inserted the frame before the click (a conversation going).
  const frame = page.frames().find(isWidget) ?? (await navigated);
  navigated.catch(() => {});
  await frame.locator("header.head .title").waitFor();
  return { context, page, frame };
}

/** WCAG 2.x contrast of two computed CSS colours (`rgb(r, g, b)`). */
function contrast(a, b) {
  const luminance = (css) => {
    const [r, g, b] = css.match(/\d+(\.\d+)?/g).slice(0, 3).map(Number).map((c) => {
      const s = c / 255;
      return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/** Shows a language tab of the texts and waits until the form shows it. */
async function showTab(page, name) {
  await page.getByRole("tab", { name }).click();
  await page.locator('#texts-panel').and(page.getByRole("tabpanel", { name })).waitFor();
}

const colours = (locator) =>
  locator.evaluate((el) => {
    const s = getComputedStyle(el);
    return [s.backgroundColor, s.color];
  });

test("contrast: a yellow main colour warns, white text on it is refused, automatic text makes the widget readable", async () => {
  const { context, page } = await settingsPage();
  const original = (await adminApi(page, "GET", "/v1/admin/settings")).body;
  try {
    // New tenants start with the automatic text colour; choose a custom one.
    const auto = page.getByLabel("Automatic text colour (black or white, whichever reads better)");
    assert.equal(await auto.isChecked(), true, "automatic is the default");
    await auto.uncheck();
    const text = page.getByLabel("Text colour on the main colour");
    await text.fill("#ffffff");
    const ratio = page.locator("#w-contrast");
    await page.getByLabel("Main colour", { exact: true }).fill("#fde047");
    await ratio.filter({ hasText: "Contrast 1.3:1: unreadable" }).waitFor();
    assert.match(await ratio.getAttribute("class"), /\bbad\b/);

    // Grey text on yellow is readable only for large text: a warning, not a refusal.
    await text.fill("#777777");
    await ratio.filter({ hasText: "Contrast 3.3:1: hard to read" }).waitFor();
    assert.match(await ratio.getAttribute("class"), /\bwarn\b/);

    // White on yellow cannot be saved: the relay refuses, the page says why at the field.
    await text.fill("#ffffff");
    const refused = page.waitForResponse((r) => r.url().endsWith("/v1/admin/settings") && r.request().method() === "PUT");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    const answer = await refused;
    assert.equal(answer.status(), 422);
    assert.equal((await answer.json()).error.field, "widget.secondary_color");
    const fieldError = page.locator("#w-secondary-err");
    await fieldError.waitFor();
    assert.equal(
      await fieldError.textContent(),
      "This text colour does not stand out from the main colour (contrast below 3:1). Choose another one or the automatic text colour.",
    );
    assert.equal(await text.getAttribute("aria-invalid"), "true");
    await page.screenshot({ path: `${SHOTS}settings-contrast-refused.png` });

    // The automatic text colour: black on yellow, in the preview and once saved.
    await auto.check();
    await ratio.filter({ hasText: "easy to read" }).waitFor();
    assert.ok(parseFloat((await ratio.textContent()).match(/([\d.]+):1/)[1]) >= 4.5);
    assert.deepEqual(await colours(page.locator("#pv-bubble")), ["rgb(253, 224, 71)", "rgb(0, 0, 0)"]);
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await page.getByText("Saved. Changes apply at once.").waitFor();
    await page.locator("main.admin").evaluate((el) => el.scrollTo(0, 0));
    await page.screenshot({ path: `${SHOTS}settings-contrast.png` });
    const saved = (await adminApi(page, "GET", "/v1/admin/settings")).body.widget;
    assert.deepEqual([saved.primary_color, saved.auto_text_color], ["#fde047", true]);

    // The visitor's bubble, send button, header and the loader's bubble all read.
    const v = await shopper("en-US");
    const box = v.frame.getByLabel("Message", { exact: true });
    await box.fill("Is the yellow one in stock?");
    await box.press("Enter");
    // The acknowledged bubble: the "Sending…" one is replaced when the ack comes.
    const mine = v.frame.locator(".msg.visitor:not(.pending) .bubble", { hasText: "Is the yellow one in stock?" });
    await mine.waitFor();
    const parts = {
      "visitor bubble": await colours(mine),
      "send button": await colours(v.frame.locator("button.send")),
      header: await colours(v.frame.locator("header.head")),
      "loader bubble": await v.page.evaluate(() => {
        const s = getComputedStyle(window.natterRoot_.querySelector("button"));
        return [s.backgroundColor, s.color];
      }),
    };
    for (const [name, [bg, fg]] of Object.entries(parts)) {
      assert.equal(bg, "rgb(253, 224, 71)", `${name} background is the shop's yellow`);
      const r = contrast(bg, fg);
      assert.ok(r >= 4.5, `${name}: ${fg} on ${bg} is ${r.toFixed(2)}:1, below WCAG AA`);
    }
    await v.page.screenshot({ path: `${SHOTS}storefront-yellow.png` });
    await v.context.close();
  } finally {
    assert.equal((await adminApi(page, "PUT", "/v1/admin/settings", original)).status, 200);
    await context.close();
  }
});

test("texts per language: a Thai visitor gets the Thai header and greeting, an English visitor the default", async () => {
  const { context, page } = await settingsPage();
  const original = (await adminApi(page, "GET", "/v1/admin/settings")).body;
  try {
    await page.getByLabel("Widget language").selectOption({ value: "" });
    // Blank fields show what visitors get instead: the built-in text of the language.
    const header = page.getByLabel("Header text");
    const greeting = page.getByLabel("Greeting");
    await header.fill("");
    await greeting.fill("");
    assert.equal(await header.getAttribute("placeholder"), "Chat with us");
    assert.equal(await greeting.getAttribute("placeholder"), "Hi! Questions about an order or a product? We are happy to help.");
    await showTab(page, "ไทย");
    assert.equal(await page.getByRole("tab", { name: "ไทย" }).getAttribute("aria-selected"), "true");
    assert.equal(await header.getAttribute("placeholder"), "แชทกับเรา");
    assert.equal(await greeting.getAttribute("placeholder"), "สวัสดีค่ะ มีคำถามเกี่ยวกับคำสั่งซื้อหรือสินค้าไหมคะ เรายินดีช่วยเหลือ");

    // The shop's default texts, then the Thai ones (whose placeholders now show the default).
    await showTab(page, "All languages");
    await header.fill("Acme help desk");
    await greeting.fill("Hello from Acme! Ask us anything.");
    await showTab(page, "ไทย");
    assert.equal(await header.inputValue(), "");
    assert.equal(await header.getAttribute("placeholder"), "Acme help desk");
    await header.fill("แชทกับร้าน Acme");
    await greeting.fill("สวัสดีค่ะ ยินดีต้อนรับสู่ร้าน Acme");
    // The preview shows the language being edited.
    await page.locator("#pv-head").getByText("แชทกับร้าน Acme").waitFor();
    await page.locator("#pv-panel").getByText("สวัสดีค่ะ ยินดีต้อนรับสู่ร้าน Acme").waitFor();
    await showTab(page, "English");
    await page.locator("#pv-head").getByText("Acme help desk").waitFor();
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await page.getByText("Saved. Changes apply at once.").waitFor();
    const saved = (await adminApi(page, "GET", "/v1/admin/settings")).body.widget;
    assert.deepEqual(saved.texts, { th: { header: "แชทกับร้าน Acme", greeting: "สวัสดีค่ะ ยินดีต้อนรับสู่ร้าน Acme" } });

    const thai = await shopper("th-TH");
    // The frame may draw before its config arrives: wait for the title, then check it exactly.
    await thai.frame.locator("header.head .title", { hasText: "Acme" }).waitFor();
    assert.equal(await thai.frame.locator("header.head .title").textContent(), "แชทกับร้าน Acme");
    await thai.frame.getByRole("log").getByText("สวัสดีค่ะ ยินดีต้อนรับสู่ร้าน Acme").waitFor();
    await thai.page.screenshot({ path: `${SHOTS}storefront-thai-texts.png` });
    const english = await shopper("en-US");
    await english.frame.locator("header.head .title", { hasText: "Acme" }).waitFor();
    assert.equal(await english.frame.locator("header.head .title").textContent(), "Acme help desk");
    await english.frame.getByRole("log").getByText("Hello from Acme! Ask us anything.").waitFor();
    assert.equal(await english.frame.getByText("สวัสดีค่ะ ยินดีต้อนรับสู่ร้าน Acme").count(), 0);
    await thai.context.close();
    await english.context.close();
  } finally {
    assert.equal((await adminApi(page, "PUT", "/v1/admin/settings", original)).status, 200);
    await context.close();
  }
});

test("a refused time zone is explained in words next to its field", async () => {
  const { context, page } = await settingsPage();
  const zone = page.getByLabel(/Time zone/);
  await zone.fill("Mars/Olympus");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  const error = page.locator("#h-timezone-err");
  await error.waitFor();
  const words = "Unknown time zone. Use a name such as Asia/Bangkok or Europe/London.";
  assert.equal(await error.textContent(), words);
  assert.equal(await zone.getAttribute("aria-invalid"), "true");
  assert.equal(await zone.getAttribute("aria-describedby"), "h-timezone-err");
  // The summary at the top says the same, without the relay's field path.
  const summary = await page.locator("#admin-error").textContent();
  assert.equal(summary, `Not saved: ${words}`);
  assert.doesNotMatch(summary, /hours\.timezone/);
  await page.waitForFunction(() => document.activeElement?.id === "h-timezone");
  await page.screenshot({ path: `${SHOTS}settings-timezone-error.png` });
  await page.getByRole("button", { name: "Discard changes" }).click();
  await error.waitFor({ state: "detached" });
  await context.close();
});
