// What the widget shows around the queue and business hours (issue 5 parts the
// widget renders), on a relay of its own: the queue position and how it falls, the
// tenant's look changed through the admin API, and the offline form when the shop
// is closed. Run through run.sh.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { Relay, Agent, SHOTS, launch, visitorPage, bubble, openWidget, typeAndSend } from "./lib.mjs";

let relay, browser, token;
before(async () => {
  relay = await new Relay().start();
  browser = await launch();
  token = await relay.login();
});
after(async () => {
  await browser?.close();
  await relay?.stop();
});

/** A visitor who opened the widget and wrote `text`. */
async function writer(text, viewport) {
  const v = await visitorPage(browser, viewport ? { viewport } : {});
  v.frame = await openWidget(v.page, relay.url + "/");
  await typeAndSend(v.frame, text);
  await v.frame.locator(".msg.visitor:not(.pending)", { hasText: text }).waitFor();
  return v;
}

test("the queue: 'you are number N', falling when an earlier visitor is claimed", async () => {
  const first = await writer("First in line");
  await first.frame.locator(".queue", { hasText: "You are number 1 in the queue." }).waitFor();
  const second = await writer("Second in line");
  const queue = second.frame.locator(".queue");
  await queue.filter({ hasText: "You are number 2 in the queue." }).waitFor();
  assert.match(await queue.textContent(), /Waiting for an agent/);
  // No agent is online: no time estimate is promised.
  assert.doesNotMatch(await queue.textContent(), /min|minute/);
  await second.page.screenshot({ path: SHOTS + "queue-notice.png" });

  const agent = await Agent.connect(relay, token);
  await agent.claim(await agent.conversationOf("First in line"));
  await queue.filter({ hasText: "You are number 1 in the queue." }).waitFor();
  // The claimed visitor's notice gives way to the agent.
  await first.frame.locator(".queue").waitFor({ state: "detached" });
  await first.frame.locator(".sys", { hasText: "joined the chat" }).waitFor();
  agent.close();
  await first.context.close();
  await second.context.close();
});

test("a new colour and greeting show on the next page load, without a relay restart", async () => {
  await relay.editSettings(token, (s) => {
    s.widget.primary_color = "#0f766e";
    s.widget.greeting = "Sawasdee! Ask us about beans.";
  });
  const { context, page } = await visitorPage(browser);
  await page.goto(relay.url + "/");
  await bubble(page).waitFor();
  assert.equal(await bubble(page).evaluate((b) => getComputedStyle(b).backgroundColor), "rgb(15, 118, 110)");
  const frame = await openWidget(page);
  await frame.locator(".greeting", { hasText: "Sawasdee! Ask us about beans." }).waitFor();
  await frame.waitForFunction(() => getComputedStyle(document.querySelector(".head")).backgroundColor === "rgb(15, 118, 110)", null, { timeout: 5_000 });
  await context.close();
});

test("when the shop is closed: the offline form, and its message reaches the agents", async () => {
  await relay.editSettings(token, (s) => {
    s.hours.force = "closed";
  });
  const agent = await Agent.connect(relay, token);
  const { context, page } = await visitorPage(browser);
  const frame = await openWidget(page, relay.url + "/");
  await frame.getByRole("heading", { name: "Leave us a message" }).waitFor();
  // The email is required: an empty one is refused in place, with its error announced.
  await frame.getByLabel("Message").fill("Do you have decaf?");
  await frame.getByRole("button", { name: "Send message" }).click();
  await frame.getByText("Please enter a valid email", { exact: false }).or(frame.locator(".field-error")).first().waitFor();
  assert.equal(await frame.getByLabel(/email/i).getAttribute("aria-invalid"), "true");
  await page.screenshot({ path: SHOTS + "offline-form.png" });
  await frame.getByLabel(/name/i).fill("Nok");
  await frame.getByLabel(/email/i).fill("nok@example.com");
  await frame.getByRole("button", { name: "Send message" }).click();
  await frame.getByRole("status").filter({ hasText: "Thank you" }).waitFor();

  const conv = await agent.waitFor((f) => f.type === "conversation" && f.conversation.offline === true);
  assert.equal(conv.conversation.visitor.email, "nok@example.com");
  const texts = (await agent.history(conv.conversation.id)).map((m) => m.body.text).filter(Boolean);
  assert.deepEqual(texts, ["Do you have decaf?"]);
  agent.close();
  await context.close();
});
