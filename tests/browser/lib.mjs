// Shared helpers of the widget's browser tests: relays as child processes (port 0,
// temporary data dir, restartable on the same port), an agent speaking the agent
// protocol over `ws`, Chromium through playwright-core, and widget page helpers.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import assert from "node:assert/strict";
import { chromium } from "playwright-core";
import WebSocket from "ws";

export const DEMO = { email: "demo@natter.local", password: "demo-password-123" };
export const SHOTS = new URL("./out/", import.meta.url).pathname;
mkdirSync(SHOTS, { recursive: true });

const BIN = process.env.NATTER_BIN;

/** A relay child process. `start()` on port 0 first, then `restart()` keeps port and data. */
export class Relay {
  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), "natter-widget-test-"));
    this.port = 0;
    this.proc = null;
    this.log = "";
  }

  async start() {
    assert.ok(BIN, "NATTER_BIN must name the relay binary (run through run.sh)");
    const env = { ...process.env, NATTER_DEMO_EMAIL: DEMO.email, NATTER_DEMO_PASSWORD: DEMO.password, RUST_LOG: "warn" };
    const proc = spawn(BIN, ["--data-dir", this.dir, "serve", "--listen", `127.0.0.1:${this.port}`], { env });
    this.proc = proc;
    const url = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`relay did not start:\n${this.log}`)), 15_000);
      const onData = (d) => {
        this.log += d;
        const m = /natter listening on (http:\/\/\S+)/.exec(this.log);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      };
      proc.stdout.on("data", onData);
      proc.stderr.on("data", onData);
      proc.on("exit", (code) => reject(new Error(`relay exited (${code}):\n${this.log}`)));
    });
    this.url = url.replace(/\/$/, "");
    this.port = Number(new URL(this.url).port);
    return this;
  }

  /** SIGKILL, as a crash would; resolves when the process is gone. */
  async kill() {
    const proc = this.proc;
    if (!proc || proc.exitCode !== null) return;
    const gone = new Promise((r) => proc.once("exit", r));
    proc.kill("SIGKILL");
    await gone;
    this.proc = null;
  }

  async restart() {
    await this.kill();
    this.log = "";
    return this.start();
  }

  async stop() {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** An owner session token of the demo agent. */
  async login(who = DEMO) {
    const r = await fetch(`${this.url}/v1/agent/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ tenant: "demo", ...who }),
    });
    const body = await r.text();
    assert.equal(r.status, 200, `login: ${body}`);
    return JSON.parse(body).token;
  }

  /** Reads, edits and saves the tenant settings (admin API) with `edit(settings)`. */
  async editSettings(token, edit) {
    const auth = { authorization: `Bearer ${token}` };
    const got = await fetch(`${this.url}/v1/admin/settings`, { headers: auth });
    assert.equal(got.status, 200);
    const settings = await got.json();
    edit(settings);
    const put = await fetch(`${this.url}/v1/admin/settings`, {
      method: "PUT",
      headers: { ...auth, "content-type": "application/json" },
      body: JSON.stringify(settings),
    });
    const body = await put.text();
    assert.equal(put.status, 200, `PUT settings: ${body}`);
  }

  /** Adds `origin` to the tenant's allowed origins (admin API); resolves to the saved list. */
  async allowOrigin(token, origin) {
    const auth = { authorization: `Bearer ${token}` };
    const got = await fetch(`${this.url}/v1/admin/origins`, { headers: auth });
    const current = await got.text();
    assert.equal(got.status, 200, `GET origins: ${current}`);
    const { origins } = JSON.parse(current);
    const put = await fetch(`${this.url}/v1/admin/origins`, {
      method: "PUT",
      headers: { ...auth, "content-type": "application/json" },
      body: JSON.stringify({ origins: [...origins, origin] }),
    });
    const body = await put.text();
    assert.equal(put.status, 200, `PUT origins: ${body}`);
    return JSON.parse(body).origins;
  }
}

/** An agent on the agent socket; every received frame is kept in `frames`. */
export class Agent {
  constructor(relay, token) {
    this.relay = relay;
    this.token = token;
    this.frames = [];
    this.waiters = [];
    this.n = 0;
  }

  static async connect(relay, token) {
    const agent = new Agent(relay, token ?? (await relay.login()));
    await agent.open();
    return agent;
  }

  /** Opens a socket (again, e.g. after a relay restart) and waits for the welcome. */
  async open() {
    const url = this.relay.url.replace(/^http/, "ws") + "/v1/ws/agent";
    const ws = new WebSocket(url, { origin: this.relay.url });
    this.ws = ws;
    ws.on("message", (data) => {
      const frame = JSON.parse(String(data));
      this.frames.push(frame);
      this.waiters = this.waiters.filter((w) => !w(frame));
    });
    await new Promise((ok, fail) => {
      ws.once("open", ok);
      ws.once("error", fail);
    });
    const mark = this.frames.length;
    this.send({ type: "hello", v: 1, token: this.token });
    await this.waitFor((f) => f.type === "agent_welcome", { from: mark });
  }

  send(frame) {
    this.ws.send(JSON.stringify(frame));
  }

  /** A frame matching `pred` (already received after `from`, or the next one). */
  waitFor(pred, { from = 0, timeout = 10_000 } = {}) {
    const seen = this.frames.slice(from).find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const last = this.frames.slice(-5).map((f) => JSON.stringify(f).slice(0, 200)).join("\n");
        reject(new Error(`agent: no matching frame within ${timeout} ms; last frames:\n${last}`));
      }, timeout);
      this.waiters.push((f) => {
        if (!pred(f)) return false;
        clearTimeout(timer);
        resolve(f);
        return true;
      });
    });
  }

  /**
   * The conversation in which a visitor wrote `text`: this agent follows no
   * conversation it has not claimed or synced, so it learns of the message from
   * the conversation's summary (`preview`), or from a `message` once it follows.
   */
  async conversationOf(text) {
    const f = await this.waitFor(
      (f) =>
        (f.type === "message" && f.message.body.text === text) ||
        (f.type === "conversation" && f.conversation.preview === text) ||
        (f.type === "agent_welcome" && f.conversations.some((c) => c.preview === text)),
    );
    if (f.type === "message") return f.conversation_id;
    if (f.type === "conversation") return f.conversation.id;
    return f.conversations.find((c) => c.preview === text).id;
  }

  async claim(id) {
    const mark = this.frames.length;
    this.send({ type: "claim", conversation_id: id });
    await this.waitFor((f) => f.type === "conversation" && f.conversation.id === id && f.conversation.status === "active", { from: mark });
  }

  /** Sends a text message and waits for its ack; returns the seq. */
  async say(id, text) {
    const client_id = `a${Date.now().toString(36)}${this.n++}`;
    this.send({ type: "send", conversation_id: id, client_id, text });
    const ack = await this.waitFor((f) => f.type === "ack" && f.client_id === client_id);
    return ack.seq;
  }

  /** Every stored message of a conversation (`sync` from 0, all `history` pages). */
  async history(id) {
    let from = this.frames.length;
    this.send({ type: "sync", conversation_id: id, after_seq: 0 });
    const out = [];
    for (;;) {
      const h = await this.waitFor((f) => f.type === "history" && f.conversation_id === id, { from });
      from = this.frames.indexOf(h) + 1;
      out.push(...h.messages);
      if (!h.more) return out;
    }
  }

  close() {
    this.ws?.close();
  }
}

export async function launch() {
  return chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

/** A fresh visitor (own storage) on a page of the relay; page errors fail loudly. */
export async function visitorPage(browser, { viewport = { width: 1280, height: 720 }, ...options } = {}) {
  const context = await browser.newContext({ viewport, locale: "en-US", ...options });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  page.errors = [];
  page.on("pageerror", (e) => page.errors.push(String(e)));
  page.on("console", (m) => {
    // 4xx/5xx loads are reported below with their URL.
    if (m.type() === "error" && !m.text().startsWith("Failed to load resource")) page.errors.push(m.text());
  });
  page.on("response", (r) => {
    if (r.status() >= 400) page.errors.push(`${r.status()} ${r.url()}`);
  });
  return { context, page };
}

/** The bubble (the loader's button; its shadow root is open, so locators reach it). */
export const bubble = (page) => page.locator("natter-chat").getByRole("button");

/** The widget frame, once the loader created it. */
export async function widgetFrame(page) {
  await page.locator("natter-chat iframe").waitFor({ state: "attached", timeout: 10_000 });
  const handle = await page.locator("natter-chat iframe").elementHandle();
  const frame = await handle.contentFrame();
  assert.ok(frame, "the widget iframe has a frame");
  return frame;
}

/** Loads `url`, clicks the bubble and waits until the widget is connected. */
export async function openWidget(page, url) {
  if (url) await page.goto(url);
  await bubble(page).click();
  const frame = await widgetFrame(page);
  await frame.locator("#natter-composer, #natter-start").first().waitFor({ timeout: 10_000 });
  await waitConnected(frame);
  return frame;
}

/** Waits until no "Connecting…"/"Reconnecting…" banner shows. */
export async function waitConnected(frame, timeout = 15_000) {
  await frame.waitForFunction(() => !document.querySelector(".banner.quiet, .banner.warn") && !!document.querySelector(".panel"), null, { timeout });
}

/** Types a message in the composer and presses Enter. */
export async function typeAndSend(frame, text) {
  const box = frame.locator("#natter-composer");
  await box.fill(text);
  await box.press("Enter");
}

/** The text of the conversation log's bubbles, in order (greeting excluded). */
export async function logTexts(frame) {
  return frame.locator(".log .msg:not(.greeting) .bubble p").allTextContents();
}

/**
 * Watches the loader of a page that is about to load it, for the tests of a loader
 * that must draw nothing and warn exactly once. Call before the page loads: it installs
 * Playwright's clock (the loader's fallback start is a 4 s timer) and counts, in the
 * page, the loader's config requests. `warning()` resolves with the first console
 * warning (already logged or the next); `settle()` then runs every timer the loader
 * set, returns how many config requests it made in all, and returns only once every
 * console message logged before has arrived here (the page logs a marker after them,
 * and console messages arrive in order). Nothing then can warn again: a second warning
 * needs a second config request, and any warning of the first is already recorded.
 */
export async function watchLoader(page) {
  await page.clock.install();
  await page.addInitScript(() => {
    const fetch = window.fetch;
    window.natterConfigFetches_ = 0;
    window.fetch = function (input, init) {
      if (String(input).includes("/v1/widget/")) window.natterConfigFetches_++;
      return fetch.call(this, input, init);
    };
  });
  const messages = [];
  const waiters = new Set();
  page.on("console", (m) => {
    const message = { type: m.type(), text: m.text() };
    messages.push(message);
    for (const w of waiters) w(message);
  });
  const until = (pred, what, timeout = 10_000) => {
    const seen = messages.find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const waiter = (m) => {
        if (!pred(m)) return;
        clearTimeout(timer);
        waiters.delete(waiter);
        resolve(m);
      };
      const timer = setTimeout(() => {
        waiters.delete(waiter);
        reject(new Error(`no ${what} in the console within ${timeout} ms; got ${JSON.stringify(messages)}`));
      }, timeout);
      waiters.add(waiter);
    });
  };
  let markers = 0;
  return {
    warnings: () => messages.filter((m) => m.type === "warning").map((m) => m.text),
    warning: () => until((m) => m.type === "warning", "warning"),
    settle: async () => {
      await page.clock.runFor(5_000);
      const fetches = await page.evaluate(() => window.natterConfigFetches_);
      const marker = `natter-test marker ${++markers}`;
      const arrived = until((m) => m.text === marker, "marker");
      await page.evaluate((text) => console.debug(text), marker);
      await arrived;
      return fetches;
    },
  };
}
