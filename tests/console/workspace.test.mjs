// Browser tests of the workspace admin screens (issues 12 and 13): the demo
// owner renames the shop (the widget's config shows the new name), rotates the
// identity secret (the previous one's expiry shows), lists then withdraws a
// pending invitation (its link is then refused on the join screen, which
// switches to Thai), and saves the email settings (the password is never shown
// back) and sends a test email that a real SMTP server (run.sh starts one)
// receives. Axe on each new view, in English and Thai. Run through run.sh.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, watch } from "node:fs";
import { join } from "node:path";
import { RELAY, DEMO, ANN, SHOTS, axeClean, launch, newAgentPage, signIn } from "./lib.mjs";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => browser?.close());

/** The demo owner on the settings page. */
async function ownerOnSettings() {
  const owner = await newAgentPage(browser);
  await signIn(owner.page, DEMO);
  await owner.page.getByRole("button", { name: "Workspace settings" }).click();
  await owner.page.locator("#ws-name").waitFor();
  return owner;
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

/** Resolves with the first `.eml` file in `dir` (already there, or when it appears). */
function firstMail(dir, timeoutMs = 20_000) {
  const pick = () => readdirSync(dir).filter((n) => n.endsWith(".eml")).sort()[0];
  return new Promise((resolve, reject) => {
    const watcher = watch(dir, () => {
      const name = pick();
      if (name) done(null, name);
    });
    const timer = setTimeout(() => done(new Error(`no mail in ${dir}`)), timeoutMs);
    function done(err, name) {
      watcher.close();
      clearTimeout(timer);
      if (err) reject(err);
      else resolve(readFileSync(join(dir, name), "utf8"));
    }
    const there = pick();
    if (there) done(null, there);
  });
}

test("the owner renames the shop and rotates the identity secret; axe in EN and TH", async () => {
  const owner = await ownerOnSettings();
  const { page } = owner;
  const original = (await api(page, "GET", "/v1/admin/workspace")).body.name;
  try {
    const name = page.locator("#ws-name");
    await name.fill(" ");
    await page.getByRole("button", { name: "Save name" }).click();
    await page.locator("#ws-name-err", { hasText: "1 to 80 characters" }).waitFor();
    assert.equal(await name.getAttribute("aria-invalid"), "true");
    await name.fill("Acme Tea");
    const saved = page.waitForResponse((r) => r.url().endsWith("/v1/admin/workspace") && r.request().method() === "PUT");
    await page.getByRole("button", { name: "Save name" }).click();
    assert.equal((await saved).status(), 200);
    await page.locator("#ws-name-status", { hasText: "Saved." }).waitFor();
    const config = await (await fetch(`${RELAY}/v1/widget/demo/config`)).json();
    assert.equal(config.name, "Acme Tea");

    // Rotation asks first, with a grace period; the previous secret's end is shown.
    const before = await page.locator("#identity-secret").inputValue();
    await page.getByRole("button", { name: "Rotate secret" }).click();
    const dialog = page.getByRole("dialog", { name: "Rotate the identity secret?" });
    await dialog.getByLabel("Grace period").selectOption("72");
    await axeClean(page, "rotation dialog");
    const rotated = page.waitForResponse((r) => r.url().endsWith("/v1/admin/identity/rotate"));
    await dialog.getByRole("button", { name: "Rotate secret" }).click();
    const answer = await (await rotated).json();
    assert.ok(answer.previous_expires_at > Date.now() + 71 * 3600_000);
    await page.locator("#identity-previous", { hasText: "The previous secret works until" }).waitFor();
    await dialog.waitFor({ state: "detached" });
    const after = await page.locator("#identity-secret").inputValue();
    assert.notEqual(after, before);
    assert.equal(after, answer.secret);
    await axeClean(page, "workspace and identity (English)");

    await page.getByRole("button", { name: "ภาษาไทย" }).click();
    await page.locator("#identity-previous", { hasText: "รหัสลับเดิมยังใช้ได้ถึง" }).waitFor();
    await page.getByRole("heading", { name: "พื้นที่ทำงาน" }).waitFor();
    await page.screenshot({ path: `${SHOTS}workspace-th.png`, fullPage: true });
    await axeClean(page, "workspace and identity (Thai)");
    await page.getByRole("button", { name: "English" }).click();
  } finally {
    await api(page, "PUT", "/v1/admin/workspace", { name: original });
    await owner.context.close();
  }
});

test("a pending invitation is listed, then withdrawn, and its link is refused on the join screen", async () => {
  const owner = await ownerOnSettings();
  const { page } = owner;
  const team = page.locator("section.team-admin");
  await team.locator("tr[data-agent]").first().waitFor();
  await team.getByRole("button", { name: "Invite", exact: true }).click();
  const form = team.locator("#team-invite-form");
  await form.getByLabel("Email").fill("eve@natter.local");
  await form.getByLabel("Name").fill("Eve");
  await form.getByRole("button", { name: "Create invitation link" }).click();
  const link = await team.locator("#invite-link").textContent();

  // Listed after the invitation, refreshed without a reload.
  const listed = team.locator("#pending-invitations tr[data-invitation='eve@natter.local']");
  await listed.waitFor();
  assert.match(await listed.textContent(), /Agent/);
  assert.match(await listed.textContent(), /Demo/i);
  await axeClean(page, "pending invitations (English)");
  await page.getByRole("button", { name: "ภาษาไทย" }).click();
  await team.getByRole("heading", { name: "คำเชิญที่รอตอบรับ" }).waitFor();
  await axeClean(page, "pending invitations (Thai)");
  await page.getByRole("button", { name: "English" }).click();

  const withdrawn = page.waitForResponse((r) => r.url().includes("/v1/admin/invitations/") && r.request().method() === "DELETE");
  await listed.getByRole("button", { name: "Withdraw the invitation of eve@natter.local" }).click();
  assert.equal((await withdrawn).status(), 204);
  await listed.waitFor({ state: "detached" });
  await team.locator("#pending-withdrawn", { hasText: "eve@natter.local" }).waitFor();
  const pending = (await api(page, "GET", "/v1/admin/invitations")).body;
  assert.ok(!pending.some((i) => i.email === "eve@natter.local"));

  // The withdrawn link: the join screen, in Thai by its own switch, refuses it.
  const eve = await newAgentPage(browser);
  await eve.page.goto(link);
  await eve.page.getByRole("heading", { name: "Join the team" }).waitFor();
  await eve.page.locator("#join-language").click();
  await eve.page.getByRole("heading", { name: "เข้าร่วมทีม" }).waitFor();
  await axeClean(eve.page, "join screen (Thai)");
  await eve.page.locator("#join-language").click();
  await eve.page.getByLabel("Password", { exact: true }).fill("eve-password-123");
  await eve.page.getByLabel("Confirm password").fill("eve-password-123");
  const accepted = eve.page.waitForResponse((r) => r.url().endsWith("/v1/agent/invitations/accept"));
  await eve.page.getByRole("button", { name: "Join" }).click();
  assert.equal((await accepted).status(), 404);
  await eve.page.locator("#join-error", { hasText: "not valid" }).waitFor();
  await eve.context.close();
  await owner.context.close();
});

test("email settings are saved without showing the password back, and the test email reaches the SMTP server", async () => {
  assert.ok(process.env.SMTP_ADDR && process.env.SMTP_DIR, "run through run.sh (SMTP_ADDR, SMTP_DIR)");
  const [host, port] = process.env.SMTP_ADDR.split(":");
  const owner = await ownerOnSettings();
  const { page } = owner;
  const card = page.locator("section.email-admin");
  await card.locator("#em-host").waitFor();

  // Email off: the test email says it is not configured.
  await card.getByLabel("Send a test email to").fill("owner@natter.local");
  await card.getByRole("button", { name: "Send test email" }).click();
  await card.locator("#em-test-result", { hasText: "off or incomplete" }).waitFor();

  await card.getByLabel("Send email").check();
  await card.getByLabel("SMTP server").fill(host);
  await card.getByLabel("Port").fill(port);
  await card.getByLabel("Security").selectOption("none");
  await card.getByLabel("User name").fill("mailer");
  await card.getByLabel("Password", { exact: true }).fill("smtp-secret-1");
  await card.getByLabel("From", { exact: true }).fill("not an address");
  const refused = page.waitForResponse((r) => r.url().endsWith("/v1/admin/email") && r.request().method() === "PUT");
  await card.getByRole("button", { name: "Save email settings" }).click();
  assert.equal((await refused).status(), 422);
  await card.locator("#em-from-err").waitFor();
  assert.equal(await card.getByLabel("From", { exact: true }).getAttribute("aria-invalid"), "true");

  await card.getByLabel("From", { exact: true }).fill("Demo Shop <help@natter.local>");
  const saved = page.waitForResponse((r) => r.url().endsWith("/v1/admin/email") && r.request().method() === "PUT");
  await card.getByRole("button", { name: "Save email settings" }).click();
  const body = await (await saved).json();
  assert.equal(body.password_set, true);
  assert.ok(!("password" in body), "the password is never sent back");
  await card.locator("#email-status", { hasText: "Saved." }).waitFor();
  assert.equal(await card.getByLabel("Password", { exact: true }).inputValue(), "", "the password field is empty again");
  await card.locator("#em-password-hint", { hasText: "A password is stored" }).waitFor();
  assert.ok(!(await page.content()).includes("smtp-secret-1"), "the password is nowhere on the page");

  // This server offers no AUTH: with credentials, the test email fails (502), summarised.
  const failed = page.waitForResponse((r) => r.url().endsWith("/v1/admin/email/test"));
  await card.getByRole("button", { name: "Send test email" }).click();
  assert.equal((await failed).status(), 502);
  await card.locator("#em-test-result", { hasText: "could not be reached or refused" }).waitFor();

  // Without credentials (the stored password removed), the server takes it.
  await card.getByLabel("User name").fill("");
  await card.getByLabel("Remove the stored password").check();
  const cleared = page.waitForResponse((r) => r.url().endsWith("/v1/admin/email") && r.request().method() === "PUT");
  await card.getByRole("button", { name: "Save email settings" }).click();
  const plain = await (await cleared).json();
  assert.deepEqual([plain.password_set, plain.username], [false, null]);
  await card.locator("#em-password-hint", { hasText: "No password is stored" }).waitFor();
  const tested = page.waitForResponse((r) => r.url().endsWith("/v1/admin/email/test"));
  await card.getByRole("button", { name: "Send test email" }).click();
  assert.equal((await tested).status(), 200);
  await card.locator("#em-test-result", { hasText: "accepted the test email" }).waitFor();
  const mail = await firstMail(join(process.env.SMTP_DIR, "mail"));
  assert.match(mail, /^Subject: .*Natter test email/m);
  assert.match(mail, /^To: .*owner@natter\.local/m);
  assert.match(mail, /^X-Envelope-To: owner@natter\.local/m);
  await axeClean(page, "email settings (English)");
  await page.getByRole("button", { name: "ภาษาไทย" }).click();
  await card.getByRole("heading", { name: "อีเมล" }).waitFor();
  await axeClean(page, "email settings (Thai)");
  await page.getByRole("button", { name: "English" }).click();

  // Email off again, so later tests send nothing.
  await api(page, "PUT", "/v1/admin/email", { ...plain, enabled: false });
  await owner.context.close();
});

test("a plain agent switches off her own missed-chat emails in the notifications dialog", async () => {
  const ann = await newAgentPage(browser);
  await signIn(ann.page, ANN);
  await ann.page.getByRole("button", { name: "Notifications", exact: true }).click();
  const dialog = ann.page.getByRole("dialog", { name: "Notifications" });
  const missed = dialog.getByLabel("Missed chats");
  await missed.waitFor();
  assert.equal(await missed.isChecked(), true, "on by default");
  const put = ann.page.waitForResponse((r) => r.url().endsWith("/v1/agent/me/email") && r.request().method() === "PUT");
  await missed.uncheck();
  assert.equal((await put).status(), 200);
  const stored = (await api(ann.page, "GET", "/v1/agent/me/email")).body;
  assert.deepEqual(stored, { offline_message: true, missed_chat: false, daily_digest: true });
  await axeClean(ann.page, "notifications dialog with email switches");
  await api(ann.page, "PUT", "/v1/agent/me/email", { ...stored, missed_chat: true });
  await ann.context.close();
});
