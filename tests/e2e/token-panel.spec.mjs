// The token panel out of the way: after sign-in it folds to one line (who, how many
// actions the token allows, when it expires) with the details on demand; it stays open
// while an action is denied; and on a phone the screen links come before it.
import { test, expect } from "@playwright/test";
import { PROD, DEV, GRAPH } from "./playwright.config.mjs";
import { guard, shot, signIn, mintToken, expectNoAxeViolations, expectNoHorizontalScroll } from "./helpers.mjs";

const panel = (page) => page.getByRole("region", { name: "Signed in" });
const allows = (page) => panel(page).getByText("What this token allows");

test("after sign-in the token panel is one line, with the details on demand", async ({ page }) => {
  const watch = guard(page);
  await page.goto(`${PROD}/?demo`);
  await expect(page.getByRole("heading", { name: "Licenses in this tenant" })).toBeVisible();
  const line = panel(page).locator("summary");
  await expect(line).toContainText("admin@contoso.example");
  await expect(line).toContainText(/(\d+) of \1 actions allowed, expires in (59|60) min/);
  await expect(allows(page)).toBeHidden();
  // Folded: a heading, the identity and one line of text, a fraction of the details.
  const folded = (await panel(page).boundingBox()).height;
  expect(folded).toBeLessThan(130);
  await shot(page, "96-token-panel-folded");
  await line.click();
  await expect(allows(page)).toBeVisible();
  expect((await panel(page).boundingBox()).height).toBeGreaterThan(3 * folded);
  await expect(panel(page).getByTestId("expiry")).toHaveText(/^(59|60) min/);
  await line.click();
  await expect(allows(page)).toBeHidden();
  await expectNoAxeViolations(page, "token panel folded");
  watch.assertClean();
});

test("the token panel stays open while the token denies an action", async ({ page }) => {
  const watch = guard(page);
  await signIn(page, DEV, GRAPH, mintToken({ scp: "User.Read.All Organization.Read.All" }));
  await expect(allows(page)).toBeVisible();
  await expect(panel(page).locator("summary")).toContainText(/\d+ of \d+ actions allowed/);
  await expect(panel(page).getByRole("button", { name: "Try anyway: Assign and remove licenses" })).toBeVisible();
  watch.assertClean();
});

test("at 390 px the screen links come before the token panel, and nothing scrolls sideways", async ({ page }) => {
  const watch = guard(page);
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${PROD}/?demo`);
  await expect(page.getByRole("heading", { name: "Licenses in this tenant" })).toBeVisible();
  const links = page.getByRole("navigation", { name: "Screens" });
  const linksBox = await links.boundingBox();
  const panelBox = await panel(page).boundingBox();
  expect(linksBox.y + linksBox.height, "the links end above the panel").toBeLessThanOrEqual(panelBox.y);
  // They come first for the keyboard too.
  await page.keyboard.press("Tab");
  for (let i = 0; i < 10 && !(await page.evaluate(() => document.activeElement?.closest("nav") !== null)); i++) {
    expect(await page.evaluate(() => document.activeElement?.closest(".token-panel") === null), "the panel is reached after the links").toBe(true);
    await page.keyboard.press("Tab");
  }
  await expectNoHorizontalScroll(page);
  await expectNoAxeViolations(page, "phone layout");
  await shot(page, "97-phone-layout");
  watch.assertClean();
});
