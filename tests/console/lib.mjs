// Shared by the console's browser tests: what run.sh passes in (relay and console
// URLs, the demo owner and Ann), the screenshot folder, Debian's Chromium through
// playwright-core, signing in, and inbox locators.
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { chromium } from "playwright-core";

export const RELAY = process.env.RELAY_URL;
export const CONSOLE = process.env.CONSOLE_URL;
export const DEMO = { email: process.env.NATTER_DEMO_EMAIL, password: process.env.NATTER_DEMO_PASSWORD };
export const ANN = { email: process.env.ANN_EMAIL, password: process.env.ANN_PASSWORD };
export const SHOTS = new URL("./out/", import.meta.url).pathname;
mkdirSync(SHOTS, { recursive: true });

/** Headless Chromium (run through run.sh, which starts the relay). */
export async function launch() {
  assert.ok(RELAY && CONSOLE, "run through run.sh (RELAY_URL and CONSOLE_URL)");
  return chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

/** Signs `who` in to the demo workspace and waits for the live socket; returns timings (ms). */
export async function signIn(page, who) {
  await page.goto(CONSOLE);
  await page.getByLabel("Workspace").fill("demo");
  await page.getByLabel("Email").fill(who.email);
  await page.getByLabel("Password").fill(who.password);
  const started = Date.now();
  const login = page.waitForResponse((r) => r.url().endsWith("/v1/agent/login"));
  await page.getByRole("button", { name: "Sign in" }).click();
  await login;
  const loggedIn = Date.now() - started;
  await page.locator("#conn-state", { hasText: "Connected" }).waitFor();
  return { total: Date.now() - started, login: loggedIn };
}

/** The inbox row of a visitor. */
export const row = (page, name) => page.locator("#inbox-rows .row", { hasText: name });
/** The open conversation's message log. */
export const log = (page) => page.getByRole("log");

/** Opens `n` visitor sockets from one page (each a new visitor) that each start a
 * conversation as "Crowd i" and send two messages. `close()` ends every one of those
 * conversations (so later tests do not see them abandoned) and closes the page. */
export async function openCrowd(browser, n) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${RELAY}/healthz`);
  await page.evaluate(async ([relay, n]) => {
    window.crowd_ = [];
    for (let i = 0; i < n; i++) {
      const ws = new WebSocket(relay.replace(/^http/, "ws") + "/v1/ws/visitor?tenant=demo");
      ws.ended_ = false;
      ws.onmessage = (e) => {
        const f = JSON.parse(e.data);
        if (f.type === "visitor_conversation" && f.conversation.status === "closed") ws.ended_ = true;
      };
      await new Promise((ok, fail) => { ws.onopen = ok; ws.onerror = fail; });
      ws.send(JSON.stringify({ type: "hello", v: 1 }));
      ws.send(JSON.stringify({ type: "start", info: { name: `Crowd ${i}` } }));
      ws.send(JSON.stringify({ type: "send", client_id: `crowd-${i}-a`, text: `first message of visitor ${i}` }));
      ws.send(JSON.stringify({ type: "send", client_id: `crowd-${i}-b`, text: `second message of visitor ${i}` }));
      window.crowd_.push(ws);
    }
  }, [RELAY, n]);
  return {
    close: async () => {
      await page.evaluate(() => { for (const ws of window.crowd_) ws.send(JSON.stringify({ type: "end" })); });
      await page.waitForFunction(() => window.crowd_.every((ws) => ws.ended_), null, { timeout: 20_000 });
      await context.close();
    },
  };
}

/** Waits until the inbox shows `n` rows, then until `n` crowd rows are complete from
 * their summaries (newest text as preview, two unread); returns both times (ms from the call). */
export async function crowdComplete(page, n) {
  const started = Date.now();
  await page.waitForFunction((n) => document.querySelectorAll("#inbox-rows .row").length >= n, n, { timeout: 20_000 });
  const shown = Date.now() - started;
  await page.waitForFunction(
    (n) => [...document.querySelectorAll("#inbox-rows .row")].filter((r) =>
      r.textContent.includes("Crowd")
      && r.querySelector(".prev")?.textContent.startsWith("second message of visitor")
      && r.querySelector(".badge [aria-hidden]")?.textContent === "2").length >= n,
    n,
    { timeout: 30_000 },
  );
  return { shown, complete: Date.now() - started };
}

/** A fresh browser context and page for one agent (page errors logged). */
export async function newAgentPage(browser, { width = 1280, height = 900, locale = "en-US" } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, locale });
  const page = await context.newPage();
  page.on("pageerror", (e) => console.error("console page error:", e));
  return { context, page };
}

/** Asserts axe finds nothing serious or critical on the page. */
export async function axeClean(page, name) {
  const { AxeBuilder } = await import("@axe-core/playwright");
  const result = await new AxeBuilder({ page }).analyze();
  const bad = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  assert.deepEqual(bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`), [], `axe on ${name}`);
}

/**
 * A visitor on the relay's visitor socket, from a blank page on the relay's
 * origin (no widget): `hello`, then `start` with `info`. Every frame received
 * is kept, parsed in `window.frames_` and as sent in `window.raw_`; the socket
 * is `window.ws_`. Returns once the `welcome` arrived.
 */
export async function visitorSocket(browser, info) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${RELAY}/healthz`);
  await page.evaluate(async ({ relay, info }) => {
    window.frames_ = [];
    window.raw_ = [];
    const ws = new WebSocket(relay.replace(/^http/, "ws") + "/v1/ws/visitor?tenant=demo");
    window.ws_ = ws;
    ws.onmessage = (e) => {
      window.raw_.push(e.data);
      window.frames_.push(JSON.parse(e.data));
    };
    await new Promise((ok, fail) => { ws.onopen = ok; ws.onerror = fail; });
    ws.send(JSON.stringify({ type: "hello", v: 1 }));
    ws.send(JSON.stringify({ type: "start", info }));
  }, { relay: RELAY, info });
  await page.waitForFunction(() => window.frames_.some((f) => f.type === "welcome"));
  return { context, page };
}
