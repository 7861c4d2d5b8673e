// Browser tests of files in chat in the agent console (issue 11), end to end against
// a real relay scanning with a real clamd: a visitor's photo shown as a thumbnail
// that opens in the lightbox; an agent's PDF sent from the composer (button, paste,
// drop) that the visitor downloads; a visitor's infected file shown as a blocked
// line; links too old to open refreshed first; the files policy on the settings
// page; axe on the new views in English and Thai. Visitors speak the visitor
// protocol from a page on the relay's origin (socket + HTTP upload).
// Run through files.sh (a private clamd, then run.sh with this file).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { deflateSync } from "node:zlib";
import { RELAY, DEMO, SHOTS, launch, signIn, row, log, axeClean, visitorSocket } from "./lib.mjs";

let browser;
before(async () => {
  assert.ok(process.env.NATTER_CLAMD, "run through files.sh (a clamd for the relay: NATTER_CLAMD)");
  browser = await launch();
});
after(async () => browser?.close());

// ----- files -----

function crc32(buf) {
  let crc = ~0;
  for (const b of buf) {
    crc ^= b;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return ~crc >>> 0;
}

/** A real PNG of w×h pixels (a colour gradient), made here so the relay can decode it. */
function png(w, h) {
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const raw = Buffer.alloc((w * 3 + 1) * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const o = y * (w * 3 + 1) + 1 + x * 3;
      raw[o] = (x * 255) / w;
      raw[o + 1] = (y * 255) / h;
      raw[o + 2] = 160;
    }
  }
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(raw)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

const PDF = Buffer.from(
  "%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n2 0 obj <</Type /Pages /Kids [] /Count 0>> endobj\n" +
    "trailer <</Root 1 0 R>>\n%%EOF\n",
);
/** The EICAR anti-virus test file (harmless; every scanner flags it). */
const EICAR = Buffer.from("X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*");

// ----- people -----

/** An agent's page; with `staleLinks`, the relay's frames reach the console with every
 * attachment's links marked expired (as if the conversation had been open for hours). */
async function agentPage({ staleLinks = false, locale = "en-US" } = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, locale, acceptDownloads: true });
  if (staleLinks) {
    await context.routeWebSocket(/\/v1\/ws\/agent$/, (ws) => {
      const server = ws.connectToServer();
      server.onMessage((m) => {
        const f = JSON.parse(m);
        const messages = f.type === "message" ? [f.message] : f.type === "history" ? f.messages : [];
        for (const msg of messages) for (const a of msg.body?.attachments ?? []) a.url_expires_at = 1000;
        ws.send(JSON.stringify(f));
      });
      ws.onMessage((m) => server.send(m));
      ws.onClose(() => server.close());
      server.onClose(() => ws.close());
    });
  }
  const page = await context.newPage();
  page.on("pageerror", (e) => console.error("console page error:", e));
  return { context, page };
}

/** A visitor: a page on the relay's origin with a raw visitor socket; uploads over HTTP with its token. */
async function visitor(name) {
  const { context, page } = await visitorSocket(browser, { name });
  let n = 0;
  return {
    context,
    send: (text, attachments = []) =>
      page.evaluate(([text, attachments, id]) => window.ws_.send(JSON.stringify({ type: "send", client_id: id, text, attachments })),
        [text, attachments, `v${Date.now()}-${n++}`]),
    /** POST /v1/uploads as this visitor (the page's fetch sends the relay's Origin). */
    upload: (fileName, bytes) =>
      page.evaluate(async ({ fileName, bytes }) => {
        const { token } = window.frames_.find((f) => f.type === "welcome");
        const r = await fetch(`/v1/uploads?tenant=demo&name=${encodeURIComponent(fileName)}`, {
          method: "POST",
          headers: { authorization: `Bearer ${token}` },
          body: new Uint8Array(bytes),
        });
        return { status: r.status, body: await r.json() };
      }, { fileName, bytes: [...bytes] }),
    /** The first message frame carrying an attachment of this name. */
    attachment: async (fileName) => {
      const found = `(f) => f.type === "message" && (f.message.body.attachments ?? []).some((a) => a.name === ${JSON.stringify(fileName)})`;
      await page.waitForFunction(`window.frames_.some(${found})`, null, { timeout: 15_000 });
      const frame = await page.evaluate(`window.frames_.find(${found})`);
      return frame.message.body.attachments.find((a) => a.name === fileName);
    },
    end: async () => {
      await page.evaluate(() => window.ws_.send(JSON.stringify({ type: "end" })));
      await context.close();
    },
  };
}

/** Opens the visitor's conversation and claims it. */
async function claim(page, name) {
  await row(page, name).click();
  await page.locator(".conv-head").getByRole("button", { name: "Claim" }).click();
  await page.getByLabel("Reply").waitFor();
}

/** Resolves once every thumbnail in the log has loaded a real image. */
function thumbnailsLoaded(page, n) {
  return page.waitForFunction(
    (n) => {
      const imgs = [...document.querySelectorAll(".log .thumb img")];
      return imgs.length >= n && imgs.every((i) => i.complete && i.naturalWidth > 0);
    },
    n,
    { timeout: 15_000 },
  );
}

/** A DataTransfer holding one file, made in the page (for paste and drop). */
const fileTransfer = (name, type, bytes) => `(() => {
  const dt = new DataTransfer();
  dt.items.add(new File([new Uint8Array(${JSON.stringify([...bytes])})], ${JSON.stringify(name)}, { type: ${JSON.stringify(type)} }));
  return dt;
})()`;

// ----- tests -----

test("a visitor's photo shows as a thumbnail that opens in the lightbox; a blocked file says what was found", async () => {
  const a = await agentPage();
  await signIn(a.page, DEMO);
  const v = await visitor("Photo Visitor");
  await v.send("I have a photo of the damage");
  await claim(a.page, "Photo Visitor");

  const up = await v.upload("photo.png", png(640, 480));
  assert.equal(up.status, 201, JSON.stringify(up.body));
  assert.equal(up.body.kind, "image");
  await v.send("", [up.body.id]);
  const thumb = log(a.page).getByRole("button", { name: "Open image photo.png" });
  await thumb.waitFor();
  await thumbnailsLoaded(a.page, 1);
  // Drawn within the thumbnail box, keeping the photo's shape.
  const box = await thumb.locator("img").boundingBox();
  assert.ok(box.width <= 200 && box.height <= 200 && Math.abs(box.width / box.height - 4 / 3) < 0.05, JSON.stringify(box));

  // A visitor's infected file: nothing stored, the agent is told what the scanner found.
  const bad = await v.upload("eicar.txt", EICAR);
  assert.deepEqual([bad.status, bad.body.error.code], [422, "file_infected"]);
  const blocked = log(a.page).locator(".sys.blocked");
  await blocked.waitFor();
  assert.match(await blocked.textContent(), /Blocked: eicar\.txt — malware \(Eicar-Test-Signature[^)]*\)/);

  // The details list the conversation's files.
  await a.page.locator("aside.details section.files").getByRole("button", { name: "Open image photo.png" }).waitFor();
  await axeClean(a.page, "conversation with a photo and a blocked file");
  await a.page.screenshot({ path: `${SHOTS}files-conversation.png` });

  // The lightbox: a dialog named by the file, the full image, Escape closes, focus returns.
  await thumb.click();
  const dialog = a.page.getByRole("dialog", { name: "photo.png" });
  await dialog.waitFor();
  await a.page.waitForFunction(() => {
    const img = document.querySelector("#lightbox img");
    return img?.complete && img.naturalWidth === 640 && img.alt === "Image: photo.png";
  });
  await dialog.getByText("PNG image").waitFor();
  await axeClean(a.page, "lightbox");
  await a.page.screenshot({ path: `${SHOTS}files-lightbox.png` });
  await a.page.keyboard.press("Escape");
  await dialog.waitFor({ state: "detached" });
  assert.equal(await a.page.evaluate(() => document.activeElement?.getAttribute("aria-label")), "Open image photo.png");

  await v.end();
  await a.context.close();
});

test("an agent sends a PDF (button, paste, drop) and the visitor downloads it as an attachment", async () => {
  const a = await agentPage();
  await signIn(a.page, DEMO);
  const v = await visitor("Invoice Visitor");
  await v.send("Can I have my invoice?");
  await claim(a.page, "Invoice Visitor");

  // The Attach button opens the file chooser; the upload shows its progress, then is ready.
  const chooser = a.page.waitForEvent("filechooser");
  await a.page.getByRole("button", { name: "Attach files" }).click();
  await (await chooser).setFiles({ name: "invoice.pdf", mimeType: "application/pdf", buffer: PDF });
  const tray = a.page.getByRole("list", { name: "Files to send" });
  await tray.getByText("Ready to send").waitFor();

  // Pasted and dropped files join it; one is removed again.
  const reply = a.page.getByLabel("Reply");
  await reply.evaluate((el, dt) => el.dispatchEvent(new ClipboardEvent("paste", { clipboardData: eval(dt), bubbles: true, cancelable: true })),
    fileTransfer("shot.png", "image/png", png(32, 32)));
  await tray.getByText("shot.png").waitFor();
  const composer = a.page.locator(".composer-wrap");
  await composer.evaluate((el, dt) => {
    const data = eval(dt);
    el.dispatchEvent(new DragEvent("dragover", { dataTransfer: data, bubbles: true, cancelable: true }));
    el.dispatchEvent(new DragEvent("drop", { dataTransfer: data, bubbles: true, cancelable: true }));
  }, fileTransfer("notes.txt", "text/plain", png(8, 8)));
  // A PNG named .txt: refused in words, with no Retry (it would fail again).
  await tray.getByRole("alert").getByText("notes.txt can't be sent: its name claims one type of file but its content is another.").waitFor();
  assert.equal(await tray.getByRole("button", { name: "Upload notes.txt again" }).count(), 0);
  await axeClean(a.page, "composer with files and a refusal");
  await a.page.screenshot({ path: `${SHOTS}files-composer.png` });
  await tray.getByRole("button", { name: "Remove notes.txt" }).click();
  await tray.getByRole("button", { name: "Remove shot.png" }).click();
  await tray.getByText("shot.png").waitFor({ state: "detached" });

  await reply.fill("Here is your invoice");
  await reply.press("Enter");
  const card = log(a.page).getByRole("link", { name: /invoice\.pdf/ });
  await card.waitFor();
  await tray.waitFor({ state: "detached" });

  // The visitor's copy carries a signed link that downloads the same bytes, never rendered.
  const att = await v.attachment("invoice.pdf");
  assert.deepEqual([att.kind, att.mime, att.size], ["file", "application/pdf", PDF.length]);
  const res = await fetch(RELAY + att.url);
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-disposition"), /^attachment;.*invoice\.pdf/);
  assert.equal(res.headers.get("x-content-type-options"), "nosniff");
  assert.equal(res.headers.get("content-type"), "application/pdf");
  assert.ok(Buffer.from(await res.arrayBuffer()).equals(PDF));

  // The agent downloads it from the card too (its link is fresh: straight away).
  const download = a.page.waitForEvent("download");
  await card.click();
  assert.equal((await download).suggestedFilename(), "invoice.pdf");

  await v.end();
  await a.context.close();
});

test("links too old to open are refreshed first: the lightbox and a download", async () => {
  // A conversation with a photo and a PDF, held by the demo owner.
  const a = await agentPage();
  await signIn(a.page, DEMO);
  const v = await visitor("Old Links Visitor");
  await v.send("Two files for you");
  await claim(a.page, "Old Links Visitor");
  const photo = await v.upload("old-photo.png", png(300, 200));
  const doc = await v.upload("old-doc.pdf", PDF);
  await v.send("here", [photo.body.id, doc.body.id]);
  await log(a.page).getByRole("link", { name: /old-doc\.pdf/ }).waitFor();
  await a.context.close();

  // The same agent again, seeing every link as expired.
  const b = await agentPage({ staleLinks: true });
  await signIn(b.page, DEMO);
  await b.page.getByRole("tab", { name: /Mine/ }).click();
  await row(b.page, "Old Links Visitor").click();
  const links = [];
  b.page.on("request", (r) => { if (/\/v1\/uploads\/up_[^/]+\/link/.test(r.url())) links.push(r.url()); });
  await log(b.page).getByRole("button", { name: "Open image old-photo.png" }).click();
  await b.page.waitForFunction(() => document.querySelector("#lightbox img")?.naturalWidth === 300);
  assert.equal(links.length, 1, "one fresh link for the lightbox");
  await b.page.keyboard.press("Escape");

  const download = b.page.waitForEvent("download");
  await log(b.page).getByRole("link", { name: /old-doc\.pdf/ }).click();
  const file = await download;
  assert.equal(file.suggestedFilename(), "old-doc.pdf");
  assert.equal(links.length, 2, "a fresh link before the download");
  assert.ok(Buffer.from(await (await fetch(file.url())).arrayBuffer()).equals(PDF));

  await v.end();
  await b.context.close();
});

/** The admin API with the page's session token. */
async function adminApi(page, method, path, body) {
  return page.evaluate(async ({ method, path, body }) => {
    const { token } = JSON.parse(localStorage.getItem("natter.console.session"));
    const r = await fetch(path, {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: r.status, body: await r.json() };
  }, { method, path, body });
}

test("the files policy is saved with the settings; refusals show next to the field", async () => {
  const a = await agentPage();
  await signIn(a.page, DEMO);
  const original = (await adminApi(a.page, "GET", "/v1/admin/settings")).body;
  await a.page.getByRole("button", { name: "Workspace settings" }).click();
  const section = a.page.locator("section", { has: a.page.getByRole("heading", { name: "Files in chat" }) });
  await section.waitFor();
  await section.scrollIntoViewIfNeeded();

  await section.getByLabel("Visitors can send files").uncheck();
  await section.getByLabel("Largest file (MB)").fill("5");
  await section.getByLabel("GIF image").uncheck();
  await section.getByLabel("Accept files when the virus scanner is unavailable").check();
  await section.getByText(/may contain malware/).waitFor();
  await axeClean(a.page, "settings with the files policy");
  await a.page.screenshot({ path: `${SHOTS}files-settings.png`, fullPage: true });
  await a.page.locator("#admin-save").click();
  await a.page.getByText("Saved. Changes apply at once.").waitFor();
  const saved = (await adminApi(a.page, "GET", "/v1/admin/settings")).body.files;
  assert.deepEqual(saved, {
    visitor_uploads: false,
    max_mb: 5,
    allowed_types: ["jpeg", "png", "webp", "pdf", "text"],
    accept_unscanned: true,
  });

  // No type at all: refused before saving, next to the types, focus on them.
  for (const t of ["JPEG image", "PNG image", "WebP image", "PDF document", "Text file"]) await section.getByLabel(t).uncheck();
  await a.page.locator("#admin-save").click();
  await section.locator("#f-types-err", { hasText: "Choose at least one type." }).waitFor();
  assert.equal(await a.page.evaluate(() => document.activeElement?.id), "f-type-jpeg");
  await a.page.getByRole("button", { name: "Discard changes" }).click();

  // Put the workspace back as it was for the other tests.
  const back = await adminApi(a.page, "PUT", "/v1/admin/settings", original);
  assert.equal(back.status, 200, JSON.stringify(back.body));
  await a.context.close();
});

test("files in Thai: composer refusals, the conversation, the lightbox and the settings pass axe", async () => {
  const t = await agentPage();
  await signIn(t.page, DEMO);
  await t.page.getByRole("button", { name: "Language: ภาษาไทย" }).click();
  const v = await visitor("Thai Visitor");
  await v.send("สวัสดีครับ");
  await row(t.page, "Thai Visitor").click();
  await t.page.locator(".conv-head").getByRole("button", { name: "รับเรื่อง" }).click();
  await t.page.getByLabel("ตอบกลับ", { exact: true }).waitFor();
  const up = await v.upload("รูป.png", png(120, 90));
  await v.send("", [up.body.id]);
  await v.upload("eicar.txt", EICAR);
  await log(t.page).getByRole("button", { name: "เปิดรูป รูป.png" }).waitFor();
  await log(t.page).locator(".sys.blocked", { hasText: "บล็อกแล้ว: eicar.txt — มัลแวร์" }).waitFor();
  await thumbnailsLoaded(t.page, 1);
  // A refused file in the composer, in Thai.
  const chooser = t.page.waitForEvent("filechooser");
  await t.page.getByRole("button", { name: "แนบไฟล์" }).click();
  await (await chooser).setFiles({ name: "empty.txt", mimeType: "text/plain", buffer: Buffer.alloc(0) });
  await t.page.getByRole("alert").getByText("empty.txt เป็นไฟล์ว่าง").waitFor();
  await axeClean(t.page, "Thai conversation with files");
  await t.page.screenshot({ path: `${SHOTS}files-thai.png` });
  await log(t.page).getByRole("button", { name: "เปิดรูป รูป.png" }).click();
  await t.page.getByRole("dialog", { name: "รูป.png" }).waitFor();
  await t.page.waitForFunction(() => document.querySelector("#lightbox img")?.naturalWidth === 120);
  await axeClean(t.page, "Thai lightbox");
  await t.page.keyboard.press("Escape");
  await t.page.getByRole("button", { name: "ตั้งค่าเวิร์กสเปซ" }).click();
  await t.page.getByRole("heading", { name: "ไฟล์ในแชท" }).waitFor();
  await axeClean(t.page, "Thai settings with the files policy");
  await v.end();
  await t.context.close();
});
