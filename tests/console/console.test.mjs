// Browser tests of the agent console, end to end against a real relay serving the
// console at /console/: two agents (the demo owner and Ann, a plain agent) in their
// own browser contexts; visitors either on the demo storefront (/, the bubble, the
// widget iframe) or speaking the visitor protocol from a page on an allowed origin.
// Run through run.sh, which sets RELAY_URL, CONSOLE_URL and the agents' credentials.
// Only correctness is asserted here; timings are bench.mjs's (`tests/console/run.sh bench.mjs`).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { RELAY, CONSOLE, DEMO, ANN, SHOTS, launch, signIn, openCrowd, crowdComplete, row, log } from "./lib.mjs";
import { AxeBuilder } from "@axe-core/playwright";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => browser?.close());

/** An agent's page whose console socket the test can pause (hold the relay's frames) or cut;
 * `link.sent` records the frames the console sent, `link.nextSent(type)` resolves with the
 * next one of a type. */
async function agentPage() {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: "en-US" });
  const link = { down: false, paused: false, held: [], current: null, sent: [], waiters: [] };
  await context.routeWebSocket(/\/v1\/ws\/agent$/, (ws) => {
    if (link.down) {
      ws.close({ code: 4000, reason: "test: network down" });
      return;
    }
    const server = ws.connectToServer();
    link.current = ws;
    server.onMessage((m) => (link.paused ? link.held.push([ws, m]) : ws.send(m)));
    ws.onMessage((m) => {
      link.sent.push(m);
      const f = JSON.parse(m);
      link.waiters = link.waiters.filter((w) => (w.type === f.type ? (w.ok(f), false) : true));
      server.send(m);
    });
    ws.onClose(() => server.close());
    server.onClose(() => ws.close());
  });
  const page = await context.newPage();
  page.on("pageerror", (e) => console.error("console page error:", e));
  link.release = () => {
    link.paused = false;
    for (const [ws, m] of link.held.splice(0)) ws.send(m);
  };
  link.nextSent = (type) => new Promise((ok) => link.waiters.push({ type, ok }));
  link.cut = () => link.current?.close({ code: 4001, reason: "test: dropped" });
  return { context, page, link };
}

/** A visitor: a page on an allowed origin with a raw visitor socket. */
async function visitor(info) {
  const context = await browser.newContext({ userAgent: "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1" });
  const page = await context.newPage();
  await page.goto(`${RELAY}/healthz`);
  await page.evaluate(async ({ relay, info }) => {
    window.frames_ = [];
    const ws = new WebSocket(relay.replace(/^http/, "ws") + "/v1/ws/visitor?tenant=demo");
    window.ws_ = ws;
    ws.onmessage = (e) => window.frames_.push(JSON.parse(e.data));
    await new Promise((ok, fail) => { ws.onopen = ok; ws.onerror = fail; });
    ws.send(JSON.stringify({ type: "hello", v: 1 }));
    ws.send(JSON.stringify({ type: "start", info }));
  }, { relay: RELAY, info });
  let n = 0;
  return {
    page,
    context,
    send: (text) => page.evaluate(([t, id]) => window.ws_.send(JSON.stringify({ type: "send", client_id: id, text: t })), [text, `v${Date.now()}-${n++}`]),
    typing: (on) => page.evaluate((on) => window.ws_.send(JSON.stringify({ type: "typing", on })), on),
    read: (seq) => page.evaluate((seq) => window.ws_.send(JSON.stringify({ type: "read", seq })), seq),
    end: () => page.evaluate(() => window.ws_.send(JSON.stringify({ type: "end" }))),
    frames: () => page.evaluate(() => window.frames_),
    waitFrame: (pred) => page.waitForFunction(`window.frames_.some(${pred})`, null, { timeout: 10_000 }),
  };
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

/** A visitor on the demo storefront: opens the page, clicks the bubble, waits for the widget. */
async function shopper() {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: "en-US" });
  await context.addInitScript(recordShadowRoot);
  const page = await context.newPage();
  page.on("pageerror", (e) => console.error("storefront page error:", e));
  await page.goto(`${RELAY}/`);
  await page.waitForFunction(() => window.natterRoot_?.querySelector("button"));
  await page.locator("natter-chat").click();
  const frame = await widgetFrame(page);
  const box = frame.getByLabel("Message", { exact: true });
  await box.waitFor();
  return {
    page,
    context,
    frame,
    box,
    send: async (text) => {
      await box.fill(text);
      await box.press("Enter");
      await frame.getByRole("log").getByText(text).waitFor();
    },
  };
}

/** The widget's frame, once the loader has put its iframe in the bubble's (open) shadow root. */
async function widgetFrame(page) {
  const iframe = page.locator("natter-chat iframe");
  await iframe.waitFor({ state: "attached", timeout: 10_000 });
  const frame = await (await iframe.elementHandle()).contentFrame();
  assert.ok(frame, "the widget iframe has a frame");
  return frame;
}

/** The admin API with an agent's session token (taken from the console's storage). */
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

async function axe(page, name) {
  const result = await new AxeBuilder({ page }).analyze();
  const bad = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  assert.deepEqual(bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`), [], `axe on ${name}`);
}

test("sign-in refuses a wrong password without saying whether the email exists", async () => {
  const { page, context } = await agentPage();
  await page.goto(CONSOLE);
  await page.getByRole("button", { name: "Sign in" }).waitFor();
  await axe(page, "sign-in");
  await page.getByLabel("Workspace").fill("demo");
  for (const email of [DEMO.email, "nobody@natter.local"]) {
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill("wrong-password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("alert").getByText("Email or password is incorrect.").waitFor();
  }
  await context.close();
});

test("sign-in to a usable inbox, sign-out back to the form", async () => {
  const { page, context } = await agentPage();
  await signIn(page, DEMO);
  await page.getByRole("tab", { name: /Waiting/ }).waitFor();
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.getByRole("button", { name: "Sign in" }).waitFor();
  await context.close();
});

test("two agents, a storefront visitor: live queue, claim race, chat, reconnect, transfer, close", async () => {
  const a = await agentPage();
  await signIn(a.page, DEMO);
  await a.page.screenshot({ path: `${SHOTS}inbox-empty.png` });

  // A visitor opens the widget on the storefront and writes: the waiting row appears live.
  const v = await shopper();
  await v.send("Hello, is my order shipped?");
  const first = "Hello, is my order shipped?";
  await row(a.page, first).waitFor();
  await a.page.getByRole("tab", { name: /Waiting/ }).getByText("1").waitFor();
  await row(a.page, first).getByText("#1 in queue").waitFor();
  await axe(a.page, "inbox");
  await a.page.screenshot({ path: `${SHOTS}inbox.png` });
  // The unread visitor message shows in the window title.
  await a.page.waitForFunction(() => document.title.startsWith("(1) "));

  // Shortcuts: "?" opens the help overlay, Escape closes it; Alt+J opens the next row.
  await a.page.locator("body").press("?");
  await a.page.getByRole("dialog", { name: "Keyboard shortcuts" }).waitFor();
  await axe(a.page, "help overlay");
  await a.page.keyboard.press("Escape");
  await a.page.getByRole("dialog").waitFor({ state: "detached" });
  await a.page.keyboard.press("Alt+KeyJ");
  await log(a.page).getByText(first).waitFor();
  await a.page.waitForFunction(() => !document.title.startsWith("("));
  await a.page.locator(".strip .x").click();

  // Session survives a reload.
  await a.page.reload();
  await row(a.page, first).waitFor();

  // Ann signs in and sees it too; her socket is paused so her claim will race.
  const b = await agentPage();
  await signIn(b.page, ANN);
  await row(b.page, first).click();
  await b.page.getByRole("button", { name: "Claim", exact: true }).first().waitFor();
  b.link.paused = true;

  await row(a.page, first).click();
  await log(a.page).getByText(first).waitFor();
  await a.page.locator(".conv-head").getByRole("button", { name: "Claim" }).click();
  await a.page.getByLabel("Reply").waitFor();
  await axe(a.page, "conversation");
  // The details show the storefront page the visitor wrote from.
  await a.page.locator("aside.details a", { hasText: /^http:\/\/127\.0\.0\.1:\d+\/$/ }).waitFor();
  // The visitor is told an agent joined.
  await v.frame.getByText(/Demo Agent/).first().waitFor();

  // Ann's claim loses, and she is told who has it.
  await b.page.locator(".conv-head").getByRole("button", { name: "Claim" }).click();
  b.link.release();
  await b.page.locator(".notice", { hasText: "Demo Agent already took this conversation." }).waitFor();

  // Chat both ways with typing indicators.
  await v.box.pressSequentially("Order 1234");
  await a.page.getByText("Visitor is typing…").waitFor();
  const reply = a.page.getByLabel("Reply");
  await reply.pressSequentially("It left our ");
  await v.frame.getByText("Demo Agent is typing…").waitFor();
  await reply.press("Shift+Enter");
  await reply.pressSequentially("warehouse today.");
  await reply.press("Enter");
  await v.frame.getByRole("log").getByText("warehouse today.").waitFor();
  assert.equal(await reply.inputValue(), "");
  await v.box.press("Enter");
  await log(a.page).getByText("Order 1234").waitFor();
  await v.send("Great, thanks!");
  await log(a.page).getByText("Great, thanks!").waitFor();
  // The widget marks the agent's reply read while it is open and visible.
  await log(a.page).getByText("Seen").waitFor();
  await a.page.screenshot({ path: `${SHOTS}conversation.png` });

  // The agent's connection drops; the visitor writes meanwhile; after the reconnect
  // each missed message is shown exactly once.
  a.link.down = true;
  a.link.cut();
  await a.page.locator("#reconnecting").waitFor();
  await v.send("Missed one");
  await v.send("Missed two");
  a.link.down = false;
  await a.page.locator("#conn-state", { hasText: "Connected" }).waitFor({ timeout: 20_000 });
  await log(a.page).getByText("Missed two").waitFor();
  assert.equal(await log(a.page).getByText("Missed one", { exact: true }).count(), 1);
  assert.equal(await log(a.page).getByText("Missed two", { exact: true }).count(), 1);
  assert.equal(await log(a.page).getByText("Great, thanks!", { exact: true }).count(), 1);

  // Transfer to Ann with a note; she sees it under Mine, with the note.
  await a.page.locator(".conv-head").getByRole("button", { name: "Transfer" }).click();
  await axe(a.page, "transfer dialog");
  await a.page.getByLabel("Transfer to").selectOption({ label: `Ann <${ANN.email}>` });
  await a.page.getByLabel(/Note for your colleague/).fill("Wants tracking number");
  await a.page.getByRole("dialog").getByRole("button", { name: "Transfer" }).click();
  await b.page.getByRole("tab", { name: /Mine/ }).click();
  await row(b.page, "Missed two").click();
  await log(b.page).getByText("Note: Wants tracking number").waitFor();
  await log(a.page).getByText("Demo Agent transferred the conversation to Ann").waitFor();

  // Ann closes it; the visitor sees the end.
  await b.page.locator(".conv-head").getByRole("button", { name: "Close conversation" }).click();
  await b.page.getByRole("dialog").getByRole("button", { name: "Close conversation" }).click();
  await v.frame.getByText(/ended/i).first().waitFor();
  await log(b.page).getByText("Ann closed the conversation").waitFor();
  await b.page.getByRole("tab", { name: /Closed/ }).click();
  await row(b.page, "Missed two").waitFor();

  // Sending into a conversation that has just closed: a clear message, text kept.
  const v2 = await visitor({ name: "Mali" });
  await v2.send("Do you ship to Chiang Mai?");
  await b.page.getByRole("tab", { name: /Waiting/ }).click();
  await row(b.page, "Mali").click();
  await b.page.locator(".conv-head").getByRole("button", { name: "Claim" }).click();
  await b.page.getByLabel("Reply").fill("Yes, we do");
  b.link.paused = true;
  await v2.end();
  // The relay has closed it (the console, its frames held, does not know yet).
  await v2.waitFrame(`f => f.type === "visitor_conversation" && f.conversation.status === "closed"`);
  await b.page.getByLabel("Reply").press("Enter");
  b.link.release();
  await b.page.locator(".notice", { hasText: "Your text is back in the reply box" }).waitFor();
  assert.equal(await b.page.locator("textarea[readonly]").inputValue(), "Yes, we do");

  // Sign out returns to the sign-in form.
  await a.page.getByRole("button", { name: "Sign out" }).click();
  await a.page.getByRole("button", { name: "Sign in" }).waitFor();
  for (const c of [a.context, b.context, v.context, v2.context]) await c.close();
});

test("availability, team load, queue order and priority, department transfer, offline messages", async () => {
  const a = await agentPage();
  await signIn(a.page, DEMO);
  const b = await agentPage();
  await signIn(b.page, ANN);
  const team = a.page.locator("#team-list");

  // Owners see the team live; a plain agent sees neither the team nor the settings.
  await team.locator("li", { hasText: "Ann" }).getByText("Online").waitFor();
  await team.locator("li", { hasText: "Ann" }).getByText("0 of 5 chats").waitFor();
  assert.equal(await b.page.locator("#team-list").count(), 0);
  assert.equal(await b.page.getByRole("button", { name: "Workspace settings" }).count(), 0);

  // Ann chooses "away": her console says so, and the owner sees it live.
  await b.page.getByLabel("Your status").selectOption("away");
  await team.locator("li", { hasText: "Ann" }).getByText("Away").waitFor();
  assert.equal(await b.page.getByLabel("Your status").inputValue(), "away");
  await b.page.getByLabel("Your status").selectOption("online");
  await team.locator("li", { hasText: "Ann" }).getByText("Online").waitFor();

  // Two visitors wait; marking the later one urgent moves it to the head of the queue
  // in both consoles.
  const v1 = await visitor({ name: "Early bird" });
  await v1.send("first in line");
  const v2 = await visitor({ name: "Late comer" });
  await v2.send("second in line");
  const names = (page) => page.locator("#inbox-rows .row .name").allTextContents();
  await row(a.page, "Late comer").waitFor();
  assert.deepEqual((await names(a.page)).filter((n) => /Early|Late/.test(n)), ["Early bird", "Late comer"]);
  await row(a.page, "Late comer").click();
  await a.page.getByLabel("Priority").selectOption("urgent");
  await row(b.page, "Late comer").getByText("Urgent").waitFor();
  await row(a.page, "Late comer").getByText("#1 in queue").waitFor();
  assert.deepEqual((await names(a.page)).filter((n) => /Early|Late/.test(n)), ["Late comer", "Early bird"]);
  assert.deepEqual((await names(b.page)).filter((n) => /Early|Late/.test(n)), ["Late comer", "Early bird"]);

  // The owner claims it: the team shows the load.
  await a.page.locator(".conv-head").getByRole("button", { name: "Claim" }).click();
  await a.page.getByLabel("Reply").waitFor();
  await team.locator("li", { hasText: "Demo Agent" }).getByText("1 of 5 chats").waitFor();

  // Ann takes billing questions (set through the admin API here; the settings page
  // test edits skills through the form). The owner hands the chat to billing.
  const agents = await adminApi(a.page, "GET", "/v1/admin/agents");
  const ann = agents.body.find((x) => x.email === ANN.email);
  assert.equal((await adminApi(a.page, "PUT", `/v1/admin/agents/${ann.id}`, { skills: ["billing"] })).status, 200);
  await a.page.locator(".conv-head").getByRole("button", { name: "Transfer" }).click();
  await a.page.getByLabel("To a department (skill)").check();
  await a.page.getByLabel("Department", { exact: true }).fill("billing");
  await a.page.getByRole("dialog").getByRole("button", { name: "Transfer" }).click();
  await log(a.page).getByText("Sent to the billing queue").waitFor();
  await b.page.getByRole("tab", { name: /Waiting/ }).click();
  await row(b.page, "Late comer").getByText("Dept: billing").waitFor();
  await row(b.page, "Late comer").click();
  await b.page.locator(".conv-head").getByRole("button", { name: "Claim" }).click();
  await b.page.getByLabel("Reply").fill("Billing here, how can I help?");
  await b.page.getByLabel("Reply").press("Enter");
  await v2.waitFrame(`f => f.type === "message" && f.message.body.text === "Billing here, how can I help?"`);

  // At her chat limit Ann is busy: her own console and the owner's team view say so.
  assert.equal((await adminApi(a.page, "PUT", `/v1/admin/agents/${ann.id}`, { max_chats: 1 })).status, 200);
  await team.locator("li", { hasText: "Ann" }).getByText("Busy").waitFor();
  await team.locator("li", { hasText: "Ann" }).getByText("1 of 1 chats").waitFor();
  await b.page.waitForFunction(() => document.querySelector("#my-status").value === "busy");
  assert.equal(await b.page.locator("#my-status option:checked").textContent(), "Busy (at your chat limit)");
  assert.equal((await adminApi(a.page, "PUT", `/v1/admin/agents/${ann.id}`, { max_chats: null })).status, 200);
  await team.locator("li", { hasText: "Ann" }).getByText("Online").waitFor();

  // Outside business hours a visitor leaves an offline message; it shows with a badge
  // and an agent answers it.
  const closed = await adminApi(a.page, "GET", "/v1/admin/settings");
  closed.body.hours.force = "closed";
  assert.equal((await adminApi(a.page, "PUT", "/v1/admin/settings", closed.body)).status, 200);
  const v3 = await visitor({});
  await v3.page.evaluate(() => window.ws_.send(JSON.stringify({ type: "offline", client_id: "off-1", name: "Nok", email: "nok@example.com", text: "Please call me back" })));
  await v3.waitFrame(`f => f.type === "ack" && f.client_id === "off-1"`);
  await a.page.getByRole("tab", { name: /Waiting/ }).click();
  await row(a.page, "Please call me back").getByText("Offline message").waitFor();
  await a.page.screenshot({ path: `${SHOTS}inbox-queue.png` });
  await row(a.page, "Please call me back").click();
  await a.page.locator(".conv-head").getByText("Offline message").waitFor();
  await a.page.locator(".conv-head").getByRole("button", { name: "Claim" }).click();
  await a.page.getByLabel("Reply").fill("Sure, we will call you tomorrow.");
  await a.page.getByLabel("Reply").press("Enter");
  await v3.waitFrame(`f => f.type === "message" && f.message.body.text === "Sure, we will call you tomorrow."`);
  delete closed.body.hours.force;
  assert.equal((await adminApi(a.page, "PUT", "/v1/admin/settings", closed.body)).status, 200);

  // The console's activity keeps an agent from going away; without it the relay's
  // auto-away shows in the owner's team view, and the next move brings them back.
  const quick = await adminApi(a.page, "GET", "/v1/admin/settings");
  quick.body.routing.away_after_secs = 3;
  assert.equal((await adminApi(a.page, "PUT", "/v1/admin/settings", quick.body)).status, 200);
  const keepBusy = setInterval(() => a.page.mouse.move(100 + Math.random() * 50, 300).catch(() => {}), 700);
  try {
    await team.locator("li", { hasText: "Ann" }).getByText("Away").waitFor({ timeout: 20_000 });
    await b.page.getByLabel("Your status").waitFor();
    assert.equal(await b.page.getByLabel("Your status").inputValue(), "away");
    await b.page.mouse.move(300, 300);
    await b.page.mouse.move(320, 320);
    await team.locator("li", { hasText: "Ann" }).getByText(/Online|Busy/).waitFor({ timeout: 10_000 });
  } finally {
    clearInterval(keepBusy);
    quick.body.routing.away_after_secs = 900;
    await adminApi(a.page, "PUT", "/v1/admin/settings", quick.body);
  }
  // Leave no open conversation behind for the tests that count unread messages.
  for (const v of [v1, v2, v3]) {
    await v.end();
    await v.waitFrame(`f => f.type === "visitor_conversation" && f.conversation.status === "closed"`);
  }
  for (const c of [a.context, b.context, v1.context, v2.context, v3.context]) await c.close();
});

test("history: a returning visitor's earlier chat and local time; the Closed tab searches text never loaded", async () => {
  // A visitor (UTC+7) chats, ends, and comes back with a new conversation.
  const v = await visitor({ name: "Returning Rin", utc_offset_min: 420 });
  // The shop's page verifies the signed-in customer (the hash its server computed).
  const login = await fetch(`${RELAY}/v1/agent/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ tenant: "demo", ...DEMO }),
  }).then((r) => r.json());
  const { secret } = await fetch(`${RELAY}/v1/admin/identity`, { headers: { authorization: `Bearer ${login.token}` } }).then((r) => r.json());
  const hash = createHmac("sha256", secret).update("rin-7").digest("hex");
  await v.page.evaluate((hash) => window.ws_.send(JSON.stringify({ type: "identify", user_id: "rin-7", hash })), hash);
  await v.page.waitForFunction(() => window.frames_.filter((f) => f.type === "welcome").length >= 2);
  await v.send("Where is parcel 4321?");
  await v.waitFrame(`f => f.type === "ack"`);
  await v.end();
  await v.waitFrame(`f => f.type === "visitor_conversation" && f.conversation.status === "closed"`);
  // As the widget does, the new conversation starts with the visitor's details.
  await v.page.evaluate(() => window.ws_.send(JSON.stringify({ type: "start", info: { name: "Returning Rin", utc_offset_min: 420 } })));
  await v.send("Order 7788 came damaged");
  await v.send("Back again about the parcel");

  const a = await agentPage();
  await signIn(a.page, DEMO);
  await row(a.page, "Back again about the parcel").click();
  const details = a.page.locator("aside.details");
  await details.getByText(/^\d\d:\d\d \(UTC\+7\)$/).waitFor();
  await details.getByText("rin-7").waitFor();
  await details.getByText("✓ verified").waitFor();
  const earlier = details.getByRole("region", { name: "Earlier conversations" });
  await earlier.getByText("Where is parcel 4321?").waitFor();
  await axe(a.page, "conversation with earlier conversations");
  await a.page.screenshot({ path: `${SHOTS}conversation-history.png` });
  // Reading the earlier one: its messages come from the relay.
  await earlier.getByRole("button", { name: /^\d{4}-\d\d-\d\d \d\d:\d\d$/ }).click();
  await log(a.page).getByText("Where is parcel 4321?").waitFor();
  await a.page.getByText("This conversation is closed.").first().waitFor();

  // Ann's fresh console has loaded no messages: the search asks the relay, on
  // the queue's tab (open conversations) as on the Closed tab.
  const b = await agentPage();
  await signIn(b.page, ANN);
  const search = b.page.getByLabel("Search by name, email or text");
  await search.fill("7788");
  await row(b.page, "Returning Rin").waitFor();
  assert.equal(await b.page.locator("#inbox-rows .row").count(), 1, "only the match");
  // The Closed tab's badge is the tenant's count, not what this console holds.
  const { total } = await fetch(`${RELAY}/v1/agent/conversations`, { headers: { authorization: `Bearer ${login.token}` } })
    .then((r) => r.json());
  await b.page.getByRole("tab", { name: new RegExp(`^Closed\\s?\\(${total}\\)$`) }).waitFor();
  await b.page.getByRole("tab", { name: /Closed/ }).click();
  await search.fill("4321");
  await row(b.page, "Returning Rin").waitFor();
  await search.fill("no such words 98765");
  await b.page.getByText("No conversations here.").waitFor();

  await v.end();
  await v.page.waitForFunction(
    () => window.frames_.filter((f) => f.type === "visitor_conversation" && f.conversation.status === "closed").length >= 2,
  );
  for (const c of [a.context, b.context, v.context]) await c.close();
});

test("workspace settings: live preview, errors at their field, saved colour and greeting reach the storefront", async () => {
  const a = await agentPage();
  await signIn(a.page, DEMO);
  await a.page.getByRole("button", { name: "Workspace settings" }).click();
  await a.page.getByRole("heading", { name: "Workspace settings" }).waitFor();
  await a.page.getByLabel("Main colour", { exact: true }).waitFor();
  await axe(a.page, "settings");

  // The identity secret is hidden until asked for, and is the one the API gives.
  const secretBox = a.page.getByLabel("Identity secret");
  assert.equal(await secretBox.getAttribute("type"), "password");
  await a.page.getByRole("button", { name: "Show", exact: true }).click();
  assert.equal(await secretBox.getAttribute("type"), "text");
  const fromApi = await adminApi(a.page, "GET", "/v1/admin/identity");
  assert.equal(await secretBox.inputValue(), fromApi.body.secret);
  assert.match(fromApi.body.secret, /^[0-9a-f]{32,}$/);

  // The preview follows every change before anything is saved; Discard undoes them.
  const bubble = a.page.locator("#pv-bubble");
  await a.page.getByLabel("Position").selectOption("bottom_left");
  await a.page.getByLabel("Header text").fill("Scratch");
  await a.page.locator("#pv-head").getByText("Scratch").waitFor();
  await a.page.getByRole("button", { name: "Discard changes" }).click();
  await a.page.locator("#pv-head").getByText("Chat with us").waitFor();
  assert.equal(await a.page.getByLabel("Position").inputValue(), "bottom_right");
  assert.equal(await a.page.getByLabel("Header text").inputValue(), "");
  await a.page.getByLabel("Main colour", { exact: true }).fill("#aa1100");
  await a.page.waitForFunction(() => getComputedStyle(document.querySelector("#pv-bubble")).backgroundColor === "rgb(170, 17, 0)");
  await a.page.getByLabel("Greeting").fill("Sawasdee! Ask us anything about your order.");
  await a.page.locator("#pv-panel").getByText("Sawasdee! Ask us anything about your order.").waitFor();
  await a.page.getByLabel("Header text").fill("Acme help desk");
  await a.page.locator("#pv-head").getByText("Acme help desk").waitFor();
  await a.page.getByLabel("Position").selectOption("bottom_left");
  assert.equal(await bubble.evaluate((el) => el.style.left), "10px");
  await a.page.getByLabel("Position").selectOption("bottom_right");
  await a.page.getByLabel("Show agents' names").uncheck();
  assert.equal(await a.page.locator("#pv-panel").getByText("Ann", { exact: true }).count(), 0);
  await a.page.getByLabel("Show agents' names").check();
  await a.page.getByLabel("Show as outside business hours").check();
  await a.page.getByLabel("Message above the offline form").fill("Closed for Songkran, back on Monday.");
  await a.page.locator("#pv-panel").getByText("Closed for Songkran, back on Monday.").waitFor();
  await a.page.getByLabel("Show as outside business hours").uncheck();

  // Skills and limits of agents; a bad time zone is refused and shown at its field.
  await a.page.getByLabel("Skills of Ann").fill("billing, th");
  await a.page.getByLabel("Chat limit of Ann").fill("3");
  await a.page.getByLabel(/Time zone/).fill("Mars/Olympus");
  await a.page.getByLabel("Monday").fill("09:00-12:00, 13:00-18:00");
  await a.page.getByRole("button", { name: "Save", exact: true }).click();
  const tzError = a.page.locator("#h-timezone-err");
  await tzError.waitFor();
  assert.match(await tzError.textContent(), /Unknown time zone/);
  assert.equal(await a.page.getByLabel(/Time zone/).getAttribute("aria-invalid"), "true");
  await a.page.waitForFunction(() => document.activeElement?.id === "h-timezone");
  await a.page.screenshot({ path: `${SHOTS}settings-error.png`, fullPage: false });
  await a.page.getByLabel(/Time zone/).fill("Asia/Bangkok");
  await a.page.getByRole("button", { name: "Save", exact: true }).click();
  await a.page.getByText("Saved. Changes apply at once.").waitFor();
  assert.equal(await tzError.count(), 0);
  await axe(a.page, "settings after save");
  await a.page.locator("main.admin").evaluate((el) => el.scrollTo(0, 0));
  await a.page.screenshot({ path: `${SHOTS}settings.png` });

  // What the relay now holds.
  const saved = await adminApi(a.page, "GET", "/v1/admin/settings");
  assert.equal(saved.body.widget.primary_color, "#aa1100");
  assert.deepEqual(saved.body.hours.weekly.mon, [{ start: "09:00", end: "12:00" }, { start: "13:00", end: "18:00" }]);
  const ann = (await adminApi(a.page, "GET", "/v1/admin/agents")).body.find((x) => x.email === ANN.email);
  assert.deepEqual([ann.skills, ann.max_chats], [["billing", "th"], 3]);

  // A reloaded storefront shows the new colour on the bubble and the greeting in the widget.
  const v = await shopper();
  const colour = await v.page.evaluate(() => getComputedStyle(window.natterRoot_.querySelector("button")).backgroundColor);
  assert.equal(colour, "rgb(170, 17, 0)");
  await v.frame.getByText("Sawasdee! Ask us anything about your order.").waitFor();
  await v.page.screenshot({ path: `${SHOTS}storefront-after-settings.png` });

  // Back to the inbox.
  await a.page.getByRole("button", { name: "Back to inbox" }).click();
  await a.page.getByRole("tab", { name: /Waiting/ }).waitFor();
  await a.context.close();
  await v.context.close();
});

test("pre-chat form: built on the settings page, required fields enforced in the widget, answers beside the chat", async () => {
  const a = await agentPage();
  await signIn(a.page, DEMO);
  await a.page.getByRole("button", { name: "Workspace settings" }).click();
  await a.page.getByLabel("Ask for details before the chat starts").check();
  const fields = [
    { key: "name", label: "Your name", kind: "name", required: true },
    { key: "order", label: "Order number", kind: "text", required: true },
    { key: "phone", label: "Phone number", kind: "phone", required: false },
  ];
  for (const [i, f] of fields.entries()) {
    await a.page.getByRole("button", { name: "Add a field" }).click();
    const row = a.page.getByRole("group", { name: `Field ${i + 1}` });
    await row.getByLabel("Key").fill(f.key);
    await row.getByLabel("Label").fill(f.label);
    await row.getByLabel("Kind").selectOption(f.kind);
    if (f.required) await row.getByLabel("Required").check();
    else await row.getByLabel("Required").uncheck();
  }
  await a.page.getByRole("button", { name: "Save", exact: true }).click();
  await a.page.getByText("Saved. Changes apply at once.").waitFor();
  const saved = (await adminApi(a.page, "GET", "/v1/admin/settings")).body;
  assert.deepEqual(saved.widget.prechat.fields.map((f) => [f.key, f.kind, f.required]), [["name", "name", true], ["order", "text", true], ["phone", "phone", false]]);

  // The storefront's widget asks first; a missing required answer is named.
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: "en-US" });
  const page = await context.newPage();
  await page.goto(`${RELAY}/`);
  await page.locator("natter-chat").click();
  const frame = await widgetFrame(page);
  await frame.getByLabel(/Your name/).fill("Ploy");
  await frame.getByRole("button", { name: "Start a chat" }).click();
  await frame.getByText("Please fill in this field.").waitFor();
  assert.equal(await frame.getByLabel(/Order number/).getAttribute("aria-invalid"), "true");
  await frame.getByLabel(/Order number/).fill("A-1042");
  await frame.getByLabel(/Phone number/).fill("+66 81 234 5678");
  await frame.getByRole("button", { name: "Start a chat" }).click();
  const box = frame.getByLabel("Message", { exact: true });
  await box.fill("My order has not arrived");
  await box.press("Enter");

  // The agent sees the answers next to the conversation.
  await a.page.getByRole("button", { name: "Back to inbox" }).click();
  await row(a.page, "Ploy").click();
  const details = a.page.locator("aside.details");
  await details.getByText("A-1042").waitFor();
  await details.getByText("+66 81 234 5678").waitFor();
  await a.page.locator(".conv-head").getByText("Ploy").waitFor();

  // Back to no pre-chat form for the tests that follow.
  saved.widget.prechat = { enabled: false, fields: [] };
  assert.equal((await adminApi(a.page, "PUT", "/v1/admin/settings", saved)).status, 200);
  await a.page.locator(".conv-head").getByRole("button", { name: "Close conversation" }).click();
  await a.page.getByRole("dialog").getByRole("button", { name: "Close conversation" }).click();
  await a.page.getByText("This conversation is closed.").first().waitFor();
  await a.context.close();
  await context.close();
});

test("Thai strings, and the idle warning that activity cancels, then sign-out keeping the draft", async () => {
  const { page, context } = await agentPage();
  // The console's idle rule runs on Date.now and its one-second setInterval tick:
  // Playwright's clock (running in real time until moved) lets the test jump
  // over the idle minutes instead of waiting them out. Installed before the first
  // page load, it survives reloads and sign-ins.
  await page.clock.install();
  await signIn(page, DEMO);
  await page.getByRole("button", { name: "ภาษาไทย" }).click();
  await page.getByRole("tab", { name: /รอรับ/ }).waitFor();
  await page.screenshot({ path: `${SHOTS}inbox-th.png` });
  await page.getByRole("button", { name: "English" }).click();

  // A half-typed reply somewhere to keep: open a conversation the agent holds.
  const v = await visitor({ name: "Idle test" });
  await v.send("hello?");
  await row(page, "Idle test").click();
  await page.locator(".conv-head").getByRole("button", { name: "Claim" }).click();
  await page.getByLabel("Reply").fill("a reply in progress");
  // The relay has made it ours (the claim is not lost to the reload below).
  await page.locator(".conv-head .status", { hasText: "Active" }).waitFor();
  // Drafts survive a reload too.
  await page.reload();
  await page.getByRole("tab", { name: /Mine/ }).click();
  await row(page, "Idle test").click();
  assert.equal(await page.getByLabel("Reply").inputValue(), "a reply in progress");

  // The warning shows in the last two minutes (the last half of a short timeout).
  // Jumping to the middle of that window leaves the real seconds since the last
  // click (activity is counted at most every 5 s) well inside it.
  const idleMs = 1000 * (await page.evaluate(() => JSON.parse(localStorage.getItem("natter.console.session")).idle_timeout_secs));
  const warningMs = Math.min(120_000, idleMs / 2);
  // A jump runs the console's one-second tick before it returns, so what the tick
  // (or a mouse move) changes shows at once. The waits for it are short because
  // the clock runs on in real time: a long wait would let it get there by itself.
  const atOnce = { timeout: 2_000 };
  await page.clock.fastForward(idleMs - warningMs / 2);
  await page.locator("#idle-warning").waitFor(atOnce);
  await page.screenshot({ path: `${SHOTS}idle-warning.png` });
  // Activity cancels it: the banner goes, and the moment the session would have
  // ended passes with the agent still signed in (the tick after the jump has run).
  await page.mouse.move(200, 200);
  await page.mouse.move(300, 300);
  await page.locator("#idle-warning").waitFor({ state: "detached", ...atOnce });
  await page.clock.fastForward(warningMs / 2 + 5_000);
  assert.ok(await page.getByRole("button", { name: "Sign out" }).isVisible(), "still signed in after the first deadline");
  assert.equal(await page.locator("#idle-warning").count(), 0, "and not warned again yet");
  // Now really idle past the whole timeout: back to sign-in, told why, the draft kept.
  await page.clock.fastForward(idleMs);
  await page.getByRole("button", { name: "Sign in" }).waitFor(atOnce);
  await page.getByText("You were signed out after a period of inactivity.").waitFor();
  await page.getByText("Your unsent replies are kept").waitFor();
  await signIn(page, DEMO);
  await page.getByRole("tab", { name: /Mine/ }).click();
  await row(page, "Idle test").click();
  assert.equal(await page.getByLabel("Reply").inputValue(), "a reply in progress");
  await context.close();
  await v.context.close();
});

test("notifications: chime and browser notification in the background, bursts coalesced", async () => {
  const { page, context } = await agentPage();
  // Record what the console asks of the Notification API and WebAudio.
  await context.addInitScript(() => {
    window.notes_ = [];
    window.chimes_ = 0;
    window.Notification = class {
      static permission = "granted";
      static requestPermission() { return Promise.resolve("granted"); }
      constructor(title, opts) { window.notes_.push({ title, body: opts?.body, tag: opts?.tag }); }
      close() {}
    };
    const create = AudioContext.prototype.createOscillator;
    AudioContext.prototype.createOscillator = function () {
      window.chimes_ += 0.5; // two tones per chime
      return create.call(this);
    };
  });
  // Alerts coalesce by Date.now: the test moves Playwright's clock past the window.
  await page.clock.install();
  await signIn(page, DEMO);
  // The agent switches to another window.
  await page.evaluate(() => window.dispatchEvent(new Event("blur")));

  const v = await visitor({ name: "Somchai" });
  await v.send("Is this in stock?");
  await page.waitForFunction(() => window.notes_.length === 1);
  const [first] = await page.evaluate(() => window.notes_);
  assert.equal(first.title, "New visitor waiting: Somchai");
  assert.equal(first.tag, "natter-console");
  assert.equal(await page.evaluate(() => window.chimes_), 1);

  // Claim it (focus comes back), then leave again: a burst of three messages makes
  // one more chime at most and a notification that counts up under the same tag.
  await page.evaluate(() => window.dispatchEvent(new Event("focus")));
  await row(page, "Somchai").click();
  await page.locator(".conv-head").getByRole("button", { name: "Claim" }).click();
  await page.getByLabel("Reply").waitFor();
  await page.clock.fastForward(5_200); // past the 5 s coalescing window of the first alert
  await page.evaluate(() => window.dispatchEvent(new Event("blur")));
  for (const t of ["one", "two", "three"]) await v.send(t);
  await log(page).getByText("three").waitFor();
  await page.waitForFunction(() => window.notes_.length === 4);
  const notes = await page.evaluate(() => window.notes_);
  assert.equal(notes[1].title, "New message from Somchai");
  assert.deepEqual(notes.slice(2).map((n) => n.title), ["2 new events", "3 new events"]);
  assert.ok(notes.every((n) => n.tag === "natter-console"));
  assert.equal(await page.evaluate(() => window.chimes_), 2, "one chime per burst");
  await page.waitForFunction(() => document.title.startsWith("(3) "));
  await context.close();
  await v.context.close();
});

test("50 waiting visitors: every row complete from its summary, no history fetched until one is opened", async () => {
  // 50 visitors, each with two messages, from one page (each socket is a new visitor).
  const visitors = await openCrowd(browser, 50);
  const agent = await agentPage();
  await signIn(agent.page, DEMO);
  // Every row complete from its summary alone (newest text, two unread), with no
  // history fetched: the console syncs (and so follows) only what the agent opens
  // or holds, and no refusal is shown.
  await crowdComplete(agent.page, 50);
  // Earlier tests of this suite leave conversations the demo agent holds, which
  // it does sync; the crowd's are the ones nobody opened.
  const crowd = new Set(await agent.page.locator("#inbox-rows .row", { hasText: "Crowd" })
    .evaluateAll((rows) => rows.map((r) => Number(r.getAttribute("data-conversation")))));
  const syncs = () => agent.link.sent.map((m) => JSON.parse(m))
    .filter((m) => m.type === "sync" && crowd.has(m.conversation_id));
  assert.equal(crowd.size, 50);
  assert.equal(syncs().length, 0, "no history fetched for rows nobody opened");
  assert.equal(await agent.page.locator(".notice").count(), 0);
  // Opening one follows it (a sync); closing its view stops that (an unwatch).
  const seven = row(agent.page, "Crowd 7").first();
  const id = Number(await seven.getAttribute("data-conversation"));
  await seven.click();
  await log(agent.page).getByText("second message of visitor 7").waitFor();
  assert.deepEqual(syncs(), [{ type: "sync", conversation_id: id, after_seq: 0 }]);
  const unwatch = agent.link.nextSent("unwatch");
  await agent.page.locator(".strip .x").click();
  assert.equal((await unwatch).conversation_id, id);
  await agent.page.screenshot({ path: `${SHOTS}inbox-50.png` });
  await agent.context.close();
  await visitors.close();
});
