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
