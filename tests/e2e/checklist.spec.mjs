// One safety checklist on every screen: the same cross-SKU warning (a plan off today that
// another license would switch back on) must be ticked before a user's change, a group's
// change or a bulk run can go, with the same label and the same keyboard behaviour.
//
// On the demo tenant, Adele Vance holds Office 365 E3 with Sway (and Yammer) off. Office
// 365 E5 includes Sway: adding it with Sway on switches Sway back on for her. All Staff
// assigns E3 with every plan on, so the group first turns Sway off, then meets the same
// warning when E5 is added with Sway on.
import { test, expect } from "@playwright/test";
import { PROD } from "./playwright.config.mjs";
import { guard, openUser, shot } from "./helpers.mjs";

const E5 = "c7df2760-2c81-4ef7-b578-5b5392b571df";
const WARNING = /^I understand: Sway is off today in Office 365 E3; Office 365 E5 would switch it ON\./;

/** Sets the plans named in the license picker under `scope`. */
async function setPlans(scope, plans) {
  for (const [name, on] of Object.entries(plans)) {
    await scope.getByRole("checkbox", { name: new RegExp(`^${name}`) }).setChecked(on);
  }
}

/** The warning blocks `go` until it is ticked from the keyboard; gives its label. Other
 *  warnings of the same checklist (E5 has no free seat in the demo) are ticked first. */
async function mustTick(page, scope, go) {
  const warning = scope.getByRole("checkbox", { name: WARNING });
  for (const other of await scope.locator("fieldset.warnings input[type=checkbox]").all()) {
    if (!WARNING.test((await other.evaluate((box) => box.closest("label").textContent)).trim())) await other.check();
  }
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

  // The user screen: E5's plans start as Adele's are today (Sway and Yammer off).
  await openUser(page, "Adele", "Adele Vance");
  await page.getByText("Add license", { exact: true }).click();
  await page.getByLabel("License to add").selectOption(E5);
  const addLicense = page.locator(".add-license");
  await expect(addLicense.getByRole("checkbox", { name: /^Sway/ })).not.toBeChecked();
  await setPlans(addLicense, { Sway: true });
  await page.getByRole("button", { name: "Add to pending changes" }).click();
  const pending = page.getByRole("region", { name: "Pending changes", exact: true });
  await pending.getByRole("button", { name: "Preview changes" }).click();
  const forUser = await mustTick(page, pending, pending.getByRole("button", { name: "Apply changes" }));
  await shot(page, "90-checklist-user");
  await pending.getByRole("button", { name: "Discard changes" }).click();

  // A group's page: All Staff turns Sway off in E3, then adds E5 with Sway on.
  await page.getByRole("navigation", { name: "Screens" }).getByRole("link", { name: "Groups" }).click();
  await page.locator("section.groups").getByRole("link", { name: "All Staff", exact: true }).click();
  await expect(page.getByRole("heading", { name: "All Staff", level: 2 })).toBeVisible();
  const card = page.locator(".group-license", { hasText: "Office 365 E3" });
  await card.getByText("Service plans in Office 365 E3").click();
  await card.getByRole("checkbox", { name: /^Sway/ }).uncheck();
  const change = page.locator("section.group-change");
  await change.getByRole("button", { name: "Preview changes" }).click();
  await change.getByRole("button", { name: "Apply changes" }).click();
  const result = page.getByRole("region", { name: "Group license change" });
  await expect(result.getByText("Applied: Entra ID finished processing the group.")).toBeVisible({ timeout: 60_000 });
  await change.getByText("Add license to the group").click();
  await change.getByLabel("License to add").selectOption(E5);
  await expect(change.getByRole("checkbox", { name: /^Sway/ })).not.toBeChecked();
  await setPlans(change, { Sway: true });
  await change.getByRole("button", { name: "Add to pending changes" }).click();
  await change.getByRole("button", { name: "Preview changes" }).click();
  const forGroup = await mustTick(page, change, change.getByRole("button", { name: "Apply changes" }));
  await shot(page, "91-checklist-group");
  await change.getByRole("button", { name: "Discard changes" }).click();

  // The bulk screen: a run for Adele alone, with Yammer kept off and Sway on.
  await page.getByRole("navigation", { name: "Screens" }).getByRole("link", { name: "Bulk changes" }).click();
  await page.getByRole("textbox", { name: "Users", exact: true }).fill("adelev@contoso.example");
  await page.getByLabel("Operation").selectOption({ label: "Add license" });
  await page.getByLabel("License to add").selectOption(E5);
  await setPlans(page.locator(".bulk-operation"), { Sway: true, "Yammer": false });
  await page.getByRole("button", { name: "Preview run" }).click();
  const preview = page.locator(".bulk-preview");
  await expect(preview.getByRole("heading", { name: /^Preview:/ })).toBeVisible({ timeout: 60_000 });
  // E5 has no free seat in the demo: the run may start only if it stops when seats run out.
  await preview.getByLabel("Stop when seats run out", { exact: false }).check();
  const forBulk = await mustTick(page, preview, page.getByRole("button", { name: "Start" }));
  await shot(page, "92-checklist-bulk");

  // One label everywhere; the bulk run also counts the users it affects.
  expect(forGroup).toBe(forUser);
  expect(forBulk).toBe(`${forUser} (1 user)`);
  watch.assertClean();
});
