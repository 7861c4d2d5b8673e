// Quick replies in the visitor widget, against a real relay: an agent offers
// buttons with a message, the widget shows them under it, a click sends the
// label as the visitor's message (the agent receives it), and the spent
// buttons stay, disabled. axe stays clean with the buttons shown. Run through run.sh.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { AxeBuilder } from "@axe-core/playwright";
import { Relay, Agent, launch, visitorPage, openWidget, typeAndSend } from "./lib.mjs";

let relay, browser, agent;
before(async () => {
  relay = await new Relay().start();
  browser = await launch();
  agent = await Agent.connect(relay);
});
after(async () => {
  agent?.close();
  await browser?.close();
  await relay?.stop();
});

test("a quick reply clicked in the widget reaches the agent and the buttons are spent", async () => {
  const { context, page } = await visitorPage(browser);
  const frame = await openWidget(page, relay.url + "/");
  await typeAndSend(frame, "Can I return my shoes?");
  const id = await agent.conversationOf("Can I return my shoes?");
  await agent.claim(id);
  const mark = agent.frames.length;
  agent.send({
    type: "send",
    conversation_id: id,
    client_id: "offer-1",
    text: "Shall I start a return?",
    quick_replies: ["Yes, please", "No, thanks"],
  });
  await agent.waitFor((f) => f.type === "ack" && f.client_id === "offer-1", { from: mark });

  const yes = frame.getByRole("button", { name: "Yes, please" });
  await yes.waitFor();
  assert.equal(await yes.isEnabled(), true);
  const violations = (await new AxeBuilder({ page }).analyze()).violations.filter(
    (v) => v.impact === "serious" || v.impact === "critical",
  );
  assert.deepEqual(violations.map((v) => v.id), []);

  const answered = agent.frames.length;
  await yes.click();
  const got = await agent.waitFor(
    (f) => f.type === "conversation" && f.conversation.id === id && f.conversation.preview === "Yes, please",
    { from: answered },
  );
  assert.equal(got.conversation.preview, "Yes, please");
  // The visitor's own message shows, and both buttons are spent.
  await frame.locator(".msg.visitor:not(.pending) .bubble p", { hasText: "Yes, please" }).waitFor();
  assert.equal(await frame.getByRole("button", { name: "Yes, please" }).isDisabled(), true);
  assert.equal(await frame.getByRole("button", { name: "No, thanks" }).isDisabled(), true);
  await context.close();
});
