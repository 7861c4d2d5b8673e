// Browser tests of the console's layout and of the cases issue 15 found forgotten:
// a laptop (1024 px) and a phone (390 px), in English and Thai — no sideways
// scrolling, one-line bars, long URLs inside their bubble, tab badges not cut,
// the phone's inbox → conversation → details flow; a plain agent cannot miss a
// conversation given to her; claiming in one step from the inbox row (mouse and
// keyboard); a closed conversation's reply box is off; no favicon 404.
// Run through run.sh, which sets RELAY_URL, CONSOLE_URL and the agents' credentials.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { RELAY, DEMO, ANN, SHOTS, launch, signIn, row, log } from "./lib.mjs";

const LAPTOP = { width: 1024, height: 700 };
const PHONE = { width: 390, height: 844 };

let browser;
before(async () => {
  browser = await launch();
});
after(async () => browser?.close());

/** An agent's console page at this size; `chimes_` counts the notification beeps. */
async function agentPage(viewport, who) {
  const context = await browser.newContext({ viewport, locale: "en-US", isMobile: viewport.width < 500, hasTouch: viewport.width < 500 });
  await context.addInitScript(() => {
    window.chimes_ = 0;
    const create = AudioContext.prototype.createOscillator;
    AudioContext.prototype.createOscillator = function () {
      window.chimes_ += 0.5; // two tones per chime
      return create.call(this);
    };
  });
  const page = await context.newPage();
  page.on("pageerror", (e) => console.error("console page error:", e));
  const missing = [];
  page.on("response", (r) => r.status() >= 400 && missing.push(`${r.status()} ${r.url()}`));
  await signIn(page, who);
  return { context, page, missing };
}

/** A visitor speaking the visitor protocol from a page on an allowed origin. */
async function visitor(name, text, pageUrl = `https://shop.example/products/${encodeURIComponent(name)}`) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${RELAY}/healthz`);
  await page.evaluate(async ({ relay, info, text }) => {
    window.frames_ = [];
    const ws = new WebSocket(relay.replace(/^http/, "ws") + "/v1/ws/visitor?tenant=demo");
    window.ws_ = ws;
    ws.onmessage = (e) => window.frames_.push(JSON.parse(e.data));
    await new Promise((ok, fail) => { ws.onopen = ok; ws.onerror = fail; });
    ws.send(JSON.stringify({ type: "hello", v: 1 }));
    ws.send(JSON.stringify({ type: "start", info }));
    ws.send(JSON.stringify({ type: "send", client_id: "first", text }));
  }, { relay: RELAY, info: { name, page_url: pageUrl }, text });
  await page.waitForFunction(() => window.frames_.some((f) => f.type === "ack"));
  let n = 0;
  return {
    context,
    send: (t) => page.evaluate(([t, id]) => window.ws_.send(JSON.stringify({ type: "send", client_id: id, text: t })), [t, `m${n++}`]),
    end: () => page.evaluate(() => window.ws_.send(JSON.stringify({ type: "end" }))),
  };
}

/** No sideways scrolling: the page is no wider than the window. */
async function noSidewaysScroll(page, where) {
  const { scroll, inner } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: innerWidth }));
  assert.ok(scroll <= inner, `${where}: the page is ${scroll} px wide in a ${inner} px window`);
}

/** Every visible child of `selector` sits on the same line. */
async function oneLine(page, selector, where) {
  const tops = await page.locator(selector).evaluate((bar) =>
    [...bar.children].filter((c) => c.offsetParent !== null && c.getBoundingClientRect().width > 0)
      .map((c) => { const r = c.getBoundingClientRect(); return { name: c.className || c.localName, mid: r.top + r.height / 2, bottom: r.bottom }; }));
  const first = tops[0].mid;
  for (const t of tops) assert.ok(Math.abs(t.mid - first) < 8, `${where}: ${t.name} is on another line (${JSON.stringify(tops)})`);
  const bar = await page.locator(selector).boundingBox();
  for (const t of tops) assert.ok(t.bottom <= bar.y + bar.height + 1, `${where}: ${t.name} sticks out of the bar`);
}

/** Every tab shows its whole label and badge. */
async function tabsNotClipped(page, where) {
  const tabs = await page.locator(".tabs [role=tab]").evaluateAll((all) => all.map((t) => {
    const b = t.querySelector(".badge").getBoundingClientRect();
    const r = t.getBoundingClientRect();
    const list = t.parentElement.getBoundingClientRect();
    return { text: t.textContent, fits: t.scrollWidth <= t.clientWidth, inside: b.right <= Math.min(r.right, list.right) + 0.5 && b.left >= list.left - 0.5 };
  }));
  for (const t of tabs) assert.ok(t.fits && t.inside, `${where}: the tab "${t.text}" is cut (${JSON.stringify(t)})`);
  const list = await page.locator(".tabs").evaluate((l) => ({ s: l.scrollWidth, c: l.clientWidth }));
  assert.ok(list.s <= list.c, `${where}: the tab list scrolls (${list.s} > ${list.c})`);
}

async function toThai(page) {
  await page.getByRole("button", { name: "ภาษาไทย" }).click();
  await page.getByRole("tab", { name: /รอรับ/ }).waitFor();
}

test("a laptop at 1024 px, English and Thai: one-line bars, a long URL inside its bubble, whole tabs; one-step claim with the mouse", async () => {
  const url = `https://shop.example/checkout/${"x".repeat(40)}?session=${"0123456789abcdef".repeat(8)}`;
  const v = await visitor("Kanya Srisuk", "Is the checkout broken?");
  const { page, context, missing } = await agentPage(LAPTOP, DEMO);
  await noSidewaysScroll(page, "1024 inbox");
  await oneLine(page, ".topbar", "1024 top bar");

  // One step: the row's own Claim button claims and opens; the reply box gets focus.
  const line = page.locator("#inbox-rows li", { hasText: "Kanya Srisuk" });
  await line.getByRole("button", { name: "Claim Kanya Srisuk" }).click();
  await page.locator(".conv-head .status", { hasText: "Active" }).waitFor();
  await page.waitForFunction(() => document.activeElement?.localName === "textarea");
  await page.keyboard.type(`Please try this link: ${url}`);
  await page.keyboard.press("Enter");
  const bubble = log(page).locator(".m.agent .bubble", { hasText: "Please try this link" });
  await bubble.waitFor();
  await page.locator(".m.agent.pending").waitFor({ state: "detached" });

  const fits = async (where) => {
    const b = await bubble.boundingBox();
    const l = await log(page).boundingBox();
    assert.ok(b.x >= l.x && b.x + b.width <= l.x + l.width + 0.5, `${where}: the bubble (${b.x}…${b.x + b.width}) leaves the log (${l.x}…${l.x + l.width})`);
    assert.ok(await bubble.evaluate((e) => e.scrollWidth <= e.clientWidth), `${where}: the URL overflows its bubble`);
    await noSidewaysScroll(page, where);
    await oneLine(page, ".topbar", `${where} top bar`);
    await oneLine(page, ".conv-head", `${where} conversation header`);
    await tabsNotClipped(page, where);
  };
  await fits("1024 English");
  // The details show the page the visitor wrote from, wrapped inside the column.
  await page.locator("aside.details").getByText("https://shop.example/products/Kanya%20Srisuk").waitFor();
  await page.screenshot({ path: `${SHOTS}layout-1024-en.png` });

  await toThai(page);
  await page.locator(".conv-head .status", { hasText: "กำลังคุย" }).waitFor();
  await fits("1024 Thai");
  await page.screenshot({ path: `${SHOTS}layout-1024-th.png` });
  await page.getByRole("button", { name: "English" }).click();

  // Nothing the console asked for was missing: no favicon 404 either.
  assert.deepEqual(missing, []);
  const icon = await page.evaluate(async () => {
    const link = document.querySelector("link[rel=icon]");
    const r = await fetch(link.href);
    const ico = await fetch("/favicon.ico");
    return { status: r.status, type: r.headers.get("content-type"), ico: ico.status };
  });
  assert.deepEqual(icon, { status: 200, type: "image/svg+xml", ico: 200 });
  await page.getByRole("button", { name: "Close conversation" }).first().click();
  await page.getByRole("dialog").getByRole("button", { name: "Close conversation" }).click();
  await page.locator(".conv-head .status", { hasText: "Closed" }).waitFor();
  for (const c of [context, v.context]) await c.close();
});

test("a phone at 390 px, English and Thai: inbox, then conversation, then details, and back, never wider than the screen", async () => {
  const v = await visitor("Prasert Wongsa", `My order https://shop.example/orders/${"9".repeat(60)} has not arrived`);
  for (const lang of ["en", "th"]) {
    const { page, context } = await agentPage(PHONE, DEMO);
    if (lang === "th") await toThai(page);
    const t = lang === "th"
      ? { back: "กล่องข้อความ", details: "รายละเอียด", toConv: "บทสนทนา" }
      : { back: "Inbox", details: "Details", toConv: "Conversation" };
    // The inbox alone.
    await row(page, "Prasert Wongsa").waitFor();
    assert.equal(await page.locator("main.work").isVisible(), false, "the conversation pane waits its turn");
    await noSidewaysScroll(page, `390 ${lang} inbox`);
    await tabsNotClipped(page, `390 ${lang} inbox`);
    await page.screenshot({ path: `${SHOTS}layout-390-${lang}-inbox.png` });

    // The conversation alone, with a way back.
    await row(page, "Prasert Wongsa").click();
    await log(page).getByText("My order").waitFor();
    assert.equal(await page.locator("nav.inbox").isVisible(), false, "the inbox steps aside");
    const bubble = log(page).locator(".m.visitor .bubble", { hasText: "My order" });
    assert.ok(await bubble.evaluate((e) => e.scrollWidth <= e.clientWidth), "the URL wraps inside the bubble");
    await noSidewaysScroll(page, `390 ${lang} conversation`);
    await page.screenshot({ path: `${SHOTS}layout-390-${lang}-conversation.png` });

    // The details alone, then back to the conversation, then back to the inbox.
    await page.locator(".conv-head").getByRole("button", { name: t.details }).click();
    const details = page.locator("aside.details");
    await details.getByText("https://shop.example/products/Prasert%20Wongsa").waitFor();
    assert.equal(await log(page).isVisible(), false, "the messages step aside for the details");
    await noSidewaysScroll(page, `390 ${lang} details`);
    await page.screenshot({ path: `${SHOTS}layout-390-${lang}-details.png` });
    await details.getByRole("button", { name: t.toConv }).click();
    await log(page).getByText("My order").waitFor();
    await page.locator(".conv-head").getByRole("button", { name: t.back }).click();
    await row(page, "Prasert Wongsa").waitFor();
    assert.equal(await page.locator("main.work").isVisible(), false);
    await noSidewaysScroll(page, `390 ${lang} back in the inbox`);
    await context.close();
  }
  await v.context.close();
});

test("a plain agent cannot miss a conversation transferred to her: banner, beep, highlighted tab and row, on top", async () => {
  const va = await visitor("Araya Jaidee", "Question one");
  const vb = await visitor("Boonsong Dee", "Question two");
  const demo = await agentPage({ width: 1280, height: 800 }, DEMO);
  const ann = await agentPage({ width: 1280, height: 800 }, ANN);
  // Ann takes Araya herself (no banner for her own claim).
  await ann.page.locator("#inbox-rows li", { hasText: "Araya Jaidee" }).getByRole("button", { name: /^Claim/ }).click();
  await ann.page.locator(".conv-head .status", { hasText: "Active" }).waitFor();
  assert.equal(await ann.page.locator("#assigned-banner").count(), 0);
  const before = await ann.page.evaluate(() => window.chimes_);

  // The owner claims Boonsong and hands him to Ann.
  await demo.page.locator("#inbox-rows li", { hasText: "Boonsong Dee" }).getByRole("button", { name: /^Claim/ }).click();
  await demo.page.locator(".conv-head .status", { hasText: "Active" }).waitFor();
  await demo.page.locator(".conv-head").getByRole("button", { name: "Transfer" }).click();
  await demo.page.getByLabel("Transfer to").selectOption({ label: `Ann <${ANN.email}>` });
  await demo.page.getByRole("dialog").getByRole("button", { name: "Transfer" }).click();

  // Ann: a banner, a beep, the Mine tab lit up.
  const banner = ann.page.locator("#assigned-banner");
  await banner.getByText("New conversation assigned to you: Boonsong Dee").waitFor();
  await ann.page.waitForFunction((n) => window.chimes_ > n, before);
  const mine = ann.page.getByRole("tab", { name: /Mine/ });
  assert.match(await mine.getAttribute("class"), /fresh/);
  // Araya writes again: her conversation is newer, yet the new one stays on top.
  await va.send("Any news?");
  await log(ann.page).getByText("Any news?").waitFor();
  await mine.click();
  const first = ann.page.locator("#inbox-rows .row").first();
  await first.getByText("Boonsong Dee").waitFor();
  assert.match(await first.getAttribute("class"), /fresh/);
  await first.getByText("New", { exact: true }).waitFor();
  await ann.page.screenshot({ path: `${SHOTS}layout-assigned.png` });

  // Opening it from the banner clears the highlight.
  await banner.getByRole("button", { name: "Open" }).click();
  await log(ann.page).getByText("Question two").waitFor();
  await banner.waitFor({ state: "detached" });
  assert.doesNotMatch(await row(ann.page, "Boonsong Dee").getAttribute("class"), /fresh/);
  assert.doesNotMatch((await mine.getAttribute("class")) ?? "", /fresh/);
  for (const c of [demo.context, ann.context, va.context, vb.context]) await c.close();
});

test("keyboard first: C on a focused waiting row claims it and puts the cursor in the reply box; a closed conversation's box is off and its draft gone", async () => {
  const v1 = await visitor("Chai Keyboard", "Hello from the keyboard test");
  const v2 = await visitor("Dao Keyboard", "Second in line");
  const { page, context } = await agentPage({ width: 1280, height: 800 }, DEMO);
  // The shortcut is documented.
  await page.keyboard.press("?");
  await page.getByRole("dialog", { name: "Keyboard shortcuts" }).getByText("Claim the waiting conversation whose inbox row has focus").waitFor();
  await page.keyboard.press("Escape");

  // Both rows complete first: a conversation the agent does not follow gets its
  // newest text in a summary up to a second later, which may re-order the inbox.
  await row(page, "Chai Keyboard").filter({ hasText: "Hello from the keyboard test" }).waitFor();
  await row(page, "Dao Keyboard").filter({ hasText: "Second in line" }).waitFor();
  await row(page, "Chai Keyboard").focus();
  await page.keyboard.press("ArrowDown");
  // The arrow moves to the next row.
  await page.waitForFunction(() => document.activeElement?.textContent.includes("Dao Keyboard"));
  await page.keyboard.press("ArrowUp");
  // Back on the first row before the shortcut (the inbox may re-render meanwhile).
  await page.waitForFunction(() => document.activeElement?.textContent.includes("Chai Keyboard"));
  await page.keyboard.press("c");
  await page.locator(".conv-head .status", { hasText: "Active" }).waitFor();
  await page.locator(".conv-head h2", { hasText: "Chai Keyboard" }).waitFor();
  await page.waitForFunction(() => document.activeElement?.localName === "textarea" && !document.activeElement.readOnly);
  await page.keyboard.type("Claimed without the mouse");
  await page.keyboard.press("Enter");
  await log(page).getByText("Claimed without the mouse").waitFor();

  // A half-written reply, then the visitor leaves: the box is switched off and emptied.
  await page.getByLabel("Reply").fill("a stale draft");
  await v1.end();
  await page.getByText("This conversation is closed.").first().waitFor();
  const box = page.locator(".conv-main").getByRole("textbox", { name: "Reply" });
  assert.equal(await box.isDisabled(), true, "the reply box is off");
  assert.equal(await box.inputValue(), "", "the draft is gone");
  await page.screenshot({ path: `${SHOTS}layout-closed.png` });
  for (const c of [context, v1.context, v2.context]) await c.close();
});
