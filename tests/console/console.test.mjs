// Browser tests of the agent console, end to end against a real relay: two agents
// (the demo agent and Ann) in their own browser contexts and visitors speaking the
// visitor protocol from a page on an allowed origin. Run through run.sh, which sets
// RELAY_URL, CONSOLE_URL and the agents' credentials.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { chromium } from "playwright-core";
import { AxeBuilder } from "@axe-core/playwright";

const RELAY = process.env.RELAY_URL;
const CONSOLE = process.env.CONSOLE_URL;
const DEMO = { email: process.env.NATTER_DEMO_EMAIL, password: process.env.NATTER_DEMO_PASSWORD };
const ANN = { email: process.env.ANN_EMAIL, password: process.env.ANN_PASSWORD };
const SHOTS = new URL("./out/", import.meta.url).pathname;
mkdirSync(SHOTS, { recursive: true });

let browser;
before(async () => {
  assert.ok(RELAY && CONSOLE, "run through run.sh (RELAY_URL and CONSOLE_URL)");
  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
});
after(async () => browser?.close());

/** An agent's page whose console socket the test can pause (hold the relay's frames) or cut. */
async function agentPage() {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: "en-US" });
  const link = { down: false, paused: false, held: [], current: null };
  await context.routeWebSocket(/\/v1\/ws\/agent$/, (ws) => {
    if (link.down) {
      ws.close({ code: 4000, reason: "test: network down" });
      return;
    }
    const server = ws.connectToServer();
    link.current = ws;
    server.onMessage((m) => (link.paused ? link.held.push([ws, m]) : ws.send(m)));
    ws.onMessage((m) => server.send(m));
    ws.onClose(() => server.close());
    server.onClose(() => ws.close());
  });
  const page = await context.newPage();
  page.on("pageerror", (e) => console.error("console page error:", e));
  link.release = () => {
    link.paused = false;
    for (const [ws, m] of link.held.splice(0)) ws.send(m);
  };
  link.cut = () => link.current?.close({ code: 4001, reason: "test: dropped" });
  return { context, page, link };
}

async function signIn(page, who) {
  await page.goto(CONSOLE);
  await page.getByLabel("Workspace").fill("demo");
  await page.getByLabel("Email").fill(who.email);
  await page.getByLabel("Password").fill(who.password);
  const started = Date.now();
  const login = page.waitForResponse((r) => r.url().endsWith("/v1/agent/login"));
  await page.getByRole("button", { name: "Sign in" }).click();
  await login;
  const loggedIn = Date.now() - started;
  await page.locator("#conn-state", { hasText: "Online" }).waitFor();
  return { total: Date.now() - started, login: loggedIn };
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

async function axe(page, name) {
  const result = await new AxeBuilder({ page }).analyze();
  const bad = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  assert.deepEqual(bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`), [], `axe on ${name}`);
}

const row = (page, name) => page.locator("#inbox-rows .row", { hasText: name });
const log = (page) => page.getByRole("log");

test("sign-in refuses a wrong password without saying whether the email exists", async () => {
  const { page, context } = await agentPage();
  const t0 = Date.now();
  await page.goto(CONSOLE);
  await page.getByRole("button", { name: "Sign in" }).waitFor();
  console.log(`# cold load to sign-in form: ${Date.now() - t0} ms`);
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

test("two agents, a visitor: live queue, claim race, chat, reconnect, transfer, close", async () => {
  const a = await agentPage();
  const ms = await signIn(a.page, DEMO);
  console.log(`# sign-in click to live inbox: ${ms.total} ms (of which the login request ${ms.login} ms)`);
  await a.page.screenshot({ path: `${SHOTS}inbox-empty.png` });

  // A visitor arrives: the waiting row appears live.
  const v = await visitor({ name: "Nok", email: "nok@example.com", page_url: "http://127.0.0.1/shop/shoes", referrer: "https://search.example/?q=shoes" });
  await v.send("Hello, is my order shipped?");
  await row(a.page, "Nok").waitFor();
  await a.page.getByRole("tab", { name: /Waiting/ }).getByText("1").waitFor();
  await axe(a.page, "inbox");
  await a.page.screenshot({ path: `${SHOTS}inbox.png` });
  // The unread visitor message shows in the window title.
  await a.page.waitForFunction(() => document.title.startsWith("(1) "));

  // Shortcuts: "?" opens the help overlay, Escape closes it; Alt+J opens the next row.
  await a.page.locator("body").press("?");
  await a.page.getByRole("dialog", { name: "Keyboard shortcuts" }).waitFor();
  await axe(a.page, "help overlay");
  await a.page.screenshot({ path: `${SHOTS}help.png` });
  await a.page.keyboard.press("Escape");
  await a.page.getByRole("dialog").waitFor({ state: "detached" });
  await a.page.keyboard.press("Alt+KeyJ");
  await a.page.locator(".conv-head h2", { hasText: "Nok" }).waitFor();
  await a.page.waitForFunction(() => !document.title.startsWith("("));
  await a.page.locator(".strip .x").click();

  // Session survives a reload.
  await a.page.reload();
  await row(a.page, "Nok").waitFor();

  // Ann signs in and sees it too; her socket is paused so her claim will race.
  const b = await agentPage();
  await signIn(b.page, ANN);
  await row(b.page, "Nok").click();
  await b.page.getByRole("button", { name: "Claim", exact: true }).first().waitFor();
  b.link.paused = true;

  await row(a.page, "Nok").click();
  await log(a.page).getByText("Hello, is my order shipped?").waitFor();
  await a.page.locator(".details").getByText("iOS 17").waitFor();
  await a.page.locator(".conv-head").getByRole("button", { name: "Claim" }).click();
  await a.page.getByLabel("Reply").waitFor();
  await axe(a.page, "conversation");

  // Ann's claim loses, and she is told who has it.
  await b.page.locator(".conv-head").getByRole("button", { name: "Claim" }).click();
  b.link.release();
  await b.page.locator(".notice", { hasText: "Demo Agent already took this conversation." }).waitFor();

  // Chat both ways with typing indicators.
  await v.typing(true);
  await a.page.getByText("Visitor is typing…").waitFor();
  const reply = a.page.getByLabel("Reply");
  await reply.pressSequentially("It left our ");
  await v.waitFrame(`f => f.type === "typing" && f.on && f.who.role === "agent"`);
  await reply.press("Shift+Enter");
  await reply.pressSequentially("warehouse today.");
  await reply.press("Enter");
  await v.waitFrame(`f => f.type === "message" && f.message.body.text === "It left our \\nwarehouse today."`);
  await assert.doesNotReject(reply.evaluate((el) => el.value === "" || Promise.reject(new Error("composer not cleared"))));
  await v.send("Great, thanks!");
  await log(a.page).getByText("Great, thanks!").waitFor();
  const frames = await v.frames();
  const agentSeq = frames.find((f) => f.type === "message" && f.message.author.role === "agent" && f.message.body.kind === "text").message.seq;
  await v.read(agentSeq);
  await log(a.page).getByText("Seen").waitFor();
  await a.page.screenshot({ path: `${SHOTS}conversation.png` });

  // The agent's connection drops; the visitor writes meanwhile; after the reconnect
  // each missed message is shown exactly once.
  a.link.down = true;
  a.link.cut();
  await a.page.locator("#reconnecting").waitFor();
  await v.send("Missed one");
  await v.send("Missed two");
  await a.page.waitForTimeout(1500);
  a.link.down = false;
  await a.page.locator("#conn-state", { hasText: "Online" }).waitFor({ timeout: 20_000 });
  await log(a.page).getByText("Missed two").waitFor();
  assert.equal(await log(a.page).getByText("Missed one", { exact: true }).count(), 1);
  assert.equal(await log(a.page).getByText("Missed two", { exact: true }).count(), 1);
  assert.equal(await log(a.page).getByText("Great, thanks!", { exact: true }).count(), 1);

  // Transfer to Ann with a note; she sees it under Mine, with the note.
  await a.page.locator(".conv-head").getByRole("button", { name: "Transfer" }).click();
  await a.page.getByLabel("Transfer to").selectOption({ label: `Ann <${ANN.email}>` });
  await a.page.getByLabel(/Note for your colleague/).fill("Wants tracking number");
  await a.page.getByRole("dialog").getByRole("button", { name: "Transfer" }).click();
  await b.page.getByRole("tab", { name: /Mine/ }).click();
  await row(b.page, "Nok").click();
  await log(b.page).getByText("Note: Wants tracking number").waitFor();
  await log(a.page).getByText("Demo Agent transferred the conversation to Ann").waitFor();

  // Ann closes it; the visitor sees the end.
  await b.page.locator(".conv-head").getByRole("button", { name: "Close conversation" }).click();
  await b.page.getByRole("dialog").getByRole("button", { name: "Close conversation" }).click();
  await v.waitFrame(`f => f.type === "visitor_conversation" && f.conversation.status === "closed"`);
  await log(b.page).getByText("Ann closed the conversation").waitFor();
  await b.page.getByRole("tab", { name: /Closed/ }).click();
  await row(b.page, "Nok").waitFor();

  // Sending into a conversation that has just closed: a clear message, text kept.
  const v2 = await visitor({ name: "Mali" });
  await v2.send("Do you ship to Chiang Mai?");
  await b.page.getByRole("tab", { name: /Waiting/ }).click();
  await row(b.page, "Mali").click();
  await b.page.locator(".conv-head").getByRole("button", { name: "Claim" }).click();
  await b.page.getByLabel("Reply").fill("Yes, we do");
  b.link.paused = true;
  await v2.end();
  await b.page.getByLabel("Reply").press("Enter");
  b.link.release();
  await b.page.locator(".notice", { hasText: "Your text is back in the reply box" }).waitFor();
  assert.equal(await b.page.locator("textarea[readonly]").inputValue(), "Yes, we do");

  // Sign out returns to the sign-in form.
  await a.page.getByRole("button", { name: "Sign out" }).click();
  await a.page.getByRole("button", { name: "Sign in" }).waitFor();
  for (const c of [a.context, b.context, v.context, v2.context]) await c.close();
});

test("Thai strings, and the idle warning that activity cancels, then sign-out keeping the draft", async () => {
  const { page, context } = await agentPage();
  await signIn(page, DEMO);
  await page.getByRole("button", { name: "ภาษาไทย" }).click();
  await page.getByRole("tab", { name: /รอรับ/ }).waitFor();
  await page.screenshot({ path: `${SHOTS}inbox-th.png` });
  await page.getByRole("button", { name: "English" }).click();

  const idle = await page.evaluate(() => JSON.parse(localStorage.getItem("natter.console.session")).idle_timeout_secs);
  if (idle > 90) {
    console.log(`# idle timeout is ${idle} s: idle warning test skipped (run.sh starts the relay with 1 minute)`);
    await context.close();
    return;
  }
  // A half-typed reply somewhere to keep: open a conversation the agent holds.
  const v = await visitor({ name: "Idle test" });
  await v.send("hello?");
  await row(page, "Idle test").click();
  await page.locator(".conv-head").getByRole("button", { name: "Claim" }).click();
  await page.getByLabel("Reply").fill("a reply in progress");
  // Drafts survive a reload too.
  await page.reload();
  await page.getByRole("tab", { name: /Mine/ }).click();
  await row(page, "Idle test").click();
  assert.equal(await page.getByLabel("Reply").inputValue(), "a reply in progress");
  // Warning within the last half of a short timeout, cancelled by activity.
  await page.locator("#idle-warning").waitFor({ timeout: idle * 1000 });
  await page.screenshot({ path: `${SHOTS}idle-warning.png` });
  await page.mouse.move(200, 200);
  await page.mouse.move(300, 300);
  await page.locator("#idle-warning").waitFor({ state: "detached" });
  // Now really idle: back to sign-in, told why, the draft is kept.
  await page.getByRole("button", { name: "Sign in" }).waitFor({ timeout: (idle + 10) * 1000 });
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
  await page.waitForTimeout(5200); // past the coalescing window of the first alert
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

test("benchmark: sign-in to a usable inbox with 50 waiting visitors", async () => {
  // 50 visitors, each with two messages, from one page (each socket is a new visitor).
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${RELAY}/healthz`);
  await page.evaluate(async (relay) => {
    window.crowd_ = [];
    for (let i = 0; i < 50; i++) {
      const ws = new WebSocket(relay.replace(/^http/, "ws") + "/v1/ws/visitor?tenant=demo");
      await new Promise((ok, fail) => { ws.onopen = ok; ws.onerror = fail; });
      ws.send(JSON.stringify({ type: "hello", v: 1 }));
      ws.send(JSON.stringify({ type: "start", info: { name: `Crowd ${i}` } }));
      ws.send(JSON.stringify({ type: "send", client_id: `crowd-${i}-a`, text: `first message of visitor ${i}` }));
      ws.send(JSON.stringify({ type: "send", client_id: `crowd-${i}-b`, text: `second message of visitor ${i}` }));
      window.crowd_.push(ws);
    }
  }, RELAY);
  const agent = await agentPage();
  await agent.page.goto(CONSOLE);
  await agent.page.getByLabel("Workspace").fill("demo");
  await agent.page.getByLabel("Email").fill(DEMO.email);
  await agent.page.getByLabel("Password").fill(DEMO.password);
  const t0 = Date.now();
  await agent.page.getByRole("button", { name: "Sign in" }).click();
  await agent.page.waitForFunction(() => document.querySelectorAll("#inbox-rows .row").length >= 50, null, { timeout: 20_000 });
  const usable = Date.now() - t0;
  // Every conversation's history fetched (data-held = highest seq held without a gap),
  // paced under the relay's frame rate, with no refusal shown.
  await agent.page.waitForFunction(
    () => [...document.querySelectorAll("#inbox-rows .row")].filter((r) => r.textContent.includes("Crowd") && r.dataset.held === "2").length >= 50,
    null,
    { timeout: 30_000 },
  );
  assert.equal(await agent.page.locator(".notice").count(), 0);
  console.log(`# 50 waiting visitors: sign-in click to rows shown ${usable} ms, to all histories fetched ${Date.now() - t0} ms`);
  await agent.page.screenshot({ path: `${SHOTS}inbox-50.png` });
  await agent.context.close();
  await context.close();
});
