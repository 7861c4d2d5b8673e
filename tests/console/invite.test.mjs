// Browser test of invitations (issue 12): the demo owner invites Dan from the
// team screen and gets the full link once; a fresh browser opens it, chooses a
// password on the "Join the team" screen and lands in the inbox signed in as
// Dan; the link no longer sits in the address bar; opening the same link again
// says it was already used, with a way to sign in. Axe on the join screen.
// Run through run.sh (relay, console URL, the demo owner).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { DEMO, axeClean, launch, newAgentPage, signIn } from "./lib.mjs";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => browser?.close());

test("the owner invites Dan, who joins with his own password; the link then says it was used", async () => {
  const owner = await newAgentPage(browser);
  await signIn(owner.page, DEMO);
  await owner.page.getByRole("button", { name: "Workspace settings" }).click();
  const team = owner.page.locator("section.team-admin");
  await team.locator("tr[data-agent]").first().waitFor();

  // A bad email is refused next to its field before the relay is asked.
  await team.getByRole("button", { name: "Invite", exact: true }).click();
  const form = team.locator("#team-invite-form");
  await form.getByLabel("Email").fill("dan");
  await form.getByLabel("Name").fill("Dan");
  await form.getByRole("button", { name: "Create invitation link" }).click();
  await form.locator("#team-invite-email-err", { hasText: "Enter an email address" }).waitFor();
  await form.getByLabel("Email").fill("dan@natter.local");
  const invited = owner.page.waitForResponse((r) => r.url().endsWith("/v1/admin/invitations"));
  await form.getByRole("button", { name: "Create invitation link" }).click();
  assert.equal((await invited).status(), 201);
  const link = await team.locator("#invite-link").textContent();
  assert.match(link, new RegExp(`^${process.env.RELAY_URL}/console/#invite=nti\\.demo\\.`));
  await team.locator(".shown-password", { hasText: "It expires" }).waitFor();
  await axeClean(owner.page, "team screen with an invitation link");

  // Dan opens the link in a fresh browser and joins.
  const dan = await newAgentPage(browser);
  await dan.page.goto(link);
  await dan.page.getByRole("heading", { name: "Join the team" }).waitFor();
  await axeClean(dan.page, "join screen");
  await dan.page.getByLabel("Password", { exact: true }).fill("dan-password-123");
  await dan.page.getByLabel("Confirm password").fill("dan-password-12");
  await dan.page.getByRole("button", { name: "Join" }).click();
  await dan.page.locator("#join-confirm-err", { hasText: "differ" }).waitFor();
  await dan.page.getByLabel("Confirm password").fill("dan-password-123");
  const accepted = dan.page.waitForResponse((r) => r.url().endsWith("/v1/agent/invitations/accept"));
  await dan.page.getByRole("button", { name: "Join" }).click();
  assert.equal((await accepted).status(), 201);
  await dan.page.locator("#conn-state", { hasText: "Connected" }).waitFor();
  await dan.page.locator(".me", { hasText: "Dan" }).waitFor();
  assert.equal(new URL(dan.page.url()).hash, "", "the spent link left the address bar");
  await team.getByRole("button", { name: "Done" }).click();
  await dan.context.close();

  // The same link again: already used, with a way to sign in.
  const again = await newAgentPage(browser);
  await again.page.goto(link);
  await again.page.getByLabel("Password", { exact: true }).fill("another-password-1");
  await again.page.getByLabel("Confirm password").fill("another-password-1");
  await again.page.getByRole("button", { name: "Join" }).click();
  await again.page.locator("#join-error", { hasText: "already used" }).waitFor();
  await again.page.getByRole("link", { name: "Go to sign-in" }).click();
  await again.page.locator("#signin-email").waitFor();
  await again.context.close();
  await owner.context.close();
});
