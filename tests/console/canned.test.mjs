// Canned responses in the agent console, end to end against a real relay (run
// through run.sh): the `/` picker driven by the keyboard only, the rendered text
// in the composer (the visitor's name, or the fallback), sent and received by a
// visitor speaking the visitor protocol; quick replies as chips; the management
// screen for a plain agent (read-only shared ones, a personal one created, a
// refused field, a CSV import refused at its row, an export); axe in English and
// Thai. The demo tenant starts with the relay's 10 English and 10 Thai templates.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { DEMO, ANN, SHOTS, axeClean, launch, newAgentPage, signIn, row, visitorSocket } from "./lib.mjs";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => browser?.close());

async function agentPage(who) {
  const { context, page } = await newAgentPage(browser, { height: 860 });
  await signIn(page, who);
  return { context, page };
}

/** A visitor on a raw socket (see `visitorSocket`). */
async function visitor(info) {
  const { context, page } = await visitorSocket(browser, info);
  let n = 0;
  return {
    context,
    send: (text) => page.evaluate(([t, id]) => window.ws_.send(JSON.stringify({ type: "send", client_id: id, text: t })), [text, `cv-${Date.now()}-${n++}`]),
    waitText: (text) => page.waitForFunction((t) => window.frames_.some((f) => f.type === "message" && f.message.body.text === t), text, { timeout: 10_000 }),
    end: async () => {
      await page.evaluate(() => window.ws_.send(JSON.stringify({ type: "end" })));
      await page.waitForFunction(() => window.frames_.some((f) => f.type === "visitor_conversation" && f.conversation.status === "closed"));
      await context.close();
    },
  };
}

/** Opens the visitor's conversation, claims it, and returns the reply box. */
async function claim(page, text) {
  await row(page, text).click();
  await page.locator(".conv-head").getByRole("button", { name: "Claim" }).click();
  const reply = page.getByLabel("Reply");
  await reply.waitFor();
  return reply;
}

/** The id of the picker's highlighted option, and its shortcut. */
async function highlighted(page, reply) {
  const id = await reply.getAttribute("aria-activedescendant");
  assert.ok(id, "the reply box points at an option");
  const option = page.locator(`[id="${id}"]`);
  assert.equal(await option.getAttribute("aria-selected"), "true");
  return (await option.locator(".sc").textContent()).trim();
}

test("a canned response with variables, inserted by keyboard only, reaches the visitor rendered", async () => {
  const a = await agentPage(DEMO);
  const v = await visitor({ name: "Nok Canned" });
  await v.send("Hello, do you ship today?");
  const reply = await claim(a.page, "Hello, do you ship today?");

  await reply.focus();
  await a.page.keyboard.type("/hel");
  const list = a.page.getByRole("listbox", { name: "Canned responses" });
  await list.getByRole("option").first().waitFor();
  assert.equal(await reply.getAttribute("aria-controls"), await list.getAttribute("id"));
  const shortcuts = await list.locator(".sc").allTextContents();
  assert.deepEqual(shortcuts.slice(0, 2), ["/hello", "/th-hello"], "the best match first");
  assert.equal(await highlighted(a.page, reply), "/hello");
  // The preview has this conversation's values; categories show.
  const preview = a.page.locator(".canned-pv");
  await preview.getByText("Hi Nok Canned, this is Demo Agent from Demo Shop.", { exact: false }).waitFor();
  await list.getByRole("option").first().getByText("Greetings").waitFor();
  await axeClean(a.page, "the picker (English)");
  await a.page.screenshot({ path: `${SHOTS}canned-picker.png` });

  await a.page.keyboard.press("ArrowDown");
  await a.page.waitForFunction(() => document.activeElement.getAttribute("aria-activedescendant")?.endsWith("-opt-1"));
  assert.equal(await highlighted(a.page, reply), "/th-hello");
  await preview.getByText("สวัสดีค่ะ คุณNok Canned", { exact: false }).waitFor();
  await a.page.keyboard.press("ArrowUp");
  await a.page.waitForFunction(() => document.activeElement.getAttribute("aria-activedescendant")?.endsWith("-opt-0"));

  const used = a.page.waitForResponse((r) => /\/v1\/agent\/canned\/\d+\/use$/.test(r.url()) && r.status() === 204);
  await a.page.keyboard.press("Enter");
  const rendered = "Hi Nok Canned, this is Demo Agent from Demo Shop. How can I help you today?";
  await a.page.waitForFunction((t) => document.activeElement.value === t, rendered);
  await list.waitFor({ state: "detached" });
  await used;
  // Editable before sending: the caret is after the insertion.
  await a.page.keyboard.type(" 🙂");
  await a.page.keyboard.press("Enter");
  await v.waitText(`${rendered} 🙂`);
  await v.end();
  await a.context.close();
});

test("fallbacks in Thai, insertion mid-text, quick replies as chips, Escape", async () => {
  const a = await agentPage(DEMO);
  const v = await visitor({});
  await v.send("anonymous question about returns");
  await claim(a.page, "anonymous question about returns");
  await a.page.getByRole("button", { name: "Language: ภาษาไทย" }).click();
  const reply = a.page.getByLabel("ตอบกลับ", { exact: true });

  // A name the conversation does not have: the fallback, marked, and said so.
  await reply.focus();
  await a.page.keyboard.type("/th-hel");
  const list = a.page.getByRole("listbox", { name: "ข้อความสำเร็จรูป" });
  await list.getByRole("option").first().waitFor();
  await a.page.locator(".canned-pv mark.fallback", { hasText: "ลูกค้า" }).waitFor();
  await a.page.getByText("ไม่ทราบค่าในแชทนี้ จึงใช้ค่าสำรอง: {{visitor.name}}").waitFor();
  await axeClean(a.page, "the picker (Thai)");
  await a.page.keyboard.press("Tab");
  await a.page.waitForFunction(() => document.activeElement.value.startsWith("สวัสดีค่ะ คุณลูกค้า Demo Agent จาก Demo Shop"));

  // Escape closes the picker and keeps what was typed.
  await a.page.keyboard.press("Control+A");
  await a.page.keyboard.type("Sure! /ret");
  await list.getByRole("option").first().waitFor();
  await a.page.keyboard.press("Escape");
  await list.waitFor({ state: "detached" });
  assert.equal(await reply.inputValue(), "Sure! /ret");

  // Inserted in the middle: the caret sits inside the text, before " Bye".
  await a.page.keyboard.type(" Bye");
  for (let i = 0; i < 4; i++) await a.page.keyboard.press("ArrowLeft");
  await list.getByRole("option").first().waitFor();
  assert.equal(await highlighted(a.page, reply), "/returns");
  await a.page.keyboard.press("Enter");
  const returns = "You can return any item within 30 days. Would you like me to start a return for you?";
  await a.page.waitForFunction((t) => document.activeElement.value === t, `Sure! ${returns} Bye`);
  // Its quick replies wait as chips for the next send; one is removed.
  const chips = a.page.getByRole("list", { name: "ปุ่มตอบกลับด่วนที่จะส่งไปกับข้อความนี้" });
  await chips.getByText("Yes, please").waitFor();
  await axeClean(a.page, "quick-reply chips (Thai)");
  await chips.getByRole("button", { name: "นำปุ่มตอบกลับด่วน “No, thanks” ออก" }).click();
  assert.deepEqual(await chips.locator(".chip span[dir]").allTextContents(), ["Yes, please"]);
  await reply.press("Enter");
  await v.waitText(`Sure! ${returns} Bye`);
  await chips.waitFor({ state: "detached" });
  await v.end();
  await a.context.close();
});

test("the management screen: a plain agent's own responses, refusals, CSV import and export, axe in English and Thai", async () => {
  const b = await agentPage(ANN);
  await b.page.getByRole("button", { name: "Canned responses" }).click();
  const screen = b.page.getByRole("main", { name: "Canned responses" });
  const shared = screen.getByRole("region", { name: "Shared with the team" });
  await shared.getByText("/hello").waitFor();
  await shared.getByText("Owners and admins manage the shared responses.").waitFor();
  assert.equal(await shared.getByRole("button", { name: /Edit|Delete/ }).count(), 0, "shared is read-only for a plain agent");
  await axeClean(b.page, "the management screen (English)");

  // A personal response.
  await screen.getByRole("button", { name: "New response" }).click();
  const form = b.page.getByRole("form", { name: "New canned response" });
  await form.getByLabel("Shortcut").fill("ann-sizes");
  await form.getByLabel("Category").fill("Sizing");
  await form.getByLabel("Text", { exact: true }).fill("We have S to XL, {{visitor.name|friend}}.");
  await form.getByLabel("Quick replies").fill("S\nM");
  await form.getByRole("button", { name: "Save" }).click();
  const mine = screen.getByRole("region", { name: "Only mine" });
  await mine.getByText("/ann-sizes").waitFor();
  await mine.getByRole("button", { name: "Edit /ann-sizes" }).waitFor();

  // A refused shortcut is shown at its field.
  await screen.getByRole("button", { name: "New response" }).click();
  await form.getByLabel("Shortcut").fill("Not OK!");
  await form.getByLabel("Text", { exact: true }).fill("x");
  await form.getByRole("button", { name: "Save" }).click();
  await form.getByText("Use 1 to 32 of a-z, 0-9, - and _.").waitFor();
  assert.equal(await form.getByLabel("Shortcut").getAttribute("aria-invalid"), "true");
  await form.getByRole("button", { name: "Cancel" }).click();

  // A CSV whose third row is bad: nothing is imported, and the row is named.
  await b.page.getByLabel("CSV file to import").setInputFiles({
    name: "bad.csv",
    mimeType: "text/csv",
    buffer: Buffer.from("shortcut,category,text\nann-ok,General,Fine\nBAD ROW,General,Text\n"),
  });
  await b.page.locator("#canned-import-status", { hasText: "Nothing imported: row 3 is refused:" }).waitFor();
  assert.equal(await mine.getByText("/ann-ok").count(), 0);
  // A good one goes in.
  await b.page.getByLabel("CSV file to import").setInputFiles({
    name: "good.csv",
    mimeType: "text/csv",
    buffer: Buffer.from("shortcut,category,text,quick_replies\nann-ok,General,\"Fine, thanks\",Yes|No\n"),
  });
  await b.page.locator("#canned-import-status", { hasText: "Imported 1 responses." }).waitFor();
  await mine.getByText("/ann-ok").waitFor();

  // Export: the personal scope as a CSV download.
  const download = b.page.waitForEvent("download");
  await screen.getByRole("button", { name: "Export mine" }).click();
  const file = await download;
  assert.equal(file.suggestedFilename(), "canned-personal.csv");
  const chunks = [];
  for await (const chunk of await file.createReadStream()) chunks.push(chunk);
  const csv = Buffer.concat(chunks).toString("utf8");
  assert.match(csv, /^shortcut,category,text,quick_replies/);
  assert.match(csv, /ann-sizes,Sizing,"We have S to XL, \{\{visitor.name\|friend\}\}\.",S\|M/);

  // Delete asks first.
  await mine.getByRole("button", { name: "Delete /ann-ok" }).click();
  await mine.getByRole("group", { name: "Delete /ann-ok?" }).getByRole("button", { name: "Delete" }).click();
  await mine.getByText("/ann-ok").waitFor({ state: "detached" });
  await b.page.screenshot({ path: `${SHOTS}canned-screen.png`, fullPage: true });

  await b.page.getByRole("button", { name: "Language: ภาษาไทย" }).click();
  await b.page.getByRole("main", { name: "ข้อความสำเร็จรูป" }).getByRole("region", { name: "ของฉันเท่านั้น" }).getByText("/ann-sizes").waitFor();
  await b.page.getByRole("button", { name: "สร้างข้อความใหม่" }).click();
  await b.page.getByRole("form", { name: "ข้อความสำเร็จรูปใหม่" }).waitFor();
  await axeClean(b.page, "the management screen (Thai)");
  await b.page.screenshot({ path: `${SHOTS}canned-screen-th.png`, fullPage: true });
  await b.context.close();
});
