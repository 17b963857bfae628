// One safety checklist on every screen: the same cross-SKU warning (a plan off today that
// another license would switch back on) must be ticked before a user's change, a group's
// change or a bulk run can go, with the same label and the same keyboard behaviour.
//
// On the demo tenant, Project Managers assigns Project Plan 5 with SharePoint (Plan 2)
// off, and Johanna Lorenz gets only that. Office 365 E3 includes SharePoint (Plan 2):
// adding it with the plan on switches SharePoint back on, for her and for the group.
import { test, expect } from "@playwright/test";
import { PROD } from "./playwright.config.mjs";
import { guard, openUser, shot } from "./helpers.mjs";

const E3 = "6fd2c87f-b296-42f0-b197-1e91e994b900";
const WARNING = /^I understand: SharePoint.* is off today in Project.*; Office 365 E3 would switch it ON\./;

/** Ticks the plan back on in the license picker (it starts off: it is off today). */
async function switchSharePointOn(scope) {
  const sharepoint = scope.getByRole("checkbox", { name: /^SharePoint.*\(Plan 2\)/ });
  await expect(sharepoint).not.toBeChecked();
  await sharepoint.check();
}

/** The warning blocks `go` until it is ticked from the keyboard; gives its label. */
async function mustTick(page, scope, go) {
  const warning = scope.getByRole("checkbox", { name: WARNING });
  await expect(warning).toBeVisible();
  await expect(warning).not.toBeChecked();
  await expect(go).toBeDisabled();
  await warning.focus();
  await page.keyboard.press("Space");
  await expect(warning).toBeChecked();
  await expect(go).toBeEnabled();
  // Unticking blocks it again.
  await page.keyboard.press("Space");
  await expect(go).toBeDisabled();
  await page.keyboard.press("Space");
  await expect(go).toBeEnabled();
  return (await warning.evaluate((box) => box.closest("label").textContent)).trim();
}

test("the same cross-SKU warning stops a user's change, a group's change and a bulk run until it is ticked", async ({ page }) => {
  const watch = guard(page);
  await page.goto(`${PROD}/?demo`);
  await expect(page.getByText("Demo tenant — no real data")).toBeVisible();

  // The user screen.
  await openUser(page, "Johanna", "Johanna Lorenz");
  await page.getByText("Add license", { exact: true }).click();
  await page.getByLabel("License to add").selectOption(E3);
  await switchSharePointOn(page.locator(".add-license"));
  await page.getByRole("button", { name: "Add to pending changes" }).click();
  const pending = page.getByRole("region", { name: "Pending changes", exact: true });
  await pending.getByRole("button", { name: "Preview changes" }).click();
  const forUser = await mustTick(page, pending, pending.getByRole("button", { name: "Apply changes" }));
  await shot(page, "90-checklist-user");
  await pending.getByRole("button", { name: "Discard changes" }).click();

  // A group's page.
  await page.getByRole("navigation", { name: "Screens" }).getByRole("link", { name: "Groups" }).click();
  await page.locator("section.groups").getByRole("link", { name: "Project Managers", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Project Managers", level: 2 })).toBeVisible();
  const change = page.locator("section.group-change");
  await change.getByText("Add license to the group").click();
  await change.getByLabel("License to add").selectOption(E3);
  await switchSharePointOn(change);
  await change.getByRole("button", { name: "Add to pending changes" }).click();
  await change.getByRole("button", { name: "Preview changes" }).click();
  const forGroup = await mustTick(page, change, change.getByRole("button", { name: "Apply changes" }));
  await shot(page, "91-checklist-group");
  await change.getByRole("button", { name: "Discard changes" }).click();

  // The bulk screen.
  await page.getByRole("navigation", { name: "Screens" }).getByRole("link", { name: "Bulk changes" }).click();
  await page.getByRole("textbox", { name: "Users", exact: true }).fill("johannal@contoso.example");
  await page.getByLabel("Operation").selectOption({ label: "Add license" });
  await page.getByLabel("License to add").selectOption(E3);
  await page.getByRole("button", { name: "Preview run" }).click();
  const preview = page.locator(".bulk-preview");
  await expect(preview.getByRole("heading", { name: /^Preview:/ })).toBeVisible({ timeout: 60_000 });
  const forBulk = await mustTick(page, preview, page.getByRole("button", { name: "Start" }));
  await shot(page, "92-checklist-bulk");

  // One label everywhere; the bulk run also counts the users it affects.
  expect(forGroup).toBe(forUser);
  expect(forBulk).toBe(`${forUser} (1 user)`);
  watch.assertClean();
});
