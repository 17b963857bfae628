// The user screen as an admin meets it: an action that needs nothing is said as
// information (never as a failure with a request-id for a request that was never sent),
// and the service-plan picker says what each plan is and what it will become.
import { test, expect } from "@playwright/test";
import { PROD } from "./playwright.config.mjs";
import { guard, openUser, shot, expectNoAxeViolations } from "./helpers.mjs";

const E5 = "c7df2760-2c81-4ef7-b578-5b5392b571df";

test("Reprocess on a user whose licenses are all direct says so before and after, as information", async ({ page }) => {
  const watch = guard(page);
  await page.goto(`${PROD}/?demo`);
  await openUser(page, "Adele", "Adele Vance");
  const reprocess = page.getByRole("button", { name: "Reprocess" });
  const why = "Nothing to reprocess: every license of this user is assigned directly.";
  // Before the click: the button's description says it.
  await expect(reprocess).toHaveAccessibleDescription(why);
  await reprocess.click();
  // After: a status, not a failure, and no request-id for a request never sent.
  await expect(page.getByRole("status").filter({ hasText: why })).toBeVisible();
  await expect(page.getByRole("alert").filter({ hasText: "The last action failed" })).toHaveCount(0);
  await expect(page.locator(".user").getByText("request-id")).toHaveCount(0);
  await shot(page, "95-nothing-to-reprocess");
  // A user with a license from a group has something to reprocess: no such hint.
  await openUser(page, "Megan", "Megan Bowen");
  await expect(page.getByRole("button", { name: "Reprocess" })).toHaveAccessibleDescription("");
  watch.assertClean();
});
