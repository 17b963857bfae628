// The admin's single-user workflow, driven by roles and labels as an admin would, on the
// demo tenant and on the fake Graph server with replication delay and throttling.
import { test, expect } from "@playwright/test";
import { PROD, DEV, SLOW_GRAPH, EXPIRY_GRAPH } from "./playwright.config.mjs";
import { guard, shot, mintToken, signIn, openUser, ALL_SCOPES, changes, pending, applyPending } from "./helpers.mjs";

const E3 = "6fd2c87f-b296-42f0-b197-1e91e994b900";
const SWAY = "a23b959c-7ce8-4e57-9140-b90eb88a9e97";
const YAMMER = "7547a3fe-08ee-4ccb-b430-5077c5041653";

async function walkthrough(page, prefix) {
  // Add a SKU with two plans off.
  await openUser(page, "Alex", "Alex Wilber");
  await page.getByText("Add license", { exact: true }).click();
  await page.getByLabel("License to add").selectOption(E3);
  await page.getByRole("checkbox", { name: /^Sway: / }).uncheck();
  await page.getByRole("checkbox", { name: /^Yammer Enterprise: / }).uncheck();
  await page.getByRole("button", { name: "Add to pending changes" }).click();
  await expect(pending(page)).toContainText("Add Office 365 E3 with Yammer Enterprise, Sway off");
  await pending(page).getByRole("button", { name: "Preview changes" }).click();
  const request = page.getByLabel("Request", { exact: true });
  await expect(request).toContainText("POST ");
  await expect(request).toContainText("/assignLicense");
  await expect(request).toContainText(`"skuId": "${E3}"`);
  await expect(request).toContainText(YAMMER);
  await expect(request).toContainText(SWAY);
  await expect(request).toContainText(`"removeLicenses": []`);
  await shot(page, `${prefix}-preview-add`);
  await applyPending(page);
  await expect(changes(page)).toContainText("Added Office 365 E3 (direct), with Sway, Yammer Enterprise off: Active");
  await shot(page, `${prefix}-changes-add`);

  // Turn one plan back on: the warning must be acknowledged, and the body keeps the other.
  await page.getByText("Service plans of Office 365 E3 (Direct)").click();
  await page.getByRole("checkbox", { name: "Sway in Office 365 E3" }).check();
  await expect(pending(page)).toContainText("Turn Sway on in Office 365 E3");
  // The expanded plan list stays open while the admin edits.
  await expect(page.getByRole("checkbox", { name: "Sway in Office 365 E3" })).toBeVisible();
  await expect(page.getByRole("checkbox", { name: "Sway in Office 365 E3" })).toBeChecked();
  await pending(page).getByRole("button", { name: "Preview changes" }).click();
  await expect(page.getByLabel("Request", { exact: true })).toContainText(YAMMER);
  await expect(page.getByLabel("Request", { exact: true })).not.toContainText(SWAY);
  await applyPending(page, { acknowledge: ["Sway will be switched back ON"] });
  await expect(changes(page)).toContainText("Sway switched ON in Office 365 E3 (direct)");

  // Remove the direct SKU, then undo it.
  await page.getByRole("button", { name: "Remove Office 365 E3 (Direct)" }).click();
  await applyPending(page);
  await expect(changes(page)).toContainText("Removed Office 365 E3 (direct)");
  await changes(page).getByRole("button", { name: "Undo" }).click();
  await expect(pending(page)).toContainText("Add Office 365 E3 with Yammer Enterprise off");
  await applyPending(page);
  await expect(changes(page)).toContainText("Added Office 365 E3 (direct), with Yammer Enterprise off: Active");
  await changes(page).getByText("Equivalent PowerShell and HTTP").click();
  await expect(page.getByLabel("PowerShell")).toContainText(`Set-MgUserLicense -UserId`);
  await expect(page.getByLabel("HTTP request")).toContainText("Authorization: Bearer {token}");

  // An inherited license can't be removed on the user.
  await openUser(page, "Megan", "Megan Bowen");
  const inherited = page.getByRole("button", { name: "Remove Office 365 E3 (Group: All Staff)" });
  await expect(inherited).toBeDisabled();
  await expect(inherited).toHaveAccessibleDescription("Inherited from group All Staff — remove the user from the group or change the group's license.");
  await expect(pending(page)).toHaveCount(0);
  await shot(page, `${prefix}-refused-inherited`);

  // Fix a CountViolation: free a seat, then reprocess.
  await openUser(page, "Isaiah", "Isaiah Langer");
  await expect(page.getByText("No free seats in Office 365 E5. Free a seat or buy more, then press Reprocess.")).toBeVisible();
  await openUser(page, "Diego", "Diego Siciliani");
  await page.getByRole("button", { name: "Remove Office 365 E5 (Direct)" }).click();
  await applyPending(page);
  await openUser(page, "Isaiah", "Isaiah Langer");
  await page.getByRole("button", { name: "Reprocess" }).click();
  await expect(changes(page).getByText("Entra ID shows the change.")).toBeVisible({ timeout: 60_000 });
  await expect(changes(page)).toContainText("Office 365 E5 via group Executives: Error (no free seats) → Active");
  await expect(changes(page)).toContainText("Power BI Pro via group Executives: Error (another license in the same group failed) → Active");
  await shot(page, `${prefix}-reprocess-fixed`);
}

test("workflow on the demo tenant", async ({ page }) => {
  const watch = guard(page);
  await page.goto(`${PROD}/?demo`);
  await expect(page.getByText("Demo tenant — no real data")).toBeVisible();
  await walkthrough(page, "10-demo");
  watch.assertClean();
});

test("workflow on the fake Graph server with replication delay and throttling", async ({ page }) => {
  test.setTimeout(300_000);
  const watch = guard(page);
  await signIn(page, DEV, SLOW_GRAPH, mintToken({ scp: ALL_SCOPES }));
  // The throttling countdown appears while the walkthrough runs; note it when it does.
  let sawCountdown = false;
  const countdown = page.getByText(/Graph is throttling requests — retrying in \d+ s/);
  countdown.waitFor({ timeout: 290_000 }).then(async () => {
    sawCountdown = true;
    await shot(page, "20-fake-graph-throttled");
  }, () => {});
  await walkthrough(page, "20-fake-graph");
  expect(sawCountdown).toBe(true);
  await page.getByText(/Activity log/).click();
  await expect(page.getByRole("cell", { name: "429" }).first()).toBeVisible();
  // Graph's 429 answers are expected here; the browser reports failed loads for them.
  watch.assertClean([/status of 429/]);
});

test("an expired token mid-change pauses it, asks for a fresh one, and then finishes it", async ({ page }) => {
  const watch = guard(page);
  await signIn(page, DEV, EXPIRY_GRAPH, mintToken({ scp: ALL_SCOPES, expInS: 12 }));
  await openUser(page, "Patti", "Patti Fernandez");
  await page.getByRole("button", { name: "Remove Power BI Pro (Direct)" }).click();
  await expect(pending(page)).toContainText("Remove Power BI Pro");
  await expect(page.getByTestId("expiry")).toHaveText("expired", { timeout: 25_000 });
  await expect(page.getByText("Warning: this token has expired.")).toBeVisible();
  await pending(page).getByRole("button", { name: "Preview changes" }).click();
  await page.getByRole("button", { name: "Apply changes" }).click();
  await expect(page.getByRole("heading", { name: "Your token needs renewing" })).toBeVisible();
  await expect(page.getByText("Lifetime validation failed, the token is expired.").first()).toBeVisible();
  await expect(pending(page)).toContainText("Remove Power BI Pro");
  await shot(page, "30-token-expired");
  // The change paused on the 401; the fresh token lets it finish, sent once.
  await page.getByLabel("Fresh access token").fill(mintToken({ scp: ALL_SCOPES }));
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(changes(page).getByText("Entra ID shows the change.")).toBeVisible({ timeout: 60_000 });
  await expect(changes(page)).toContainText("Removed Power BI Pro (direct)");
  watch.assertClean([/status of 401/]);
});

test("a missing usage location is shown, the PATCH is previewed, and the fix is diffed", async ({ page }) => {
  const watch = guard(page);
  await page.goto(`${PROD}/?demo`);
  await openUser(page, "Grady", "Grady Archie");
  await expect(page.getByText("⚠ Direct license assignment fails until a usage location is set.")).toBeVisible();
  await page.getByLabel("Usage location (two-letter country code)").fill("gb");
  const preview = page.getByLabel("Usage location request");
  await expect(preview).toContainText("PATCH https://graph.microsoft.com/v1.0/users/");
  await expect(preview).toContainText(`"usageLocation": "GB"`);
  await page.getByRole("button", { name: "Set usage location" }).click();
  await expect(changes(page).getByText("Entra ID shows the change.")).toBeVisible();
  await expect(changes(page)).toContainText("Usage location: none → GB");
  await expect(page.getByText("Usage location: GB")).toBeVisible();
  watch.assertClean();
});
