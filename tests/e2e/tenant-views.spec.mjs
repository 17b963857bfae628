// "Who has this license", "Unlicensed users" and the subscriptions panel, end to end:
// against a read-only fake Graph with 300 extra users (lists longer than a page), and on
// the in-browser demo tenant. Counts are checked against the fake Graph's own answers.
import { test, expect } from "@playwright/test";
import { DEV, PROD, TENANT_GRAPH } from "./playwright.config.mjs";
import { ALL_SCOPES, expectNoAxeViolations, expectNoHorizontalScroll, guard, mintToken, shot, signIn } from "./helpers.mjs";

const E3 = "6fd2c87f-b296-42f0-b197-1e91e994b900";
const PAGE = 100;
const EXPECTED_CONSOLE = [/status of 403/, /Failed to load resource/];

/** Graph's own answer to a users query, every page, with the advanced-query pair. */
async function graphUsers(request, token, filter) {
  const headers = { Authorization: `Bearer ${token}`, ConsistencyLevel: "eventual" };
  let url = `${TENANT_GRAPH}/v1.0/users?$filter=${encodeURIComponent(filter)}&$count=true&$top=999&$select=id,userPrincipalName,licenseAssignmentStates`;
  const users = [];
  let count;
  while (url) {
    const answer = await request.get(url, { headers });
    expect(answer.ok(), await answer.text()).toBe(true);
    const body = await answer.json();
    count ??= body["@odata.count"];
    users.push(...body.value);
    url = body["@odata.nextLink"];
  }
  return { users, count };
}

/** Presses Tab until `locator` has the focus (at most `limit` times), then Enter. */
async function tabToAndPress(page, locator, limit = 60) {
  for (let i = 0; i < limit; i++) {
    if (await locator.evaluate((element) => element === document.activeElement)) {
      await page.keyboard.press("Enter");
      return;
    }
    await page.keyboard.press("Tab");
  }
  throw new Error(`could not reach ${locator} with the keyboard`);
}

async function downloadText(page, click) {
  const download = page.waitForEvent("download");
  await click();
  const file = await download;
  let text = "";
  for await (const chunk of await file.createReadStream()) text += chunk;
  return { name: file.suggestedFilename(), text };
}

test("holders of a SKU: count, direct and group marks, paging, CSV, hand-over to bulk; unlicensed users", async ({ page, request }) => {
  const watch = guard(page);
  const token = mintToken({ scp: ALL_SCOPES, upn: "alex.admin@contoso.example" });
  const holders = await graphUsers(request, token, `assignedLicenses/any(x:x/skuId eq ${E3})`);
  expect(holders.count).toBeGreaterThan(PAGE * 2);
  await signIn(page, DEV, TENANT_GRAPH, token);

  // Keyboard only: from the page's top to the SKU's "Who has this license" link.
  const link = page.getByRole("link", { name: "Who has this license: Office 365 E3" });
  await expect(link).toBeVisible();
  await page.getByRole("link", { name: "Licenses in this tenant" }).focus();
  await tabToAndPress(page, link);
  await expect(page).toHaveURL(new RegExp(`view=holders&sku=${E3}`));
  await expect(page.getByRole("heading", { name: "Who has Office 365 E3" })).toBeVisible();
  await expect(page.getByTestId("holders-count")).toHaveText(`${holders.count} users hold Office 365 E3.`);
  const rows = page.locator("table.user-list tbody tr");
  await expect(page.getByText(`Showing ${PAGE} of ${holders.count}.`)).toBeVisible();
  const firstPageRows = await rows.count();
  expect(firstPageRows).toBeGreaterThanOrEqual(PAGE);
  await expect(page.locator(".mark.direct").first()).toHaveText("Direct");
  await expect(page.locator(".mark.group", { hasText: /^Through the group Sales$/ }).first()).toBeVisible();
  // Every group is named, none left as an id.
  await expect(page.locator(".mark.group", { hasText: /[0-9a-f]{8}-[0-9a-f]{4}-/ })).toHaveCount(0);
  await expectNoAxeViolations(page, "holders");
  await shot(page, "70-holders-first-page");

  // The next page, by keyboard: "Show more" follows the list.
  await page.locator("table.user-list tbody tr a").last().focus();
  await tabToAndPress(page, page.getByRole("button", { name: "Show more" }), 3);
  await expect(page.getByText(`Showing ${PAGE * 2} of ${holders.count}.`)).toBeVisible();
  expect(await rows.count()).toBeGreaterThan(firstPageRows);

  // The CSV has every holder (the rest is read first) and nothing of the token.
  const csv = await downloadText(page, () => page.getByRole("button", { name: "Export CSV" }).click());
  expect(csv.name).toBe("holders-ENTERPRISEPACK.csv");
  const lines = csv.text.trim().split("\r\n");
  expect(lines[0]).toBe("Display name,User principal name,User id,Assigned,Group,Group id,State,Error,Plans off,Last updated");
  const assignments = holders.users.flatMap((u) => u.licenseAssignmentStates.filter((s) => s.skuId === E3));
  expect(lines.length - 1).toBe(assignments.length);
  for (const user of holders.users) expect(csv.text).toContain(user.userPrincipalName);
  // Group rows name the group (never only its id); direct rows name none.
  const byGroup = assignments.filter((s) => s.assignedByGroup).length;
  expect(byGroup).toBeGreaterThan(0);
  expect(lines.filter((l) => /,Group,[^,]+,[0-9a-f]{8}-[0-9a-f-]{27},/.test(l)).length).toBe(byGroup);
  expect(lines.filter((l) => l.includes(",Direct,,,")).length).toBe(assignments.length - byGroup);
  expect(lines.filter((l) => l.includes(",Group,Sales,")).length).toBeGreaterThan(PAGE);
  expect(csv.text).not.toContain(token);
  expect(csv.text).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}/);
  await expect(page.getByText(`Showing ${holders.count} of ${holders.count}.`)).toBeVisible();

  // Every holder goes to the bulk screen as one source.
  await page.getByRole("button", { name: "Select for bulk change" }).click();
  await expect(page).toHaveURL(/view=bulk/);
  await expect(page.getByRole("heading", { name: "Bulk changes", level: 2 })).toBeVisible();
  await expect(page.locator(".source-lists")).toContainText(`Holders of Office 365 E3: ${holders.count} users`);
  await shot(page, "71-holders-handed-to-bulk");

  // Unlicensed users, from the screen links.
  const unlicensed = await graphUsers(request, token, "assignedLicenses/$count eq 0");
  expect(unlicensed.count).toBeGreaterThan(0);
  await page.getByRole("link", { name: "Unlicensed users" }).click();
  await expect(page).toHaveURL(/view=unlicensed/);
  await expect(page.getByTestId("unlicensed-count")).toHaveText(`${unlicensed.count} users have no license.`);
  await expect(page.locator("table.user-list tbody tr")).toHaveCount(unlicensed.count);
  await expectNoAxeViolations(page, "unlicensed users");
  await shot(page, "72-unlicensed-users");
  const list = await downloadText(page, () => page.getByRole("button", { name: "Export CSV" }).click());
  const listLines = list.text.trim().split("\r\n");
  expect(listLines.length - 1).toBe(unlicensed.count);
  for (const user of unlicensed.users) expect(list.text).toContain(user.id);
  expect(list.text).not.toContain(token);

  // A user's name opens their screen.
  const first = page.locator("table.user-list tbody tr a").first();
  const name = await first.textContent();
  await first.click();
  await expect(page).toHaveURL(/[?&]user=/);
  await expect(page.getByRole("heading", { name: "Licenses", exact: true })).toBeVisible();
  await expect(page.getByText(name).first()).toBeVisible();
  watch.assertClean();
});

test("subscriptions: a token without Organization.Read.All or Directory.Read.All is told which one is missing; the rest works", async ({ page }) => {
  const watch = guard(page);
  const token = mintToken({ scp: "User.ReadWrite.All LicenseAssignment.ReadWrite.All GroupMember.Read.All", upn: "alex.admin@contoso.example" });
  await signIn(page, DEV, TENANT_GRAPH, token);
  const why = page.getByTestId("subscriptions-permission");
  await expect(why).toHaveText(/need Organization\.Read\.All \(least privileged\) or Directory\.Read\.All; this token has neither/);
  await expect(page.getByText(/✗ Read subscriptions and renewal dates — not allowed: needs Organization\.Read\.All or Directory\.Read\.All/)).toBeVisible();
  await expect(page.getByText("✓ Read groups and their license errors — allowed by GroupMember.Read.All")).toBeVisible();
  // The rest of the app works: seats and holders.
  await expect(page.locator("table.skus")).toContainText("Office 365 E3");
  await shot(page, "73-subscriptions-permission-missing");
  // Trying anyway lets Graph decide; its 403 names the permission too.
  await page.getByRole("button", { name: "Try anyway: Read subscriptions and renewal dates" }).click();
  await expect(why).toHaveText(/Graph refused to list subscriptions \(403 Forbidden\): it needs Organization\.Read\.All \(least privileged\) or Directory\.Read\.All/);
  await page.getByRole("link", { name: "Who has this license: Office 365 E3" }).click();
  await expect(page.getByTestId("holders-count")).toHaveText(/users hold Office 365 E3\./);
  watch.assertClean(EXPECTED_CONSOLE);
});

for (const [width, height, prefix] of [[1280, 900, "74-desktop"], [390, 844, "75-phone"]]) {
  test(`demo tenant at ${width} px: subscription warnings, holders and unlicensed views pass axe`, async ({ page }) => {
    const watch = guard(page);
    await page.setViewportSize({ width, height });
    await page.goto(`${PROD}/?demo`);
    await expect(page.getByRole("heading", { name: "Licenses in this tenant" })).toBeVisible();
    const alerts = page.getByRole("region", { name: "Subscriptions that need attention" });
    await expect(alerts).toContainText(/trial ends in 12 days/);
    await expect(alerts).toContainText(/has expired and is in its grace period/);
    await expect(alerts).toContainText(/is suspended: .* can't be assigned/);
    await expect(alerts).toContainText(/is locked out: nobody can use/);
    await expect(page.locator("table.subscriptions")).toContainText("Trial");
    await expect(page.locator("table.skus")).toContainText("locked out");
    await expectNoAxeViolations(page, `tenant with subscriptions at ${width}`);
    await expectNoHorizontalScroll(page);
    await shot(page, `${prefix}-tenant-subscriptions`);

    await page.locator("table.skus").getByRole("link", { name: "Who has this license: Power BI Pro" }).click();
    await expect(page.getByTestId("holders-count")).toHaveText(/users hold Power BI Pro\./);
    await expect(page.locator(".mark.direct").first()).toHaveText("Direct");
    await expect(page.locator(".mark.group").first()).toHaveText(/^Through the group \S/);
    await expect(page.locator("table.user-list .status.ok").first()).toHaveText("Active");
    await expectNoAxeViolations(page, `holders at ${width}`);
    await expectNoHorizontalScroll(page);
    await shot(page, `${prefix}-holders`);

    await page.getByRole("link", { name: "Unlicensed users" }).click();
    await expect(page.getByTestId("unlicensed-count")).toHaveText(/users? (has|have) no license\./);
    await expectNoAxeViolations(page, `unlicensed at ${width}`);
    await expectNoHorizontalScroll(page);
    await shot(page, `${prefix}-unlicensed`);
    watch.assertClean();
  });
}
