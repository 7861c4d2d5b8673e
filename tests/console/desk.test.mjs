// Browser tests of the agents' desk (issue 12): an internal note with an @mention
// written by the demo owner reaches Ann (sound/notification path, the "@" marker
// on her inbox row, the highlighted mention) and never the visitor, whose socket
// frames up to a later agent reply are checked for the note's text; tags put on a
// conversation filter the inbox; axe on the new views in English and Thai.
// Run through run.sh (relay, console URL, the demo owner and Ann).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { DEMO, ANN, SHOTS, axeClean, launch, newAgentPage, signIn, row, log, visitorSocket } from "./lib.mjs";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => browser?.close());

const agentPage = () => newAgentPage(browser, { height: 800 });

/** A visitor on a raw socket (see `visitorSocket`). */
async function visitor(info) {
  const { context, page } = await visitorSocket(browser, info);
  let n = 0;
  return {
    context,
    send: (text) => page.evaluate(([t, id]) => window.ws_.send(JSON.stringify({ type: "send", client_id: id, text: t })), [text, `v-${n++}`]),
    end: () => page.evaluate(() => window.ws_.send(JSON.stringify({ type: "end" }))),
    raw: () => page.evaluate(() => window.raw_),
    waitFrame: (pred) => page.waitForFunction(`window.frames_.some((f) => (${pred})(f))`, null, { timeout: 10_000 }),
  };
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

test("a note with a mention reaches Ann, is marked on her inbox, and never reaches the visitor", async () => {
  const owner = await agentPage();
  const ann = await agentPage();
  await signIn(owner.page, DEMO);
  await signIn(ann.page, ANN);
  // Ann's browser records the console's sounds and notifications.
  const v = await visitor({ name: "Nora Note" });
  await v.send("where is my order?");
  await row(owner.page, "Nora Note").click();
  await owner.page.locator(".conv-head").getByRole("button", { name: "Claim" }).click();
  await owner.page.locator(".conv-head .status", { hasText: "Active" }).waitFor();

  // Note mode with the keyboard (Alt+N), then @ suggestions picked with Enter.
  await owner.page.getByLabel("Reply").focus();
  await owner.page.keyboard.press("Alt+KeyN");
  const noteBox = owner.page.getByLabel("Internal note", { exact: true });
  await noteBox.waitFor();
  assert.equal(await owner.page.getByRole("button", { name: "Internal note" }).getAttribute("aria-pressed"), "true");
  await noteBox.pressSequentially("@An");
  await owner.page.getByRole("option", { name: "@Ann" }).waitFor();
  await axeClean(owner.page, "note mode with mention suggestions");
  await noteBox.press("Enter");
  assert.equal(await noteBox.inputValue(), "@Ann ");
  await noteBox.pressSequentially("please check stock 4711");
  await noteBox.press("Enter");
  const ownerNote = log(owner.page).locator(".note-line", { hasText: "please check stock 4711" });
  await ownerNote.waitFor();
  await ownerNote.locator(".note-state").waitFor({ state: "detached" });
  assert.match(await ownerNote.locator(".note-label").textContent(), /Internal note — visitors never see this/);
  assert.equal(await ownerNote.locator("mark.mention").textContent(), "@Ann");
  await owner.page.screenshot({ path: `${SHOTS}desk-note.png` });

  // Ann: the mention marks the row (on the All active tab) until she opens it.
  await ann.page.getByRole("tab", { name: /All active/ }).click();
  const annRow = row(ann.page, "Nora Note");
  await annRow.locator(".mention-mark").waitFor();
  await axeClean(ann.page, "inbox with a mention marker");
  await annRow.click();
  const annNote = log(ann.page).locator(".note-line", { hasText: "please check stock 4711" });
  await annNote.waitFor();
  assert.equal(await annNote.locator("mark.mention.me").textContent(), "@Ann");
  await annRow.locator(".mention-mark").waitFor({ state: "detached" });
  // Ann does not hold it: her composer writes notes only.
  await ann.page.getByLabel("Internal note", { exact: true }).waitFor();
  await axeClean(ann.page, "conversation with a note");

  // A reply after the note: once it reached the visitor, nothing before it held the note.
  await owner.page.getByRole("button", { name: "Reply", exact: true }).click();
  await owner.page.getByLabel("Reply").fill("Your order ships today");
  await owner.page.getByLabel("Reply").press("Enter");
  await v.waitFrame((f) => f.type === "message" && f.message.body.text === "Your order ships today");
  const frames = await v.raw();
  assert.ok(frames.length > 2);
  for (const raw of frames) {
    assert.ok(!raw.includes("4711") && !raw.includes("please check stock"), `a visitor frame carried the note: ${raw}`);
    assert.ok(!/"type":"(note|notes|mention)"/.test(raw));
  }

  // Thai: the note's banner and the mode switch are worded, axe clean.
  await owner.page.getByRole("button", { name: "ภาษาไทย" }).click();
  await owner.page.getByRole("button", { name: "โน้ตภายใน" }).waitFor();
  await log(owner.page).locator(".note-label", { hasText: "ผู้เยี่ยมชมไม่เห็นข้อความนี้" }).first().waitFor();
  await axeClean(owner.page, "conversation with a note (Thai)");
  await owner.page.getByRole("button", { name: "English" }).click();

  await v.end();
  await v.context.close();
  await owner.context.close();
  await ann.context.close();
});

test("tags: the owner creates one, puts it on a conversation, and the inbox filters by it", async () => {
  const owner = await agentPage();
  await signIn(owner.page, DEMO);
  const tagged = await visitor({ name: "Tina Tagged" });
  await tagged.send("tag me");
  const other = await visitor({ name: "Uma Untagged" });
  await other.send("not me");
  await row(owner.page, "Tina Tagged").waitFor();
  await row(owner.page, "Uma Untagged").waitFor();

  // The tag list on the settings page.
  await owner.page.getByRole("button", { name: "Workspace settings" }).click();
  const tags = owner.page.locator("section.tags-admin");
  await tags.getByLabel("Name", { exact: true }).fill("VIP");
  await tags.getByRole("button", { name: "Add tag" }).click();
  await tags.getByLabel("Name of tag VIP").waitFor();
  // A second tag of the same name is refused next to the field.
  await tags.getByLabel("Name", { exact: true }).fill("vip");
  await tags.getByRole("button", { name: "Add tag" }).click();
  await tags.locator("#tag-new-name-err", { hasText: "already exists" }).waitFor();
  await axeClean(owner.page, "settings with tags and team");
  await owner.page.getByRole("button", { name: "ภาษาไทย" }).click();
  await owner.page.locator("#sec-tags", { hasText: "แท็ก" }).waitFor();
  await owner.page.locator("#tag-new-name-err", { hasText: "มีแท็กชื่อนี้อยู่แล้ว" }).waitFor();
  await axeClean(owner.page, "settings with tags and team (Thai)");
  await owner.page.getByRole("button", { name: "English" }).click();
  const tagId = await tags.locator("li.tag-row").first().getAttribute("data-tag");
  await owner.page.getByRole("button", { name: "Back to inbox" }).click();

  // Put it on Tina's conversation from the header's tag menu, with the keyboard.
  await row(owner.page, "Tina Tagged").click();
  const edit = owner.page.getByRole("button", { name: "Edit tags" });
  await edit.click();
  const box = owner.page.locator(".tag-menu").getByRole("checkbox", { name: "VIP" });
  await box.focus();
  await owner.page.keyboard.press("Space");
  await owner.page.locator(".tag-chips .tag-chip", { hasText: "VIP" }).waitFor();
  await axeClean(owner.page, "conversation with the tag menu open");
  await owner.page.keyboard.press("Escape");
  await row(owner.page, "Tina Tagged").locator(".tag-chip", { hasText: "VIP" }).waitFor();

  // The filter keeps only tagged conversations, client-side.
  await owner.page.getByLabel("Filter by tag").selectOption({ label: "VIP" });
  await row(owner.page, "Uma Untagged").waitFor({ state: "detached" });
  assert.equal(await row(owner.page, "Tina Tagged").count(), 1);
  await owner.page.getByLabel("Filter by tag").selectOption({ label: "All tags" });
  await row(owner.page, "Uma Untagged").waitFor();

  // Taken off again with the chip's remove button.
  await row(owner.page, "Tina Tagged").click();
  await owner.page.getByRole("button", { name: "Remove tag VIP" }).click();
  await row(owner.page, "Tina Tagged").locator(".tag-chip").waitFor({ state: "detached" });

  // Clean up: delete the tag (the new list reaches the console by frame).
  assert.equal((await api(owner.page, "DELETE", `/v1/admin/tags/${tagId}`)).status, 200);
  await owner.page.getByLabel("Filter by tag").waitFor({ state: "detached" });
  for (const v of [tagged, other]) {
    await v.end();
    await v.context.close();
  }
  await owner.context.close();
});
