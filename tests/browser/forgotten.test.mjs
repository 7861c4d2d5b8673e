// The visitor's cases issue 15 found forgotten, on a relay of its own: nobody
// online (the visitor is told, leaves a message that reaches agents with the page
// it came from), the header after the chat ends, the Thai title on a phone next to
// the wide "End chat", and the frame's main landmark. Run through run.sh.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { AxeBuilder } from "@axe-core/playwright";
import { Relay, Agent, SHOTS, launch, visitorPage, openWidget, typeAndSend } from "./lib.mjs";

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

/** A visitor on the storefront who opened the widget and wrote `text`. */
async function writer(text, options = {}) {
  const v = await visitorPage(browser, options);
  v.frame = await openWidget(v.page, relay.url + "/?from=forgotten");
  await typeAndSend(v.frame, text);
  await v.frame.locator(".msg.visitor:not(.pending)", { hasText: text }).waitFor();
  return v;
}

test("nobody online: the visitor is told, leaves a message, and agents get it with the page it came from", async () => {
  const v = await writer("Is anyone there?");
  const notice = v.frame.locator(".queue");
  await notice.getByText("No one is available right now — leave a message and we'll reply by email.").waitFor();
  await v.page.screenshot({ path: SHOTS + "nobody-online.png" });
  await notice.getByRole("button", { name: "Leave a message" }).click();
  // The offline form takes the composer's place; its first field has focus.
  await v.frame.getByRole("heading", { name: "Leave us a message" }).waitFor();
  await v.frame.waitForFunction(() => document.activeElement?.id === "natter-start");
  // The visitor may change their mind and keep waiting, then choose the form again.
  await v.frame.getByRole("button", { name: "Keep waiting" }).click();
  await v.frame.waitForFunction(() => document.activeElement?.id === "natter-composer");
  await notice.getByRole("button", { name: "Leave a message" }).click();
  await v.frame.waitForFunction(() => document.activeElement?.id === "natter-start");
  await v.frame.getByLabel(/name/i).fill("Nok");
  await v.frame.getByLabel(/email/i).fill("nok@example.com");
  await v.frame.getByLabel("Message", { exact: false }).last().fill("Please email me when the beans are back");
  await v.frame.getByRole("button", { name: "Send message" }).click();
  await v.frame.getByRole("status").filter({ hasText: "Thank you" }).first().waitFor();
  // The offer, and the queue place, are gone once the message is left.
  await notice.waitFor({ state: "detached" });
  await v.page.screenshot({ path: SHOTS + "nobody-online-sent.png" });

  // An agent signing in finds it as an offline message, with the email and the page.
  const agent = await Agent.connect(relay, token);
  const welcome = agent.frames.find((f) => f.type === "agent_welcome");
  const c = welcome.conversations.find((c) => c.preview === "Please email me when the beans are back");
  assert.ok(c, "the message reached the agents");
  assert.equal(c.offline, true);
  assert.equal(c.visitor.email, "nok@example.com");
  assert.equal(c.visitor.page_url, relay.url + "/?from=forgotten");
  // With an agent online the visitor hears so: no more "no one is available".
  const v2 = await writer("Now someone is here");
  await v2.frame.locator(".queue", { hasText: "You are number" }).waitFor();
  assert.equal(await v2.frame.getByText("No one is available").count(), 0);
  agent.close();
  await v.context.close();
  await v2.context.close();
});

test("after the chat ends, the header no longer says who the visitor is chatting with", async () => {
  const agent = await Agent.connect(relay, token);
  const v = await writer("Hello, about my order");
  const id = await agent.conversationOf("Hello, about my order");
  await agent.claim(id);
  const subtitle = v.frame.locator(".head .subtitle");
  await subtitle.filter({ hasText: "Demo Agent" }).waitFor();
  await v.frame.locator(".head").getByRole("button", { name: "End chat" }).click();
  await v.frame.locator(".ended").waitFor();
  await v.frame.locator(".head").getByRole("button", { name: "End chat" }).waitFor({ state: "detached" });
  assert.doesNotMatch(await v.frame.locator(".head").textContent(), /Demo Agent/);
  agent.close();
  await v.context.close();
});

test("Thai on a phone: the whole title shows beside the wide 'End chat' button", async () => {
  // A shop's own Thai header, longer than one line beside the button on a small phone.
  await relay.editSettings(token, (s) => {
    s.widget.texts = { ...(s.widget.texts ?? {}), th: { header: "บ้านกาแฟ เชียงใหม่ คั่วสดทุกวัน" } };
  });
  const v = await writer("สวัสดีค่ะ", { viewport: { width: 320, height: 640 }, locale: "th-TH", isMobile: true, hasTouch: true });
  const head = v.frame.locator(".head");
  await head.getByRole("button", { name: "จบการสนทนา" }).waitFor();
  const title = head.locator(".title");
  await v.page.screenshot({ path: SHOTS + "thai-phone-header.png" });
  const fit = await title.evaluate((t) => ({ w: t.scrollWidth <= t.clientWidth, h: t.scrollHeight <= t.clientHeight + 1, text: t.textContent, sh: t.scrollHeight, ch: t.clientHeight }));
  assert.ok(fit.w && fit.h, `the title "${fit.text}" is cut (${JSON.stringify(fit)})`);
  const end = await head.getByRole("button", { name: "จบการสนทนา" }).evaluate((b) => ({ w: b.scrollWidth <= b.clientWidth, h: b.scrollHeight <= b.clientHeight + 1 }));
  assert.ok(end.w && end.h, "the button's words are whole too");
  assert.equal(fit.text, "บ้านกาแฟ เชียงใหม่ คั่วสดทุกวัน");
  await v.context.close();
  await relay.editSettings(token, (s) => {
    delete s.widget.texts.th;
  });
});

test("the widget frame has a main landmark (axe: landmark-one-main, region)", async () => {
  const { context, page } = await visitorPage(browser);
  await page.goto(relay.url + "/t/demo/frame");
  await page.locator(".panel").waitFor();
  assert.equal(await page.getByRole("main").count(), 1);
  const result = await new AxeBuilder({ page }).withRules(["landmark-one-main", "region"]).analyze();
  assert.deepEqual(result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`), []);
  await context.close();
});
