// Reaching a visitor who looks elsewhere, and greeting one who has not written
// yet (issue 13), against a real relay: the chime and the bubble's unread badge
// when an agent answers while the panel is closed (and silence once muted), the
// shop closing before the visitor's first message (the offline form takes the
// words), proactive greeting rules (a page that matches and one that does not,
// "don't show again", once per period, Thai), and the auto-open delay. Timers
// the loader sets run on Playwright's clock, never on real waits. Run through run.sh.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { AxeBuilder } from "@axe-core/playwright";
import { Relay, Agent, SHOTS, launch, visitorPage, openWidget, widgetFrame, typeAndSend } from "./lib.mjs";

let relay, browser, agent, token;
before(async () => {
  relay = await new Relay().start();
  browser = await launch();
  token = await relay.login();
  agent = await Agent.connect(relay, token);
});
after(async () => {
  agent?.close();
  await browser?.close();
  await relay?.stop();
});

/** Counts, in every frame of the context, the chimes WebAudio is asked to play. */
async function countChimes(context) {
  await context.addInitScript(() => {
    window.chimes_ = 0;
    const create = AudioContext.prototype.createOscillator;
    AudioContext.prototype.createOscillator = function () {
      window.chimes_ += 0.5; // two tones per chime
      return create.call(this);
    };
  });
}

const badge = (page) => page.locator("natter-chat .n");
/** The chat bubble itself (a teaser next to it has buttons too). */
const launcher = (page) => page.locator("natter-chat button.b");

test("an answer while the panel is closed: a chime and the bubble's badge; muted, only the badge", async () => {
  const { context, page } = await visitorPage(browser);
  await countChimes(context);
  const frame = await openWidget(page, relay.url + "/");
  await typeAndSend(frame, "Is the jasmine tea in stock?");
  const id = await agent.conversationOf("Is the jasmine tea in stock?");
  await agent.claim(id);
  await launcher(page).click(); // the visitor closes the panel
  assert.equal(await launcher(page).getAttribute("aria-expanded"), "false");

  await agent.say(id, "Yes, 12 tins left.");
  await badge(page).filter({ hasText: /^1$/ }).waitFor();
  assert.match(await launcher(page).getAttribute("aria-label"), /\(1 unread\)$/);
  assert.equal(await frame.evaluate(() => window.chimes_), 1, "one chime for one answer");
  await page.screenshot({ path: SHOTS + "badge-unread.png" });

  // Opening reads it; the visitor mutes the sound.
  await launcher(page).click();
  await badge(page).waitFor({ state: "hidden" });
  const mute = frame.getByRole("button", { name: "Mute sounds" });
  assert.equal(await mute.getAttribute("aria-pressed"), "false");
  await mute.click();
  assert.equal(await mute.getAttribute("aria-pressed"), "true");
  await launcher(page).click();
  // The badge shows once the frame has handled the message, and the chime would
  // have been played in that same step: counting after it cannot miss one.
  await agent.say(id, "Anything else?");
  await badge(page).filter({ hasText: /^1$/ }).waitFor();
  assert.equal(await frame.evaluate(() => window.chimes_), 1, "muted: no new chime");

  // The choice is kept first-party: the next page view is still muted.
  await page.reload();
  const again = await openWidget(page);
  assert.equal(await again.getByRole("button", { name: "Mute sounds" }).getAttribute("aria-pressed"), "true");
  await context.close();
});

test("the shop closes before the first message: the offline form keeps the words and sends them", async () => {
  const { context, page } = await visitorPage(browser);
  const frame = await openWidget(page, relay.url + "/");
  await relay.editSettings(token, (s) => {
    s.hours.force = "closed";
  });
  try {
    await typeAndSend(frame, "Do you deliver on Sundays?");
    await frame.getByText("The shop has just closed.", { exact: false }).waitFor();
    await frame.getByRole("heading", { name: "Leave us a message" }).waitFor();
    assert.equal(await frame.getByLabel("Message").inputValue(), "Do you deliver on Sundays?");
    await frame.getByLabel(/email/i).fill("mai@example.com");
    await frame.getByRole("button", { name: "Send message" }).click();
    await frame.getByRole("status").filter({ hasText: "Thank you" }).waitFor();
    const conv = await agent.waitFor((f) => f.type === "conversation" && f.conversation.offline === true && f.conversation.visitor.email === "mai@example.com");
    const texts = (await agent.history(conv.conversation.id)).map((m) => m.body.text).filter(Boolean);
    assert.deepEqual(texts, ["Do you deliver on Sundays?"]);
  } finally {
    await relay.editSettings(token, (s) => {
      s.hours.force = null;
    });
  }
  await context.close();
});

const TEA_RULE = {
  name: "Tea pages",
  url_pattern: "/?product=*",
  min_seconds_on_page: 20,
  min_scroll_percent: 0,
  audience: "everyone",
  business_hours_only: false,
  text: "Questions about this tea? We reply in minutes.",
  texts: { th: "สงสัยเรื่องชานี้ไหม ทักมาได้เลย" },
  action: "teaser",
};

/** A visitor page on Playwright's clock, at `url`; resolves once the loader drew the bubble. */
async function clockedPage(url, options = {}) {
  const { context, page } = await visitorPage(browser, options);
  await page.clock.install();
  await page.goto(url);
  // The loader starts at the page's idle moment (at the latest after 4 s).
  await page.clock.runFor(5_000);
  await launcher(page).waitFor();
  return { context, page };
}

/** Waits until the greetings part ran on this page (it loads only for tenants with rules). */
async function greeterRan(page) {
  await page.waitForFunction(() => window.Natter && window.Natter._k.greeter === 1);
}

const teaser = (page) => page.locator("natter-chat").getByRole("region", { name: /^(Message from|ข้อความจาก)/ });

test("a greeting rule shows its teaser on a matching page after its time, never on another page", async () => {
  await relay.editSettings(token, (s) => {
    s.widget.greetings = [TEA_RULE];
  });
  try {
    // Not a product page: the rule does not match, whatever the time.
    const other = await clockedPage(relay.url + "/");
    await greeterRan(other.page);
    await other.page.clock.runFor(60_000);
    assert.equal(await teaser(other.page).count(), 0);
    await other.context.close();

    const { context, page } = await clockedPage(relay.url + "/?product=jasmine");
    await greeterRan(page);
    const heading = async () => JSON.stringify(await page.locator("h1").first().boundingBox());
    const before = await heading();
    await page.clock.runFor(10_000);
    assert.equal(await teaser(page).count(), 0, "not before 20 s on the page");
    await page.clock.runFor(10_000);
    await teaser(page).getByText("Questions about this tea?").waitFor();
    // The teaser sits in the bubble's fixed layer: nothing on the page moves.
    assert.equal(await heading(), before);
    const axe = await new AxeBuilder({ page }).include("natter-chat").analyze();
    assert.deepEqual(axe.violations.map((v) => v.id), []);
    await page.screenshot({ path: SHOTS + "greeting-teaser.png" });
    // A click on the greeting opens the chat.
    await teaser(page).getByRole("button", { name: "Questions about this tea?" }).click();
    await teaser(page).waitFor({ state: "detached" });
    await widgetFrame(page);
    assert.equal(await launcher(page).getAttribute("aria-expanded"), "true");
    await context.close();
  } finally {
    await relay.editSettings(token, (s) => {
      s.widget.greetings = [];
    });
  }
});

test("a greeting shows once per period, and never again after \"Don't show again\"; Thai", async () => {
  await relay.editSettings(token, (s) => {
    s.widget.greetings = [{ ...TEA_RULE, min_seconds_on_page: 0 }];
    s.widget.greetings_every_hours = 24;
  });
  try {
    const { context, page } = await clockedPage(relay.url + "/?product=oolong", { locale: "th-TH" });
    await teaser(page).getByText("สงสัยเรื่องชานี้ไหม").waitFor();
    assert.equal(await teaser(page).getAttribute("aria-label"), "ข้อความจาก Demo Shop");
    // Dismissed with ×: not again within the period…
    await teaser(page).getByRole("button", { name: "ปิด" }).click();
    await page.reload();
    await page.clock.runFor(5_000);
    await greeterRan(page);
    await page.clock.runFor(5_000);
    assert.equal(await teaser(page).count(), 0, "once per 24 hours");
    // …but again a day later.
    await page.clock.fastForward(25 * 3600 * 1000);
    await page.reload();
    await page.clock.runFor(5_000);
    await teaser(page).waitFor();
    // "Don't show again" holds even after the period.
    await teaser(page).getByRole("button", { name: "ไม่ต้องแสดงอีก" }).click();
    await page.clock.fastForward(25 * 3600 * 1000);
    await page.reload();
    await page.clock.runFor(5_000);
    await greeterRan(page);
    await page.clock.runFor(5_000);
    assert.equal(await teaser(page).count(), 0, "never again");
    await context.close();
  } finally {
    await relay.editSettings(token, (s) => {
      s.widget.greetings = [];
    });
  }
});

test("auto-open: the panel opens by itself after the shop's delay, once per session", async () => {
  await relay.editSettings(token, (s) => {
    s.widget.auto_open_delay_secs = 30;
  });
  try {
    const { context, page } = await clockedPage(relay.url + "/");
    await page.clock.runFor(20_000);
    assert.equal(await launcher(page).getAttribute("aria-expanded"), "false", "not before the delay");
    assert.equal(await page.locator("natter-chat iframe").count(), 0, "the widget is not even loaded yet");
    await page.clock.runFor(11_000);
    await widgetFrame(page);
    assert.equal(await launcher(page).getAttribute("aria-expanded"), "true");
    // Closed by the visitor, it does not open by itself again in this session.
    await launcher(page).click();
    await page.reload();
    await page.clock.runFor(40_000);
    assert.equal(await launcher(page).getAttribute("aria-expanded"), "false");
    await context.close();
  } finally {
    await relay.editSettings(token, (s) => {
      s.widget.auto_open_delay_secs = null;
    });
  }
});
