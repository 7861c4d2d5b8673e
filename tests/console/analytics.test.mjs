// The Analytics screen (issue 14): a supervisor's dashboard follows a chat live
// (a visitor writes, Ann answers and closes: the figures change without a
// reload, through `metrics_changed`), a chart's table view shows the chart's
// numbers, the conversations CSV downloads with the right rows, axe is clean in
// English and Thai; a plain agent's "My stats" shows their own scorecard only.
// Run through run.sh (relay, console URL, the demo owner and Ann).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { ANN, DEMO, SHOTS, axeClean, launch, newAgentPage, row, signIn, visitorSocket } from "./lib.mjs";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => browser?.close());

/** RFC 4180 CSV: quoted fields may hold commas, quotes ("") and line breaks. */
function parseCsv(text) {
  const rows = [];
  let row = [], field = "", quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") { row.push(field); field = ""; }
    else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      row.push(field); rows.push(row); row = []; field = "";
    } else field += ch;
  }
  if (field !== "" || row.length) { row.push(field); rows.push(row); }
  const [head, ...body] = rows;
  return body.map((r) => Object.fromEntries(head.map((h, i) => [h, r[i]])));
}

const text = async (locator) => (await locator.textContent()).trim();
const kpi = (page, id) => page.locator(`#${id} .value`);

/** Waits until a figure is `n` (`at_least`: at least `n`, as earlier tests' chats may still count); the page is never reloaded. */
async function waitFigure(page, id, n, at_least = false) {
  await page.waitForFunction(
    ([id, n, at_least]) => {
      const v = Number(document.querySelector(`#${id} .value`)?.textContent.trim());
      return at_least ? v >= n : v === n;
    },
    [id, n, at_least],
    { timeout: 20_000 },
  );
}

/** The admin API with the page's session token. */
async function api(page, method, path, body) {
  return page.evaluate(async ({ method, path, body }) => {
    const { token } = JSON.parse(localStorage.getItem("natter.console.session"));
    const r = await fetch(path, {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    return { status: r.status, body: text ? JSON.parse(text) : null };
  }, { method, path, body });
}

/** Turns the post-chat survey on or off. */
async function surveys(page, enabled) {
  const settings = (await api(page, "GET", "/v1/admin/settings")).body;
  settings.csat.enabled = enabled;
  assert.equal((await api(page, "PUT", "/v1/admin/settings", settings)).status, 200);
}

/** Ann's chats on the scorecard (0 before her first). */
async function annChats(page) {
  const cells = page.locator("#scorecards tbody tr", { hasText: "Ann" }).locator("td").first();
  return (await cells.count()) ? Number(await text(cells)) : 0;
}

test("a supervisor's dashboard follows a chat live; table views and the CSV export carry the same numbers", async () => {
  const owner = await newAgentPage(browser, { height: 1000 });
  const ann = await newAgentPage(browser);
  await signIn(owner.page, DEMO);
  await signIn(ann.page, ANN);
  const page = owner.page;
  await surveys(page, true);
  await page.getByRole("button", { name: "Analytics" }).click();
  await page.getByRole("heading", { level: 1, name: "Analytics" }).waitFor();
  await kpi(page, "kpi-conversations").waitFor();
  await kpi(page, "live-waiting").waitFor();
  await page.locator("#scorecards, #agents-title + .hint").first().waitFor();
  await page.evaluate(() => { window.notReloaded_ = true; });
  const before = Number(await text(kpi(page, "kpi-conversations")));
  const waitingBefore = Number(await text(kpi(page, "live-waiting")));
  const activeBefore = Number(await text(kpi(page, "live-active")));
  const annBefore = await annChats(page);

  // A visitor writes: the dashboard counts the conversation and the queue.
  const v = await visitorSocket(browser, { name: "Vera Analytics" });
  await v.page.evaluate(() => window.ws_.send(JSON.stringify({ type: "send", client_id: "va-1", text: "how fast do you answer?" })));
  await waitFigure(page, "kpi-conversations", before + 1, true);
  await waitFigure(page, "live-waiting", waitingBefore + 1, true);

  // Ann claims, answers and closes it: the queue empties and her scorecard counts it.
  await row(ann.page, "Vera Analytics").click();
  await ann.page.locator(".conv-head").getByRole("button", { name: "Claim" }).click();
  await ann.page.locator(".conv-head .status", { hasText: "Active" }).waitFor();
  await ann.page.getByLabel("Reply").fill("Right away!");
  await ann.page.getByLabel("Reply").press("Enter");
  await ann.page.getByRole("log").getByText("Right away!").waitFor();
  await ann.page.locator(".conv-head").getByRole("button", { name: "Close conversation" }).click();
  await waitFigure(page, "live-active", activeBefore + 1);
  await ann.page.getByRole("dialog").getByRole("button", { name: "Close conversation" }).click();
  await ann.page.locator(".conv-head .status", { hasText: "Closed" }).waitFor();
  await waitFigure(page, "live-active", activeBefore);
  assert.equal(Number(await text(kpi(page, "live-waiting"))), waitingBefore);
  await page.waitForFunction((n) => {
    const r = [...document.querySelectorAll("#scorecards tbody tr")].find((tr) => tr.textContent.includes("Ann"));
    return r && Number(r.querySelector("td").textContent) === n;
  }, annBefore + 1, { timeout: 20_000 });

  // The visitor rates it: the comment is listed and the ratings chart counts it.
  await v.page.waitForFunction(() => window.frames_.some((f) => f.type === "survey" && f.can_rate));
  await v.page.evaluate(() => {
    const survey = window.frames_.find((f) => f.type === "survey");
    window.ws_.send(JSON.stringify({ type: "rate", conversation_id: survey.conversation_id, score: 5, comment: "Lovely help" }));
  });
  await page.locator("#ratings tbody tr", { hasText: "Lovely help" }).waitFor();
  assert.match(await text(page.locator("#ratings tbody tr", { hasText: "Lovely help" })), /5 of 5.*Ann.*Vera Analytics/);
  await page.locator("#chart-csat").getByLabel("Show as table").check();
  await page.waitForFunction(() => Number(document.querySelector("#csat-table tbody tr:last-child td")?.textContent) >= 1);
  assert.equal(await page.evaluate(() => window.notReloaded_), true, "updated without a reload");
  await page.screenshot({ path: `${SHOTS}analytics-dashboard.png`, fullPage: true });

  // The daily chart as a table: the same numbers as the chart's bars, today's the period's count.
  const bars = await page.locator("#chart-conversations svg rect title").allTextContents();
  assert.ok(bars.length >= 7, "a week of days");
  await page.locator("#chart-conversations").getByLabel("Show as table").check();
  const cells = await page.locator("#conversations-table tbody tr").evaluateAll((trs) =>
    trs.map((tr) => [tr.querySelector("th").textContent, tr.querySelector("td").textContent]));
  assert.deepEqual(cells.map(([day, n]) => `${day.slice(5)}: ${n}`), bars);
  const today = Number(await text(kpi(page, "kpi-conversations")));
  assert.equal(Number(cells.at(-1)[1]), today, "today's row is today's count");
  assert.equal(await page.locator("#chart-conversations svg").count(), 0, "the table replaces the chart");
  // The heatmap's table has the week's 7 rows of 24 hours.
  await page.locator("#chart-heatmap").getByLabel("Show as table").check();
  assert.equal(await page.locator("#heatmap-table tbody tr").count(), 7);
  assert.equal(await page.locator("#heatmap-table tbody tr").first().locator("td").count(), 24);

  // The conversations CSV of today: one row per conversation of the period, Vera's answered and closed by Ann.
  const download = page.waitForEvent("download");
  await page.getByRole("button", { name: "Conversations CSV" }).click();
  const file = await download;
  assert.match(file.suggestedFilename(), /^natter-conversations-1d\.csv$/);
  const rows = parseCsv((await readFile(await file.path(), "utf8")).replace(/^\uFEFF/, ""));
  assert.equal(rows.length, today, "one row per conversation of today");
  const vera = rows.find((r) => r.visitor_name === "Vera Analytics");
  assert.ok(vera, "Vera's conversation is exported");
  assert.equal(vera.agent_name, "Ann");
  assert.equal(vera.status, "closed");
  assert.equal(vera.answered, "1");
  assert.equal(vera.missed, "0");

  // The ratings CSV filtered to fives: Vera's comment, and nothing else.
  await page.getByLabel("Rating", { exact: true }).selectOption("5");
  const ratingsDownload = page.waitForEvent("download");
  await page.getByRole("button", { name: "Ratings CSV" }).click();
  const ratings = parseCsv((await readFile(await (await ratingsDownload).path(), "utf8")).replace(/^\uFEFF/, ""));
  assert.ok(ratings.length >= 1 && ratings.every((r) => r.score === "5"), JSON.stringify(ratings));
  assert.ok(ratings.some((r) => r.comment === "Lovely help" && r.agent_name === "Ann"));

  await axeClean(page, "the analytics dashboard (EN)");
  await page.locator("header.topbar button[lang=th]").click();
  await page.getByRole("heading", { level: 1, name: "การวิเคราะห์" }).waitFor();
  await page.getByRole("heading", { name: "ขณะนี้" }).waitFor();
  await axeClean(page, "the analytics dashboard (TH)");
  await page.locator("header.topbar button[lang=en]").click();
  await surveys(page, false);
  for (const c of [owner.context, ann.context, v.context]) await c.close();
});

test("a plain agent's My stats shows their own scorecard only", async () => {
  const ann = await newAgentPage(browser);
  const asked = [];
  ann.page.on("request", (r) => { if (r.url().includes("/v1/admin/")) asked.push(new URL(r.url()).pathname); });
  await signIn(ann.page, ANN);
  assert.equal(await ann.page.getByRole("button", { name: "Analytics" }).count(), 0);
  await ann.page.getByRole("button", { name: "My stats" }).click();
  await ann.page.getByRole("heading", { level: 1, name: "My stats" }).waitFor();
  await ann.page.getByRole("heading", { name: "My scorecard" }).waitFor();
  // Ann answered Vera today (the first test): her card is there once loaded.
  await ann.page.locator("#scorecards tbody th").first().waitFor();
  const names = await ann.page.locator("#scorecards tbody th").allTextContents();
  assert.deepEqual(names, ["Ann"]);
  assert.equal(await ann.page.getByRole("heading", { name: "Live now" }).count(), 0);
  assert.equal(await ann.page.getByRole("button", { name: "Conversations CSV" }).count(), 0);
  assert.deepEqual([...new Set(asked)], ["/v1/admin/metrics/agents"], "only the scorecard is asked for");
  await axeClean(ann.page, "My stats");
  await ann.page.getByRole("button", { name: "Back to inbox" }).click();
  await ann.page.locator("#inbox-tabs").waitFor();
  await ann.context.close();
});

test("Live now is fetched again on the clock while the dashboard is shown", async () => {
  const owner = await newAgentPage(browser);
  const page = owner.page;
  // Playwright's clock: time passes when the test says so, not by waiting.
  await page.clock.install();
  let live = 0;
  page.on("request", (r) => { if (r.url().endsWith("/v1/admin/metrics/live")) live++; });
  await signIn(page, DEMO);
  await page.getByRole("button", { name: "Analytics" }).click();
  await kpi(page, "live-waiting").waitFor();
  const first = live;
  assert.ok(first >= 1);
  const again = page.waitForResponse((r) => r.url().endsWith("/v1/admin/metrics/live"));
  await page.clock.runFor(31_000);
  await again;
  assert.ok(live > first, "asked again after 30 s");
  await owner.context.close();
});

test("targets set on the settings page judge the dashboard's figures", async () => {
  const owner = await newAgentPage(browser, { height: 1000 });
  const page = owner.page;
  await signIn(page, DEMO);
  await page.getByRole("button", { name: "Workspace settings" }).click();
  const frt = page.getByLabel("First response, median, at most (seconds)");
  // A target the relay refuses is shown at its field.
  await page.getByLabel("Satisfaction, average, at least (1–5)").fill("6");
  await page.locator("#admin-save").click();
  await page.locator("#m-targets-csat[aria-invalid=true]").waitFor();
  assert.match(await text(page.locator("#m-targets-csat-err")), /100 to 500/);
  await frt.fill("90");
  await page.getByLabel("Satisfaction, average, at least (1–5)").fill("4.2");
  await page.getByLabel("Missed chats at most (%)").fill("");
  await page.locator("#admin-save").click();
  await page.locator(".admin-status", { hasText: "Saved" }).waitFor();
  await axeClean(page, "the settings page with its targets section");
  await page.getByRole("button", { name: "Analytics" }).click();
  await page.locator("#kpi-frt-median", { hasText: "target 1 min 30 s" }).waitFor();
  await page.locator("#kpi-csat", { hasText: "target 4.20" }).waitFor();
  assert.equal(await page.locator("#kpi-missed", { hasText: "target" }).count(), 0, "a blank target judges nothing");
  // Back to the defaults for the tests that follow.
  await page.getByRole("button", { name: "Workspace settings" }).click();
  await frt.fill("120");
  await page.getByLabel("Satisfaction, average, at least (1–5)").fill("4.5");
  await page.getByLabel("Missed chats at most (%)").fill("5");
  await page.locator("#admin-save").click();
  await page.locator(".admin-status", { hasText: "Saved" }).waitFor();
  await owner.context.close();
});

test("on a phone at 390 px the dashboard is never wider than the screen", async () => {
  const owner = await newAgentPage(browser, { width: 390, height: 844 });
  const page = owner.page;
  await signIn(page, DEMO);
  await page.getByRole("button", { name: "Analytics" }).click();
  await kpi(page, "kpi-conversations").waitFor();
  await page.locator("#chart-heatmap svg").waitFor();
  const { scroll, inner } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: innerWidth }));
  assert.ok(scroll <= inner, `the page is ${scroll} px wide in a ${inner} px window`);
  await page.screenshot({ path: `${SHOTS}analytics-phone.png`, fullPage: true });
  await owner.context.close();
});
