// "Licenses in this tenant" and "Who has this license" as an admin meets them on the demo
// tenant: group names (never bare ids) on a first visit, a seat error that says who holds
// the seats, and subscription warnings that lead to the SKU and its holders.
import { test, expect } from "@playwright/test";
import { PROD } from "./playwright.config.mjs";
import { guard, openUser, shot, expectNoAxeViolations, expectNoHorizontalScroll } from "./helpers.mjs";

const GUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;

async function openDemo(page) {
  await page.goto(`${PROD}/?demo`);
  await expect(page.getByRole("heading", { name: "Licenses in this tenant" })).toBeVisible();
}

test("holders name the groups they inherit from on a first visit, before the Groups screen was opened", async ({ page }) => {
  const watch = guard(page);
  await openDemo(page);
  await page.getByRole("link", { name: "Who has this license: Office 365 E3" }).click();
  const rows = page.locator("table.user-list tbody tr");
  await expect(rows.first()).toBeVisible();
  await expect(rows.filter({ hasText: "Through the group All Staff" }).first()).toBeVisible();
  await expect(rows.filter({ hasText: "reading its name" })).toHaveCount(0);
  for (const text of await rows.allInnerTexts()) {
    expect(text.includes("Through the group") && GUID.test(text), text).toBe(false);
  }
  await expectNoAxeViolations(page, "holders");
  watch.assertClean();
});

test("a seat error says who holds the seats and leads to the direct holders", async ({ page }) => {
  const watch = guard(page);
  await openDemo(page);
  await openUser(page, "Isaiah", "Isaiah Langer");
  const card = page.locator("li.assignment", { hasText: "No free seats in Office 365 E5" });
  await expect(card).toContainText("No free seats in Office 365 E5");
  const said = page.getByText(/^The seats of Office 365 E5: \d+ users? held directly/);
  await expect(said).toBeVisible();
  await expect(said).toContainText("through groups: Executives (");
  await shot(page, "98-seat-holders");
  await page.getByRole("link", { name: "See who holds it directly" }).click();
  await expect(page.getByRole("heading", { name: "Who has Office 365 E5" })).toBeVisible();
  await expect(page).toHaveURL(/only=direct/);
  const rows = page.locator("table.user-list tbody tr");
  await expect(rows.first()).toBeVisible();
  const sources = await rows.locator("td:nth-child(2)").allInnerTexts();
  expect(sources.length).toBeGreaterThan(0);
  expect(sources.every((s) => s.trim() === "Direct"), sources.join(" | ")).toBe(true);
  await page.getByRole("link", { name: "every holder" }).click();
  await expect(rows.filter({ hasText: "Through the group" }).first()).toBeVisible();
  watch.assertClean();
});

for (const [width, height] of [[1280, 900], [390, 844]]) {
  test(`subscription warnings lead to the SKU's row and its holders; lists sort by renewal (${width} px)`, async ({ page }) => {
    const watch = guard(page);
    await page.setViewportSize({ width, height });
    await openDemo(page);
    const alerts = page.getByRole("region", { name: "Subscriptions that need attention" });
    const first = alerts.getByRole("listitem").first();
    await expect(first).toBeVisible();
    const count = await alerts.getByRole("listitem").count();
    await expect(alerts.getByRole("link", { name: /^Who has this license: / })).toHaveCount(count);
    // "Show its seats" brings the SKU's row into view and focus.
    const show = first.getByRole("button", { name: /^Show its seats: / });
    const product = (await show.getAttribute("aria-label")).replace("Show its seats: ", "");
    await show.click();
    const row = page.locator("table.skus tbody tr:focus");
    await expect(row).toContainText(product);
    await expect(row).toBeInViewport();
    // Subscriptions sorted by their next lifecycle date, soonest first, undated last.
    await page.getByRole("button", { name: "Next lifecycle date" }).click();
    const dates = await page.locator("table.subscriptions tbody td[data-label='Next lifecycle date']").allInnerTexts();
    const dated = dates.filter((d) => /^\d{4}-\d{2}-\d{2}$/.test(d.trim()));
    expect(dated.length).toBeGreaterThan(1);
    expect([...dated].sort()).toEqual(dated);
    expect(dates.slice(0, dated.length)).toEqual(dated);
    // The SKUs too: the one renewing soonest comes first.
    await page.getByRole("button", { name: "Next renewal" }).click();
    await expect(page.getByRole("button", { name: "Next renewal" })).toHaveAttribute("aria-pressed", "true");
    await expectNoAxeViolations(page, `tenant ${width}`);
    await expectNoHorizontalScroll(page);
    await shot(page, `99-tenant-renewals-${width}`);
    // "Who has this license" from a warning opens that SKU's holders.
    await alerts.getByRole("link", { name: `Who has this license: ${product}` }).first().click();
    await expect(page.getByRole("heading", { name: `Who has ${product}` })).toBeVisible();
    watch.assertClean();
  });
}
