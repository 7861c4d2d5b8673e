// The widget across a relay crash: messages typed while the relay is down are shown
// as pending, survive, and reach the agent exactly once and in order after the relay
// comes back on the same port and data dir. Run through run.sh.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { Relay, Agent, launch, visitorPage, openWidget, typeAndSend, logTexts, waitConnected } from "./lib.mjs";

let relay, browser;
before(async () => {
  relay = await new Relay().start();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await relay?.stop();
});

test("messages typed while the relay is down arrive once, in order, after it restarts", async () => {
  const token = await relay.login();
  const agent = await Agent.connect(relay, token);
  const { context, page } = await visitorPage(browser);
  const frame = await openWidget(page, relay.url + "/");
  await typeAndSend(frame, "Before the crash");
  await frame.locator(".msg.visitor:not(.pending)", { hasText: "Before the crash" }).waitFor();
  const id = await agent.conversationOf("Before the crash");
  await agent.claim(id);
  await frame.locator(".sys", { hasText: "joined the chat" }).waitFor();
  agent.close();

  await relay.kill();
  // The widget notices the drop and says so.
  await frame.locator(".banner.warn", { hasText: /reconnecting/i }).waitFor({ timeout: 10_000 });
  await typeAndSend(frame, "Typed while down, one");
  await typeAndSend(frame, "Typed while down, two");
  const pending = frame.locator(".msg.pending");
  await pending.nth(1).waitFor();
  assert.deepEqual(await pending.locator("p").allTextContents(), ["Typed while down, one", "Typed while down, two"]);
  assert.equal(await pending.filter({ hasText: "Sending" }).count(), 2, "both marked as sending");

  await relay.restart();
  // Both are acknowledged: no pending bubble is left.
  await waitConnected(frame, 20_000);
  await frame.locator(".msg.pending").first().waitFor({ state: "detached", timeout: 10_000 });
  assert.deepEqual(await logTexts(frame), ["Before the crash", "Typed while down, one", "Typed while down, two"]);

  // The agent's view: stored exactly once each, in the order typed.
  const back = new Agent(relay, token);
  await back.open();
  const texts = (await back.history(id)).filter((m) => m.author.role === "visitor").map((m) => m.body.text);
  assert.deepEqual(texts, ["Before the crash", "Typed while down, one", "Typed while down, two"]);
  // A reload afterwards resends nothing and shows the same conversation.
  await page.reload();
  const again = await openWidget(page);
  await again.locator(".msg.visitor", { hasText: "Typed while down, two" }).waitFor();
  assert.equal(await again.locator(".msg.pending").count(), 0);
  const after = (await back.history(id)).filter((m) => m.author.role === "visitor").length;
  assert.equal(after, 3);
  back.close();
  await context.close();
});
