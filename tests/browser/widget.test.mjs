// Browser tests of the visitor widget on the demo storefront, against a real relay
// (the binary in NATTER_BIN, serving the committed dist/): the chat round trip with
// an agent, reload, the strict-CSP page, accessibility, hostile input, and the
// frame's postMessage origin check. Run through run.sh.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { createServer } from "node:http";
import { AxeBuilder } from "@axe-core/playwright";
import { Relay, Agent, SHOTS, launch, visitorPage, bubble, openWidget, typeAndSend, logTexts, watchLoader } from "./lib.mjs";

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

test("a visitor chats with an agent: answer, typing indicator, read receipt; reload keeps it", async () => {
  const { context, page } = await visitorPage(browser);
  await page.goto(relay.url + "/");
  await bubble(page).waitFor();
  assert.equal(await bubble(page).getAttribute("aria-expanded"), "false");
  const frame = await openWidget(page);
  assert.equal(await bubble(page).getAttribute("aria-expanded"), "true");
  await frame.locator(".greeting").waitFor();

  await typeAndSend(frame, "Hello, do you ship to Phuket?");
  // Acknowledged: the bubble loses its "Sending…" mark.
  await frame.locator(".msg.visitor:not(.pending)", { hasText: "Hello, do you ship to Phuket?" }).waitFor();
  const id = await agent.conversationOf("Hello, do you ship to Phuket?");
  await agent.claim(id);
  await frame.locator(".sys", { hasText: "joined the chat" }).waitFor();

  agent.send({ type: "typing", conversation_id: id, on: true });
  await frame.locator(".typing", { hasText: "is typing" }).waitFor({ timeout: 5_000 });
  await agent.say(id, "Yes, two days by Kerry Express.");
  await frame.locator(".msg.agent", { hasText: "Yes, two days by Kerry Express." }).waitFor();
  // The agent's message ends the indicator.
  await frame.locator(".typing").waitFor({ state: "detached", timeout: 5_000 });

  // The visitor (panel open) has read the answer: the agent is told so.
  const lastSeq = (await agent.history(id)).at(-1).seq;
  await agent.waitFor((f) => f.type === "read" && f.conversation_id === id && f.by.role === "visitor" && f.seq >= lastSeq);
  // The agent reads the visitor's message: "Seen" appears under it.
  assert.equal(await frame.locator(".seen").count(), 0);
  agent.send({ type: "read", conversation_id: id, seq: lastSeq });
  await frame.locator(".msg.visitor", { hasText: "Hello, do you ship to Phuket?" }).locator(".seen").waitFor();
  await page.screenshot({ path: SHOTS + "widget-desktop.png" });

  const before = await logTexts(frame);
  assert.deepEqual(before, ["Hello, do you ship to Phuket?", "Yes, two days by Kerry Express."]);
  await page.reload();
  // The loader remembers a conversation is going and opens the chat again on click.
  const again = await openWidget(page);
  await again.locator(".msg.agent", { hasText: "Yes, two days by Kerry Express." }).waitFor();
  assert.deepEqual(await logTexts(again), before);
  assert.match(await again.locator(".head .subtitle").textContent(), /Demo|Chatting/i);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("a signed-in customer (Natter.identify) finds the conversation on another device; a wrong hash attaches nothing", async () => {
  // What the shop's server does: HMAC-SHA256 of the customer id under the tenant's secret.
  const token = await relay.login();
  const r = await fetch(`${relay.url}/v1/admin/identity`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(r.status, 200);
  const { secret } = await r.json();
  const hash = createHmac("sha256", secret).update("customer-42").digest("hex");
  const identify = (page, hash) =>
    page.evaluate((hash) => window.Natter.identify({ id: "customer-42", name: "Kai", email: "kai@example.com", hash }), hash);

  const laptop = await visitorPage(browser);
  await laptop.page.goto(relay.url + "/");
  await bubble(laptop.page).waitFor();
  await identify(laptop.page, hash);
  const lf = await openWidget(laptop.page);
  await typeAndSend(lf, "Sent from my laptop");
  await lf.locator(".msg.visitor:not(.pending)", { hasText: "Sent from my laptop" }).waitFor();
  const id = await agent.conversationOf("Sent from my laptop");
  // The verified name reaches the agents.
  await agent.waitFor((f) => f.type === "conversation" && f.conversation.id === id && f.conversation.visitor.name === "Kai");

  // Another device, another browser storage: the same customer sees the same chat.
  const phone = await visitorPage(browser, { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  await phone.page.goto(relay.url + "/");
  await bubble(phone.page).waitFor();
  await identify(phone.page, hash);
  const pf = await openWidget(phone.page);
  await pf.locator(".msg.visitor", { hasText: "Sent from my laptop" }).waitFor();

  // Someone guessing: refused, told so, and shown nothing of Kai's.
  const other = await visitorPage(browser);
  await other.page.goto(relay.url + "/");
  await bubble(other.page).waitFor();
  await identify(other.page, "00".repeat(32));
  const of = await openWidget(other.page);
  await of.getByRole("alert").getByText("We could not confirm your account").waitFor();
  assert.deepEqual(await logTexts(of), []);

  for (const p of [laptop, phone]) assert.deepEqual(p.page.errors, []);
  for (const p of [laptop, phone, other]) await p.context.close();
  await agent.claim(id);
  agent.send({ type: "close", conversation_id: id });
  await agent.waitFor((f) => f.type === "conversation" && f.conversation.id === id && f.conversation.status === "closed");
});

test("IME: the Enter that confirms a composition (Thai, Japanese) does not send; Shift+Enter adds a line", async () => {
  const { context, page } = await visitorPage(browser);
  const frame = await openWidget(page, relay.url + "/");
  const box = frame.locator("#natter-composer");
  await box.fill("สวัสดีค่ะ");
  // What an IME's confirming Enter looks like: isComposing (Chromium, Firefox) or keyCode 229 (Safari).
  for (const init of [{ isComposing: true }, { keyCode: 229 }]) {
    await box.evaluate((el, init) => el.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true, cancelable: true, ...init })), init);
  }
  assert.equal(await box.inputValue(), "สวัสดีค่ะ");
  assert.equal(await frame.locator(".msg.visitor").count(), 0);
  await box.press("Shift+Enter");
  await box.pressSequentially("こんにちは");
  await box.press("Enter");
  await frame.locator(".msg.visitor:not(.pending)", { hasText: "こんにちは" }).waitFor();
  assert.deepEqual(await logTexts(frame), ["สวัสดีค่ะ\nこんにちは"]);
  assert.equal(await box.inputValue(), "");
  await context.close();
});

test("mobile: the open widget fills the screen", async () => {
  const { context, page } = await visitorPage(browser, { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  await page.goto(relay.url + "/");
  const frame = await openWidget(page);
  const box = await page.locator("natter-chat iframe").boundingBox();
  assert.deepEqual([box.x, box.y, box.width, box.height], [0, 0, 390, 844], "full-screen panel");
  // The close button of the panel is reachable and closes it.
  await page.screenshot({ path: SHOTS + "widget-mobile.png" });
  await frame.getByRole("button", { name: "Close" }).click();
  await page.locator("natter-chat iframe").waitFor({ state: "hidden" });
  await bubble(page).waitFor();
  await context.close();
});

test("strict-CSP storefront: the widget works with zero CSP violations", async () => {
  const { context, page } = await visitorPage(browser);
  const violations = [];
  await context.exposeBinding("__cspViolation", ({ frame }, v) => violations.push(`${frame.url()}: ${v}`));
  await context.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) =>
      window.__cspViolation(`${e.violatedDirective} blocked ${e.blockedURI} (${e.sourceFile}:${e.lineNumber})`),
    );
  });
  page.on("console", (m) => {
    if (/Content.Security.Policy/i.test(m.text())) violations.push(`console: ${m.text()}`);
  });
  const resp = await page.goto(relay.url + "/examples/strict-csp.html");
  const csp = resp.headers()["content-security-policy"];
  assert.ok(csp && !csp.includes("unsafe-inline") && !csp.includes("wasm-unsafe-eval"), `strict policy: ${csp}`);
  const frame = await openWidget(page);
  await typeAndSend(frame, "Strict page here");
  const id = await agent.conversationOf("Strict page here");
  await agent.claim(id);
  await agent.say(id, "Hello strict page");
  await frame.locator(".msg.agent", { hasText: "Hello strict page" }).waitFor();
  await frame.locator(".msg.visitor:not(.pending)", { hasText: "Strict page here" }).waitFor();
  assert.deepEqual(violations, []);
  assert.deepEqual(page.errors, []);
  await context.close();
});

async function seriousViolations(page) {
  const result = await new AxeBuilder({ page }).analyze();
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

test("accessibility: axe finds nothing serious on the closed bubble or in the open widget", async () => {
  const { context, page } = await visitorPage(browser);
  await page.goto(relay.url + "/");
  await bubble(page).waitFor();
  // The bubble is named for what it does.
  assert.equal(await bubble(page).getAttribute("aria-label"), "Open chat");
  assert.deepEqual(await seriousViolations(page), [], "closed bubble");
  const frame = await openWidget(page);
  await typeAndSend(frame, "Accessibility check");
  await frame.locator(".msg.visitor:not(.pending)", { hasText: "Accessibility check" }).waitFor();
  // axe walks into the widget's iframe too.
  assert.deepEqual(await seriousViolations(page), [], "open widget");
  assert.equal(await bubble(page).getAttribute("aria-label"), "Close chat");
  await context.close();
});

test("hostile agent messages render as inert text", async () => {
  const { context, page } = await visitorPage(browser);
  const frame = await openWidget(page, relay.url + "/");
  await typeAndSend(frame, "Hostile test");
  const id = await agent.conversationOf("Hostile test");
  await agent.claim(id);
  const long = "W".repeat(3990) + " end.";
  const hostile = [
    `<img src=x onerror="window.top.__pwned=1;window.__pwned=1">`,
    `<script>window.__pwned=2</script>`,
    long,
    "\u202Eevil override\u202C after",
    `<b onmouseover=alert(1)>bold?</b>`,
  ];
  for (const text of hostile) await agent.say(id, text);
  await frame.locator(".msg.agent", { hasText: "bold?" }).waitFor();
  const shown = await frame.locator(".log .msg.agent:not(.greeting) .bubble p").allTextContents();
  assert.deepEqual(shown, hostile, "shown literally, in order");
  const dom = await frame.evaluate(() => ({
    img: document.querySelectorAll(".log img").length,
    script: document.querySelectorAll(".log script").length,
    b: document.querySelectorAll(".log b").length,
    pwned: window.__pwned,
    logOverflow: document.querySelector(".log").scrollWidth - document.querySelector(".log").clientWidth,
  }));
  assert.deepEqual(dom, { img: 0, script: 0, b: 0, pwned: undefined, logOverflow: 0 });
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  // The RTL override stays inside its paragraph: the line is isolated.
  const bidi = await frame.locator(".bubble p", { hasText: "evil override" }).evaluate((p) => getComputedStyle(p).unicodeBidi);
  assert.match(bidi, /isolate/);
  // The long message is whole (not cut), wrapped within the panel.
  const width = await frame.locator(".bubble p", { hasText: "end." }).evaluate((p) => [p.scrollWidth, p.clientWidth]);
  assert.ok(width[0] <= width[1] + 1, `long text wraps: ${width}`);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("unknown tenant: no bubble, exactly one console warning", async () => {
  const { context, page } = await visitorPage(browser);
  const loader = await watchLoader(page);
  // A page of the relay's origin that embeds the loader for a tenant that does not exist.
  await page.route(relay.url + "/test/nope.html", (route) =>
    route.fulfill({
      contentType: "text/html",
      body: `<!doctype html><html lang="en"><title>t</title><body><p>shop</p><script src="/embed.js" data-tenant="nope"></script></body></html>`,
    }),
  );
  const config = page.waitForResponse((r) => r.url().includes("/v1/widget/nope/config"));
  await page.goto(relay.url + "/test/nope.html");
  assert.equal((await config).status(), 404);
  // The loader explains itself (and so has given up: it draws nothing after that),
  // once: all its timers run out with no second request and no second warning.
  await loader.warning();
  assert.equal(await loader.settle(), 1, "config requests");
  assert.equal(await page.locator("natter-chat").count(), 0, "no bubble drawn");
  const warnings = loader.warnings();
  assert.equal(warnings.length, 1, `warnings: ${JSON.stringify(warnings)}`);
  assert.match(warnings[0], /unknown tenant "nope"/);
  await context.close();
});

test("a shop origin the tenant does not allow: no bubble, exactly one console warning", async () => {
  // A real shop server on 127.0.0.2 (loopback, like the relay, but not among the demo
  // tenant's allowed origins: localhost and 127.0.0.1).
  const shop = createServer((req, res) => {
    res.writeHead(200, { "content-type": "text/html" });
    res.end(`<!doctype html><html lang="en"><title>t</title><body><p>shop</p><script src="${relay.url}/embed.js" data-tenant="demo"></script></body></html>`);
  });
  await new Promise((ok) => shop.listen(0, "127.0.0.2", ok));
  const shopUrl = `http://127.0.0.2:${shop.address().port}/`;
  const { context, page } = await visitorPage(browser);
  const loader = await watchLoader(page);
  try {
    await page.goto(shopUrl);
    await loader.warning();
    assert.equal(await loader.settle(), 1, "config requests");
    assert.equal(await page.locator("natter-chat").count(), 0, "no bubble drawn");
    const warnings = loader.warnings();
    assert.equal(warnings.length, 1, `warnings: ${JSON.stringify(warnings)}`);
    assert.match(warnings[0], /127\.0\.0\.2/);
    assert.match(warnings[0], /not allowed|not among the allowed origins/);
  } finally {
    await context.close();
    shop.close();
  }
});

test("the frame ignores postMessage from an origin other than its host page", async () => {
  const { context, page } = await visitorPage(browser);
  const local = relay.url.replace("127.0.0.1", "localhost");
  // A page on http://localhost:PORT frames the widget twice: once naming its own origin
  // (the control: it is obeyed) and once naming http://127.0.0.1:PORT (it must ignore us).
  await page.goto(local + "/healthz");
  const frameUrl = (origin) => `${relay.url}/t/demo/frame?origin=${encodeURIComponent(origin)}`;
  await page.evaluate(([own, other]) => {
    for (const [name, src] of [["own", own], ["other", other]]) {
      const f = document.createElement("iframe");
      f.name = name;
      f.src = src;
      document.body.appendChild(f);
    }
  }, [frameUrl(local), frameUrl(relay.url)]);
  const named = async (name) => {
    await page.locator(`iframe[name=${name}]`).waitFor({ state: "attached" });
    return (await page.locator(`iframe[name=${name}]`).elementHandle()).contentFrame();
  };
  const own = await named("own");
  const other = await named("other");
  for (const f of [own, other]) await f.locator("#natter-composer").waitFor({ timeout: 10_000 });
  // Each frame notes the message's arrival in a listener of its own: once it has run,
  // the event's dispatch (the widget's listener included) and the updates it queued
  // are over, so the frame shows whatever it made of the message.
  for (const f of [own, other]) {
    await f.evaluate(() => window.addEventListener("message", (e) => {
      if (e.data?.type === "locale") window.localeMessages_ = (window.localeMessages_ ?? 0) + 1;
    }));
  }
  await page.evaluate(() => {
    for (const f of document.querySelectorAll("iframe")) {
      f.contentWindow.postMessage({ natter: 1, type: "locale", locale: "th" }, "*");
    }
  });
  for (const f of [own, other]) await f.waitForFunction(() => window.localeMessages_ === 1, null, { timeout: 5_000 });
  // The control has switched to Thai; the other frame, which got the same message, stays English.
  assert.equal(await own.evaluate(() => document.documentElement.lang), "th");
  assert.equal(await own.locator("#natter-composer").getAttribute("placeholder"), "พิมพ์ข้อความ…");
  assert.equal(await other.evaluate(() => document.documentElement.lang), "en");
  assert.equal(await other.locator("#natter-composer").getAttribute("placeholder"), "Type a message…");
  await context.close();
});
