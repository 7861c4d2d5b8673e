// Browser tests of files in the visitor widget, against a real relay and a real
// clamd (scripts/clamd.sh, unless NATTER_CLAMD names one): a photo with EXIF sent
// with the attach button reaches the agent re-encoded without its EXIF, shows as
// a thumbnail and opens in an accessible lightbox; EICAR is refused in words
// (English and Thai); paste and drag-and-drop attach; an uploaded file survives a
// reload; an expired link is renewed before a download. Run through run.sh.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AxeBuilder } from "@axe-core/playwright";
import { Relay, Agent, SHOTS, launch, visitorPage, openWidget, typeAndSend, bubble } from "./lib.mjs";

const CLAMD_SH = new URL("../../scripts/clamd.sh", import.meta.url).pathname;
// The EICAR test file: harmless, and every scanner reports it.
const EICAR = "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";

let relay, browser, agent, clamdDir;
before(async () => {
  if (!process.env.NATTER_CLAMD) {
    clamdDir = mkdtempSync(join(tmpdir(), "natter-clamd-"));
    process.env.NATTER_CLAMD = execFileSync(CLAMD_SH, ["start", clamdDir], { encoding: "utf8" }).trim();
  }
  relay = await new Relay().start();
  browser = await launch();
  agent = await Agent.connect(relay);
});
after(async () => {
  agent?.close();
  await browser?.close();
  await relay?.stop();
  if (clamdDir) {
    execFileSync(CLAMD_SH, ["stop", clamdDir]);
    rmSync(clamdDir, { recursive: true, force: true });
  }
});

/** A real JPEG drawn by the browser, with an EXIF segment (camera make "NatterCam") put in. */
async function jpegWithExif(page) {
  const bytes = await page.evaluate(async () => {
    const canvas = new OffscreenCanvas(64, 48);
    const g = canvas.getContext("2d");
    g.fillStyle = "#3b82f6";
    g.fillRect(0, 0, 64, 48);
    g.fillStyle = "#f59e0b";
    g.fillRect(16, 12, 32, 24);
    const blob = await canvas.convertToBlob({ type: "image/jpeg", quality: 0.9 });
    return Array.from(new Uint8Array(await blob.arrayBuffer()));
  });
  const jpeg = Buffer.from(bytes);
  assert.equal(jpeg.readUInt16BE(0), 0xffd8, "a JPEG");
  // TIFF little-endian, one IFD0 entry: Make (0x010F), ASCII, "NatterCam\0" at offset 26.
  const make = Buffer.from("NatterCam\0", "latin1");
  const tiff = Buffer.alloc(26);
  tiff.write("II", 0, "latin1");
  tiff.writeUInt16LE(42, 2);
  tiff.writeUInt32LE(8, 4);
  tiff.writeUInt16LE(1, 8);
  tiff.writeUInt16LE(0x010f, 10);
  tiff.writeUInt16LE(2, 12);
  tiff.writeUInt32LE(make.length, 14);
  tiff.writeUInt32LE(26, 18);
  tiff.writeUInt32LE(0, 22);
  const exif = Buffer.concat([Buffer.from("Exif\0\0", "latin1"), tiff, make]);
  const app1 = Buffer.alloc(4);
  app1.writeUInt16BE(0xffe1, 0);
  app1.writeUInt16BE(exif.length + 2, 2);
  return Buffer.concat([jpeg.subarray(0, 2), app1, exif, jpeg.subarray(2)]);
}

async function seriousViolations(page) {
  const result = await new AxeBuilder({ page }).analyze();
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

/** The stored message of a conversation that carries attachments. */
async function messageWithFiles(id) {
  const messages = await agent.history(id);
  return messages.find((m) => m.body.attachments?.length);
}

test("a visitor sends a photo with the attach button: the agent gets it without EXIF; thumbnail, lightbox, axe", async () => {
  const { context, page } = await visitorPage(browser);
  const frame = await openWidget(page, relay.url + "/");
  const photo = await jpegWithExif(page);
  assert.ok(photo.includes("NatterCam"), "the EXIF is in what is uploaded");

  const attach = frame.getByRole("button", { name: "Attach files" });
  const [chooser] = await Promise.all([page.waitForEvent("filechooser"), attach.click()]);
  await chooser.setFiles({ name: "photo.jpg", mimeType: "image/jpeg", buffer: photo });
  await frame.locator(".tray .att", { hasText: "photo.jpg" }).getByText("Ready to send").waitFor();
  await typeAndSend(frame, "Here is the photo");
  const thumb = frame.locator(".msg.visitor:not(.pending) .thumb");
  await thumb.locator("img").waitFor();
  assert.equal(await thumb.locator("img").getAttribute("alt"), "photo.jpg");
  await frame.locator(".tray").waitFor({ state: "detached" });
  // The thumbnail really loads (same origin, the frame's CSP allows it).
  await frame.waitForFunction(() => document.querySelector(".thumb img")?.naturalWidth > 0);

  // The agent sees the photo; what the relay serves has no EXIF left.
  const id = await agent.conversationOf("Here is the photo");
  const m = await messageWithFiles(id);
  assert.equal(m.body.text, "Here is the photo");
  const [a] = m.body.attachments;
  assert.equal(a.kind, "image");
  assert.equal(a.mime, "image/jpeg");
  assert.deepEqual([a.width, a.height], [64, 48]);
  const served = Buffer.from(await (await fetch(relay.url + a.url)).arrayBuffer());
  assert.equal(served.readUInt16BE(0), 0xffd8);
  assert.ok(!served.includes("NatterCam"), "EXIF stripped");

  // The lightbox: a named modal dialog, focus on its close button, Escape closes
  // it (not the chat) and focus goes back to the thumbnail.
  await thumb.click();
  const dialog = frame.getByRole("dialog", { name: "photo.jpg" });
  await dialog.waitFor();
  await frame.waitForFunction(() => document.activeElement?.id === "natter-lightbox-close");
  await frame.waitForFunction(() => document.querySelector(".lightbox img")?.naturalWidth > 0);
  await page.screenshot({ path: SHOTS + "files-lightbox.png" });
  await page.keyboard.press("Tab");
  assert.equal(await frame.evaluate(() => document.activeElement?.id), "natter-lightbox-close", "Tab stays inside");
  await page.keyboard.press("Escape");
  await dialog.waitFor({ state: "detached" });
  await frame.waitForFunction(() => document.activeElement?.classList.contains("thumb"));
  assert.equal(await bubble(page).getAttribute("aria-expanded"), "true", "the chat stays open");

  await page.screenshot({ path: SHOTS + "files-photo.png" });
  assert.deepEqual(await seriousViolations(page), [], "widget with a photo shown");
  assert.deepEqual(page.errors, []);
  await context.close();
});

/** Attaches EICAR through the hidden file input and returns the tray item. */
async function attachEicar(frame) {
  await frame.locator('input[type="file"]').setInputFiles({ name: "eicar.txt", mimeType: "text/plain", buffer: Buffer.from(EICAR) });
  return frame.locator(".tray .att.failed", { hasText: "eicar.txt" });
}

test("EICAR is refused with a sentence a person understands, in English and in Thai", async () => {
  const { context, page } = await visitorPage(browser);
  const frame = await openWidget(page, relay.url + "/");
  await typeAndSend(frame, "Sending the invoice");
  await frame.locator(".msg.visitor:not(.pending)", { hasText: "Sending the invoice" }).waitFor();
  const item = await attachEicar(frame);
  await item.getByRole("alert").filter({ hasText: "This file was blocked because it looks harmful." }).waitFor();
  // Trying again would not help: only Remove is offered.
  assert.equal(await item.getByRole("button", { name: /Try again/ }).count(), 0);
  // The conversation says so too (the relay's file_refused line).
  await frame.locator(".sys", { hasText: "eicar.txt was not sent: it looks harmful." }).waitFor();
  // Agents are told what the scanner found.
  const id = await agent.conversationOf("Sending the invoice");
  const refused = (await agent.history(id)).find((m) => m.body.kind === "event" && m.body.event.event === "file_refused");
  assert.match(refused?.body.event.signature ?? "", /^Eicar-Test-Signature/);
  assert.deepEqual(await seriousViolations(page), [], "widget with a refused file");
  await item.getByRole("button", { name: "Remove eicar.txt" }).click();
  await item.waitFor({ state: "detached" });
  // The refusal is a 422 on the upload: expected here, nothing else.
  assert.deepEqual(page.errors.filter((e) => !/^422 .*\/v1\/uploads/.test(e)), []);
  await context.close();

  const th = await visitorPage(browser, { locale: "th-TH" });
  const thFrame = await openWidget(th.page, relay.url + "/");
  const thItem = await attachEicar(thFrame);
  await thItem.getByRole("alert").filter({ hasText: "ไฟล์นี้ถูกบล็อกเพราะดูเหมือนเป็นอันตราย" }).waitFor();
  await th.context.close();
});

/** Dispatches a paste of `file` on the message box, as the browser would for a copied file. */
function pasteFile(frame, name, text) {
  return frame.locator("#natter-composer").evaluate(
    (el, [name, text]) => {
      const data = new DataTransfer();
      data.items.add(new File([text], name, { type: "text/plain" }));
      el.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
    },
    [name, text],
  );
}

/** Drags `file` over the conversation and drops it on the drop zone that appears. */
async function dropFile(frame, name, text) {
  await frame.locator(".chat").evaluate(
    (chat, [name, text]) => {
      const data = new DataTransfer();
      data.items.add(new File([text], name, { type: "text/plain" }));
      window.__drop = data;
      chat.querySelector(".log").dispatchEvent(new DragEvent("dragover", { dataTransfer: data, bubbles: true, cancelable: true }));
    },
    [name, text],
  );
  const zone = frame.locator(".dropzone");
  await zone.waitFor();
  await zone.evaluate((z) => z.dispatchEvent(new DragEvent("drop", { dataTransfer: window.__drop, bubbles: true, cancelable: true })));
  await zone.waitFor({ state: "detached" });
}

test("paste and drag-and-drop attach files; an uploaded file survives a reload and goes with the next message", async () => {
  const { context, page } = await visitorPage(browser);
  let frame = await openWidget(page, relay.url + "/");
  await pasteFile(frame, "pasted.txt", "order 1042\n");
  await dropFile(frame, "dropped.txt", "tracking TH123\n");
  for (const name of ["pasted.txt", "dropped.txt"]) {
    await frame.locator(".tray .att", { hasText: name }).getByText("Ready to send").waitFor();
  }
  // Pasting a file does not paste its name as text.
  assert.equal(await frame.locator("#natter-composer").inputValue(), "");

  await page.reload();
  frame = await openWidget(page);
  for (const name of ["pasted.txt", "dropped.txt"]) {
    await frame.locator(".tray .att", { hasText: name }).getByText("Ready to send").waitFor();
  }
  await typeAndSend(frame, "Two files after a reload");
  const cards = frame.locator(".msg.visitor:not(.pending) .card");
  await cards.nth(1).waitFor();
  assert.deepEqual(await cards.locator(".att-name").allTextContents(), ["pasted.txt", "dropped.txt"]);

  const id = await agent.conversationOf("Two files after a reload");
  const m = await messageWithFiles(id);
  assert.deepEqual(m.body.attachments.map((a) => [a.name, a.kind, a.mime]), [
    ["pasted.txt", "file", "text/plain"],
    ["dropped.txt", "file", "text/plain"],
  ]);
  // A file card downloads the file.
  const [download] = await Promise.all([page.waitForEvent("download"), cards.first().click()]);
  assert.equal(download.suggestedFilename(), "pasted.txt");
  assert.deepEqual(page.errors, []);
  await context.close();
});

// Browsers send no Origin on a same-origin GET: the relay takes the frame's
// `Sec-Fetch-Site: same-origin` as its own origin.
test("an expired link is renewed before the file opens", async () => {
  // Links shorter-lived than the widget's safety margin look expired at once.
  const shortLinks = new Relay();
  process.env.NATTER_UPLOAD_LINK_TTL_SECS = "5";
  try {
    await shortLinks.start();
  } finally {
    delete process.env.NATTER_UPLOAD_LINK_TTL_SECS;
  }
  try {
    const { context, page } = await visitorPage(browser);
    const frame = await openWidget(page, shortLinks.url + "/");
    await pasteFile(frame, "receipt.txt", "paid\n");
    await frame.locator(".tray .att", { hasText: "receipt.txt" }).getByText("Ready to send").waitFor();
    await typeAndSend(frame, "Receipt");
    const card = frame.locator(".msg.visitor:not(.pending) .card");
    await card.waitFor();
    const renewed = page.waitForRequest((r) => /\/v1\/uploads\/up_[\w-]+\/link\?tenant=demo$/.test(r.url()));
    const [download] = await Promise.all([page.waitForEvent("download"), renewed, card.click()]);
    assert.equal(download.suggestedFilename(), "receipt.txt");
    assert.deepEqual(page.errors, []);
    await context.close();
  } finally {
    await shortLinks.stop();
  }
});
