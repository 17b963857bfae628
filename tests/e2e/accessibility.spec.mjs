// Every main view: zero axe-core violations, keyboard reachable, readable at 1280 and 390 px.
import { test, expect } from "@playwright/test";
import { PROD } from "./playwright.config.mjs";
import { expectNoAxeViolations, expectNoHorizontalScroll, guard, shot } from "./helpers.mjs";

async function mainViews(page, prefix) {
  await page.goto(`${PROD}/`);
  await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
  await expectNoAxeViolations(page, "sign-in");
  await expectNoHorizontalScroll(page);
  await shot(page, `${prefix}-sign-in`);

  // Keyboard only: tab to the demo button and press Enter.
  await page.getByLabel("Access token", { exact: true }).focus();
  for (let i = 0; i < 8; i++) {
    if (await page.getByRole("button", { name: "Use demo tenant" }).evaluate((b) => b === document.activeElement)) break;
    await page.keyboard.press("Tab");
  }
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { name: "Licenses in this tenant" })).toBeVisible();
  await expectNoAxeViolations(page, "tenant licenses");
  await expectNoHorizontalScroll(page);
  await shot(page, `${prefix}-tenant`);

  await page.getByLabel("Find user").fill("Adele");
  await page.getByRole("button", { name: "Open Adele Vance" }).press("Enter");
  await expect(page.getByRole("heading", { name: "Licenses", exact: true })).toBeVisible();
  await page.getByText("Service plans of Office 365 E3 (Direct)").click();
  await page.getByRole("checkbox", { name: "Sway in Office 365 E3" }).check();
  await page.getByRole("button", { name: "Preview changes" }).click();
  await expect(page.getByRole("button", { name: "Apply changes" })).toBeDisabled();
  await expectNoAxeViolations(page, "user licenses with preview");
  await expectNoHorizontalScroll(page);
  await shot(page, `${prefix}-user-preview`);

  await page.getByRole("checkbox", { name: /I understand/ }).check();
  await page.getByRole("button", { name: "Apply changes" }).click();
  await expect(page.getByText("Entra ID shows the change.")).toBeVisible();
  await page.getByText(/Activity log/).click();
  await expectNoAxeViolations(page, "changes and activity log");
  await expectNoHorizontalScroll(page);
  await shot(page, `${prefix}-changes`);
}

test("main views at 1280 px: no axe violations, keyboard operable", async ({ page }) => {
  const watch = guard(page);
  await mainViews(page, "40-desktop");
  watch.assertClean();
});

test("main views at 390 px: no axe violations, no horizontal scrolling", async ({ page }) => {
  const watch = guard(page);
  await page.setViewportSize({ width: 390, height: 844 });
  await mainViews(page, "41-phone");
  watch.assertClean();
});
