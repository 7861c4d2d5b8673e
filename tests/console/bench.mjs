// Timings of the agent console (BENCHMARKS.md, "Sign-in to a usable inbox"), apart
// from the correctness suite: run with `tests/console/run.sh bench.mjs`, which starts
// a fresh relay (demo data only) and runs this file alone. Each figure is printed as
// a `# …` line; nothing here asserts a time.
import { test, before, after } from "node:test";
import { CONSOLE, DEMO, launch, signIn, openCrowd, crowdComplete } from "./lib.mjs";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => browser?.close());

const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];

test("cold load of /console/ to the sign-in form (5 runs)", async () => {
  const times = [];
  for (let i = 0; i < 5; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    const t0 = Date.now();
    await page.goto(CONSOLE);
    await page.getByRole("button", { name: "Sign in" }).waitFor();
    times.push(Date.now() - t0);
    await context.close();
  }
  console.log(`# cold load to sign-in form: ${times.join(", ")} ms; median ${median(times)} ms`);
});

test("sign-in click to a usable inbox, demo data (5 runs)", async () => {
  const times = [];
  const logins = [];
  for (let i = 0; i < 5; i++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: "en-US" });
    const page = await context.newPage();
    const ms = await signIn(page, DEMO);
    await page.getByRole("tab", { name: /Waiting/ }).waitFor();
    times.push(ms.total);
    logins.push(ms.login);
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("button", { name: "Sign in" }).waitFor();
    await context.close();
  }
  console.log(`# sign-in click to usable inbox, demo data: ${times.join(", ")} ms; median ${median(times)} ms (login request median ${median(logins)} ms)`);
});

test("sign-in click to a usable inbox with 50 waiting visitors", async () => {
  const visitors = await openCrowd(browser, 50);
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: "en-US" });
  const page = await context.newPage();
  await page.goto(CONSOLE);
  await page.getByLabel("Workspace").fill("demo");
  await page.getByLabel("Email").fill(DEMO.email);
  await page.getByLabel("Password").fill(DEMO.password);
  const clicked = page.getByRole("button", { name: "Sign in" }).click();
  const { shown, complete } = await crowdComplete(page, 50);
  await clicked;
  console.log(`# 50 waiting visitors: sign-in click to rows shown ${shown} ms, to all rows complete ${complete} ms`);
  await context.close();
  await visitors.close();
});
