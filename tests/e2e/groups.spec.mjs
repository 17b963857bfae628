// "Groups" end to end: groups with license errors first, a member's error explained, a
// freed seat and a reprocess through the bulk screen clearing the errors (demo tenant),
// and a group license change followed from 202 to the group diff (fake Graph, group
// processing in 1.5 s). axe at 1280 and 390 px, keyboard only.
import { test, expect } from "@playwright/test";
import { DEV, PROD, GROUPS_GRAPH } from "./playwright.config.mjs";
import { ALL_SCOPES, applyPending, expectNoAxeViolations, expectNoHorizontalScroll, guard, mintToken, openUser, shot, signIn } from "./helpers.mjs";

const ALL_STAFF = "0f1c6a3e-5b2d-4e8f-9a7c-1d2e3f4a5b60";
const E3 = "6fd2c87f-b296-42f0-b197-1e91e994b900";
const E5 = "c7df2760-2c81-4ef7-b578-5b5392b571df";
const SWAY = "a23b959c-7ce8-4e57-9140-b90eb88a9e97";
const EXPECTED_CONSOLE = [/status of 4\d\d/, /Failed to load resource/];

const groupsCard = (page) => page.locator("section.groups");
const errorsCard = (page) => page.getByRole("region", { name: "Members with license errors" });

async function resetGraph(request) {
  const response = await request.fetch(`${GROUPS_GRAPH}/_reset`, { method: "POST" });
  expect(response.ok()).toBe(true);
}

async function arm(request, rule) {
  const response = await request.fetch(`${GROUPS_GRAPH}/_faults`, { method: "POST", data: rule });
  expect(response.ok(), await response.text()).toBe(true);
}

async function openGroups(page) {
  await page.getByRole("navigation", { name: "Screens" }).getByRole("link", { name: "Groups" }).click();
  await expect(page.getByRole("heading", { name: "Groups", level: 2 })).toBeVisible();
  await expect(page).toHaveURL(/view=groups/);
  await expect(groupsCard(page).getByRole("status").first()).toContainText("groups assign licenses");
  // The screen reads the groups afresh each time it opens; "Refresh groups" is back once
  // that read is in.
  await expect(groupsCard(page).getByRole("button", { name: "Refresh groups" })).toBeEnabled();
}

async function openGroup(page, name) {
  await groupsCard(page).getByRole("link", { name, exact: true }).click();
  await expect(page.getByRole("heading", { name, level: 2 })).toBeVisible();
  await expect(page).toHaveURL(/group=/);
}

test("demo tenant: a group's seat error explained, a seat freed, members reprocessed from the bulk screen, errors gone", async ({ page }) => {
  const watch = guard(page);
  await page.goto(`${PROD}/?demo`);
  await expect(page.getByText("Demo tenant — no real data")).toBeVisible();
  await openGroups(page);
  // Groups with members in error come first, marked.
  const first = groupsCard(page).locator(".group-row").first();
  await expect(first.getByText("Members with license errors")).toBeVisible();
  const executives = groupsCard(page).locator(".group-row", { hasText: "Executives" });
  await expect(executives.getByText("Members with license errors")).toBeVisible();
  await expect(executives).toContainText("Office 365 E5");
  await expect(executives).toContainText("Processing complete");
  await shot(page, "70-groups-demo-list");

  await openGroup(page, "Executives");
  const isaiah = errorsCard(page).locator(".member-error", { hasText: "Isaiah Langer" });
  await expect(isaiah).toContainText("No free seats in Office 365 E5. Free a seat or buy more, then press Reprocess.");
  await expect(isaiah).toContainText("Another license from the same group failed");
  await expect(page.getByRole("list", { name: "Members by state" })).toContainText("Error: 1");
  await shot(page, "71-group-demo-member-error");

  // Free a seat: Diego's direct E5.
  await openUser(page, "Diego", "Diego Siciliani");
  await page.getByRole("button", { name: "Remove Office 365 E5 (Direct)" }).click();
  await applyPending(page);

  // Back to the group (history), hand its members with errors to the bulk screen.
  await page.goBack();
  await expect(page.getByRole("heading", { name: "Executives", level: 2 })).toBeVisible();
  await errorsCard(page).getByRole("button", { name: "Reprocess these users (1)" }).click();
  await expect(page.getByRole("heading", { name: "Bulk changes", level: 2 })).toBeVisible();
  await expect(page.getByText("Members of Executives with license errors")).toBeVisible();
  await expect(page.getByLabel("Operation")).toHaveValue("reprocess");
  await page.getByRole("button", { name: "Preview run" }).click();
  await expect(page.getByRole("heading", { name: /^Preview:/ })).toBeVisible({ timeout: 60_000 });
  await page.getByRole("button", { name: "Start" }).click();
  await expect(page.getByRole("progressbar", { name: "Run progress" })).toHaveAttribute("aria-valuenow", "1", { timeout: 60_000 });
  // After the run, a way back to where its users were chosen: the group's page.
  const back = page.getByRole("navigation", { name: "Where these users came from" })
    .getByRole("link", { name: "Back to members of Executives with license errors" });
  await expect(back).toBeVisible();
  await expect(back).toHaveAttribute("href", /[?&]group=/);
  await shot(page, "72-group-demo-reprocessed-on-bulk");

  await openGroups(page);
  await openGroup(page, "Executives");
  await expect(errorsCard(page).getByText("No member of this group has a license error.")).toBeVisible();
  await expect(page.getByRole("list", { name: "Members by state" })).toContainText("Error: 0");
  await shot(page, "73-group-demo-errors-cleared");
  watch.assertClean(EXPECTED_CONSOLE);
});

test("fake Graph: turn a plan off for a group, preview the request, a refusal explained, a 401 paused until a fresh token, then the 202 followed to the group diff and member counts", async ({ page, request }) => {
  const watch = guard(page);
  await resetGraph(request);
  await signIn(page, DEV, GROUPS_GRAPH, mintToken({ scp: ALL_SCOPES }));
  await openGroups(page);
  await openGroup(page, "All Staff");
  await expect(page.getByTestId("processing-state")).toHaveText("Processing complete");
  const card = page.locator(".group-license", { hasText: "Office 365 E3" });
  await card.getByText("Service plans in Office 365 E3").click();
  await card.getByRole("checkbox", { name: /^Sway/ }).uncheck();
  const form = page.getByRole("region", { name: "Change this group's licenses" });
  await expect(form).toContainText("Turn Sway off in Office 365 E3");
  await form.getByRole("button", { name: "Preview changes" }).click();
  const sent = page.getByRole("region", { name: "Preview" }).getByLabel("Request");
  await expect(sent).toContainText(`POST ${GROUPS_GRAPH}/v1.0/groups/${ALL_STAFF}/assignLicense`);
  await expect(sent).toContainText('"disabledPlans"');
  await expect(sent).toContainText("a23b959c-7ce8-4e57-9140-b90eb88a9e97");
  await expect(sent).toContainText('"removeLicenses": []');
  await shot(page, "74-group-change-preview");

  // Graph refuses the first attempt: the failure is explained and nothing typed is lost.
  await arm(request, { method: "POST", path: "/assignLicense", times: 1, after_apply: false,
    fault: { kind: "graph_error", status: 403, code: "Authorization_RequestDenied", message: "Insufficient privileges to complete the operation." } });
  await page.getByRole("button", { name: "Apply changes" }).click();
  const result = page.getByRole("region", { name: "Group license change" });
  const failure = result.getByRole("alert");
  await expect(failure).toContainText("Changing the group's licenses failed");
  await expect(failure).toContainText("Insufficient privileges to complete the operation.");
  await expect(failure).toContainText("code Authorization_RequestDenied");
  await expect(failure).toContainText("request-id");
  await expect(failure).toContainText("What to do");
  await expect(form).toContainText("Turn Sway off in Office 365 E3");
  await shot(page, "74-group-change-refused");

  // The token expires as the change goes out: the change pauses (nothing fails) until a
  // fresh token is pasted, and is then sent again.
  await arm(request, { method: "POST", path: "/assignLicense", times: 1, after_apply: false, fault: { kind: "graph_error", status: 401 } });
  await form.getByRole("button", { name: "Preview changes" }).click();
  await page.getByRole("button", { name: "Apply changes" }).click();
  await page.getByLabel("Fresh access token").fill(mintToken({ scp: ALL_SCOPES }));
  await expect(result.getByRole("alert")).toHaveCount(0);
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(result.getByText(/Graph accepted the change \(202 Accepted\)/)).toBeVisible({ timeout: 15_000 });
  await shot(page, "75-group-change-processing");
  await expect(result.getByText("Applied: Entra ID finished processing the group.")).toBeVisible({ timeout: 60_000 });
  await expect(result).toContainText("Office 365 E3: Sway turned off");
  await expect(result.locator(".member-change")).toContainText(/^Errors: \d+ → \d+; Active: \d+ → \d+/);
  // The page shows the group as it is now; nothing is pending.
  await card.getByText("Service plans in Office 365 E3").click();
  await expect(card.getByRole("checkbox", { name: /^Sway/ })).not.toBeChecked();
  await expect(form).not.toContainText("Pending changes");
  await shot(page, "76-group-change-done");
  watch.assertClean([...EXPECTED_CONSOLE, /status of 401/]);
});

test("demo tenant: a group's license is replaced with the one Replace with…, its plans chosen, in one call", async ({ page }) => {
  const watch = guard(page);
  await page.goto(`${PROD}/?demo`);
  await openGroups(page);
  await openGroup(page, "All Staff");
  const card = page.locator(".group-license", { hasText: "Office 365 E3" });
  await card.getByLabel("Replace Office 365 E3 with").selectOption(E5);
  // The new license's plans can be chosen before anything is queued.
  await card.getByRole("group", { name: /^Service plans in Office 365 E5/ }).getByRole("checkbox", { name: /^Sway/ }).uncheck();
  await card.getByRole("button", { name: "Replace", exact: true }).click();
  const form = page.getByRole("region", { name: "Change this group's licenses" });
  await expect(form.getByRole("listitem").filter({ hasText: "Replace Office 365 E3 with Office 365 E5" })).toBeVisible();
  await expect(page.locator("#group-pending-title")).toBeFocused();
  await expect(card.getByText("Removal pending")).toBeVisible();
  await expect(card.getByLabel("Replace Office 365 E3 with")).toHaveValue("");
  await form.getByRole("button", { name: "Preview changes" }).click();
  const sent = page.getByRole("region", { name: "Preview" }).getByLabel("Request");
  await expect(sent).toContainText(`/groups/${ALL_STAFF}/assignLicense`);
  await expect(sent).toContainText(`"skuId": "${E5}"`);
  await expect(sent).toContainText(SWAY);
  await expect(sent).toContainText(new RegExp(`"removeLicenses": \\[\\s*"${E3}"\\s*\\]`));
  await shot(page, "74-group-replace-preview");
  await form.getByRole("button", { name: "Discard changes" }).click();
  await expect(card.getByText("Removal pending")).toHaveCount(0);
  watch.assertClean();
});

async function groupViewsAccessible(page, prefix) {
  await openGroups(page);
  await expectNoAxeViolations(page, `groups ${prefix}`);
  await expectNoHorizontalScroll(page);
  await shot(page, `77-groups-${prefix}`);
  // Keyboard only: from the Groups link to a group, then to its main controls.
  await page.getByRole("navigation", { name: "Screens" }).getByRole("link", { name: "Groups" }).focus();
  const link = groupsCard(page).getByRole("link", { name: "Executives", exact: true });
  for (let i = 0; i < 30 && !(await link.evaluate((e) => e === document.activeElement)); i++) await page.keyboard.press("Tab");
  await page.keyboard.press("Enter");
  // The link went with the Groups screen: focus moves to the group's heading, not the page.
  await expect(page.getByRole("heading", { name: "Executives", level: 2 })).toBeFocused();
  await expect(errorsCard(page).locator(".member-error").first()).toBeVisible();
  const reprocess = errorsCard(page).getByRole("button", { name: /Reprocess these users/ });
  const addLicense = page.getByText("Add license to the group");
  for (const target of [reprocess, addLicense]) {
    let reached = false;
    for (let i = 0; i < 60 && !reached; i++) {
      await page.keyboard.press("Tab");
      reached = await target.evaluate((e) => e === document.activeElement);
    }
    expect(reached, `keyboard reaches ${await target.innerText()}`).toBe(true);
  }
  await expectNoAxeViolations(page, `group page ${prefix}`);
  await expectNoHorizontalScroll(page);
  await shot(page, `78-group-page-${prefix}`);
}

test("Groups screen and a group's page: no axe violations at 1280 and 390 px, keyboard only", async ({ page, request }) => {
  const watch = guard(page);
  await resetGraph(request);
  await signIn(page, DEV, GROUPS_GRAPH, mintToken({ scp: ALL_SCOPES }));
  await groupViewsAccessible(page, "1280");
  await page.setViewportSize({ width: 390, height: 844 });
  await page.getByRole("navigation", { name: "Screens" }).getByRole("link", { name: "Groups" }).click();
  await groupViewsAccessible(page, "390");
  watch.assertClean(EXPECTED_CONSOLE);
});

test("a token that can't read groups: the Groups views say which permission is missing and send nothing", async ({ page }) => {
  const watch = guard(page);
  await signIn(page, DEV, GROUPS_GRAPH, mintToken({ scp: "User.ReadWrite.All LicenseAssignment.ReadWrite.All Organization.Read.All" }));
  await page.getByRole("navigation", { name: "Screens" }).getByRole("link", { name: "Groups" }).click();
  await expect(groupsCard(page).getByRole("note")).toContainText("Reading groups is not allowed by this token: it needs GroupMember.Read.All or Group.Read.All.");
  await expect(groupsCard(page).getByRole("button", { name: "Refresh groups" })).toBeDisabled();
  await page.getByText(/Activity log \(\d+ requests?\)/).click();
  const entries = page.getByRole("region", { name: "Activity log entries" });
  await expect(entries).toContainText("/subscribedSkus");
  await expect(entries).not.toContainText("/groups");
  await shot(page, "79-groups-not-allowed");
  watch.assertClean(EXPECTED_CONSOLE);
});
