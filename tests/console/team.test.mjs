// Browser tests of the team screen (issue 12): the demo owner adds an agent with
// an initial password (shown once), who then signs in; a password reset ends
// that agent's open session (their console goes back to sign-in); refusals (the
// last owner, a taken email, a short password) show next to their field in
// English and Thai; deactivation asks first; axe on each view in both languages.
// Run through run.sh (relay, console URL, the demo owner).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { DEMO, SHOTS, axeClean, launch, newAgentPage, signIn } from "./lib.mjs";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => browser?.close());

test("the owner adds an agent who signs in; a password reset ends their session; refusals by the field", async () => {
  const owner = await newAgentPage(browser);
  await signIn(owner.page, DEMO);
  await owner.page.getByRole("button", { name: "Workspace settings" }).click();
  const team = owner.page.locator("section.team-admin");
  await team.locator("tr[data-agent]").first().waitFor();
  await axeClean(owner.page, "team screen");

  // Add Cat: a short password is refused before the relay, then the account is made.
  await team.getByRole("button", { name: "Add agent" }).click();
  await team.getByLabel("Email").fill("cat@natter.local");
  await team.getByLabel("Name").fill("Cat");
  await team.getByLabel("Initial password").fill("short");
  await team.getByRole("button", { name: "Create account" }).click();
  await team.locator("#team-add-password-err", { hasText: "at least 10 characters" }).waitFor();
  await team.getByLabel("Initial password").fill("cat-password-789");
  const created = owner.page.waitForResponse((r) => r.url().endsWith("/v1/admin/agents") && r.request().method() === "POST");
  await team.getByRole("button", { name: "Create account" }).click();
  assert.equal((await created).status(), 201);
  assert.equal(await team.locator("#shown-password").textContent(), "cat-password-789");
  await team.locator("tr[data-agent]", { hasText: "cat@natter.local" }).waitFor();
  await axeClean(owner.page, "team screen with a new password shown");
  await team.getByRole("button", { name: "Done" }).click();

  // The same email again: the relay's 409, worded next to the email field.
  await team.getByRole("button", { name: "Add agent" }).click();
  await team.getByLabel("Email").fill("cat@natter.local");
  await team.getByLabel("Name").fill("Cat again");
  await team.getByLabel("Initial password").fill("another-password-1");
  await team.getByRole("button", { name: "Create account" }).click();
  await team.locator("#team-add-email-err", { hasText: "already exists" }).waitFor();

  // The last owner cannot step down: 409 next to the role, in English and Thai.
  const me = team.locator("tr[data-agent]", { hasText: DEMO.email });
  await me.getByRole("combobox").selectOption("admin");
  const roleErr = me.locator(".field-error");
  await roleErr.filter({ hasText: "at least one active owner" }).waitFor();
  await owner.page.getByRole("button", { name: "ภาษาไทย" }).click();
  await roleErr.filter({ hasText: "พื้นที่ทำงานต้องมีเจ้าของ" }).waitFor();
  await team.locator("#team-add-email-err", { hasText: "มีเจ้าหน้าที่ที่ใช้อีเมลนี้อยู่แล้ว" }).waitFor();
  await owner.page.screenshot({ path: `${SHOTS}team-th.png`, fullPage: true });
  await axeClean(owner.page, "team screen with refusals (Thai)");
  await owner.page.getByRole("button", { name: "English" }).click();

  // Cat signs in with the initial password.
  const cat = await newAgentPage(browser);
  await signIn(cat.page, { email: "cat@natter.local", password: "cat-password-789" });

  // A reset (generated password) ends Cat's open session at once.
  await team.getByRole("button", { name: "Reset the password of Cat" }).click();
  const reset = team.locator("#team-reset");
  await reset.getByRole("button", { name: "Generate" }).click();
  const fresh = await reset.getByLabel("New password").inputValue();
  assert.ok(fresh.length >= 10);
  await axeClean(owner.page, "password reset form");
  await reset.getByRole("button", { name: "Set password" }).click();
  assert.equal(await team.locator("#shown-password").textContent(), fresh);
  await cat.page.locator("#signin-email").waitFor();
  await signIn(cat.page, { email: "cat@natter.local", password: fresh });

  // Deactivation asks first, then signs Cat out.
  await team.getByRole("button", { name: "Deactivate Cat" }).click();
  const dialog = owner.page.getByRole("dialog");
  await dialog.waitFor();
  await axeClean(owner.page, "deactivate confirmation");
  await dialog.getByRole("button", { name: "Deactivate" }).click();
  await team.locator("tr[data-agent]", { hasText: "cat@natter.local" }).filter({ hasText: "Deactivated" }).waitFor();
  await cat.page.locator("#signin-email").waitFor();
  await team.getByRole("button", { name: "Reactivate Cat" }).waitFor();

  await cat.context.close();
  await owner.context.close();
});
