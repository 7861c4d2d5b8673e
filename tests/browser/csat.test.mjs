// The post-chat survey in the visitor widget, against a real relay with
// `csat.enabled`: the visitor chats, the agent closes, the visitor rates 4 with
// a comment; the agent sees the rating on the conversation and
// `GET /v1/admin/ratings` lists it; the visitor changes it once, then the change
// button is gone. axe stays clean; a Thai visitor sees Thai labels; "email me
// this conversation" without email configured says so. Run through run.sh.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { AxeBuilder } from "@axe-core/playwright";
import { Relay, Agent, SHOTS, launch, visitorPage, openWidget, typeAndSend } from "./lib.mjs";

let relay, browser, agent, token;
before(async () => {
  relay = await new Relay().start();
  browser = await launch();
  token = await relay.login();
  await relay.editSettings(token, (s) => {
    s.csat.enabled = true;
    s.csat.delay_secs = 0;
  });
  agent = await Agent.connect(relay, token);
});
after(async () => {
  agent?.close();
  await browser?.close();
  await relay?.stop();
});

async function axeClean(page) {
  const violations = (await new AxeBuilder({ page }).analyze()).violations.filter(
    (v) => v.impact === "serious" || v.impact === "critical",
  );
  assert.deepEqual(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(" ")}`), []);
}

/** A visitor writes `text`, the agent claims, answers and closes; resolves to the conversation id. */
async function chatThenClose(frame, text) {
  await typeAndSend(frame, text);
  const id = await agent.conversationOf(text);
  await agent.claim(id);
  await agent.say(id, "Happy to help!");
  const mark = agent.frames.length;
  agent.send({ type: "close", conversation_id: id });
  await agent.waitFor((f) => f.type === "conversation" && f.conversation.id === id && f.conversation.status === "closed", {
    from: mark,
  });
  return id;
}

/** The rating the agent's frames carry for conversation `id`, once `pred` holds. */
function ratingSeen(id, pred, from) {
  return agent.waitFor(
    (f) => f.type === "conversation" && f.conversation.id === id && f.conversation.rating && pred(f.conversation.rating),
    { from },
  );
}

async function ratingsListed() {
  const r = await fetch(`${relay.url}/v1/admin/ratings`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(r.status, 200);
  return (await r.json()).ratings;
}

test("the visitor rates after close, changes it once, and the agent sees it", async () => {
  const { context, page } = await visitorPage(browser);
  const frame = await openWidget(page, relay.url + "/");
  const id = await chatThenClose(frame, "Where is my parcel?");

  const group = frame.getByRole("radiogroup", { name: "How was your chat?" });
  await group.waitFor();
  for (const label of ["1 – Very poor", "2 – Poor", "3 – Okay", "4 – Good", "5 – Excellent"]) {
    await group.getByRole("radio", { name: label }).waitFor({ state: "attached" });
  }
  await axeClean(page);
  await page.screenshot({ path: SHOTS + "csat-survey.png" });

  // Keyboard: focus the first choice, arrow to 4.
  await group.getByRole("radio", { name: "1 – Very poor" }).focus();
  for (let i = 0; i < 3; i++) await page.keyboard.press("ArrowRight");
  assert.equal(await group.getByRole("radio", { name: "4 – Good" }).isChecked(), true);
  await frame.getByLabel("Anything to add?").fill("Quick and kind");
  const mark = agent.frames.length;
  await frame.getByRole("button", { name: "Submit" }).click();

  await frame.getByText("You rated this chat 4 out of 5.").waitFor();
  const seen = await ratingSeen(id, (r) => r.score === 4, mark);
  assert.equal(seen.conversation.rating.comment, "Quick and kind");
  assert.equal(seen.conversation.rating.changed, false);
  const listed = (await ratingsListed()).find((r) => r.conversation_id === id);
  assert.equal(listed?.score, 4);
  assert.equal(listed?.comment, "Quick and kind");
  await axeClean(page);

  // One change: the form comes back with 4 chosen; 5 this time.
  await frame.getByRole("button", { name: "Change rating" }).click();
  assert.equal(await group.getByRole("radio", { name: "4 – Good" }).isChecked(), true);
  await group.getByText("5 – Excellent").click();
  const mark2 = agent.frames.length;
  await frame.getByRole("button", { name: "Submit" }).click();
  await frame.getByText("You rated this chat 5 out of 5.").waitFor();
  const changed = await ratingSeen(id, (r) => r.score === 5, mark2);
  assert.equal(changed.conversation.rating.changed, true);
  assert.equal(await frame.getByRole("button", { name: "Change rating" }).count(), 0);
  assert.equal((await ratingsListed()).find((r) => r.conversation_id === id)?.score, 5);

  // Email me this conversation: the demo tenant has no SMTP, and the widget says so.
  await frame.getByRole("button", { name: "Email me this conversation" }).click();
  await frame.getByLabel("Your email").fill("visitor@shop.example");
  await frame.getByRole("button", { name: "Send" }).click();
  await frame.getByText("This shop does not send email.").waitFor();
  await axeClean(page);
  await page.screenshot({ path: SHOTS + "csat-thanks.png" });
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("a Thai visitor gets the survey in Thai", async () => {
  const { context, page } = await visitorPage(browser, { locale: "th-TH" });
  const frame = await openWidget(page, relay.url + "/");
  const id = await chatThenClose(frame, "พัสดุของฉันอยู่ที่ไหน");

  const group = frame.getByRole("radiogroup", { name: "การสนทนาครั้งนี้เป็นอย่างไรบ้าง" });
  await group.waitFor();
  for (const label of ["1 – แย่มาก", "2 – แย่", "3 – พอใช้", "4 – ดี", "5 – ดีเยี่ยม"]) {
    await group.getByRole("radio", { name: label, exact: true }).waitFor({ state: "attached" });
  }
  await group.getByText("4 – ดี", { exact: true }).click();
  const mark = agent.frames.length;
  await frame.getByRole("button", { name: "ส่งคะแนน" }).click();
  await frame.getByText("คุณให้คะแนนการสนทนานี้ 4 จาก 5").waitFor();
  await ratingSeen(id, (r) => r.score === 4, mark);
  assert.equal(await frame.getByRole("button", { name: "เปลี่ยนคะแนน" }).count(), 1);
  await axeClean(page);
  assert.deepEqual(page.errors, []);
  await context.close();
});
