// Safety promises an admin relies on: no plan switches on through another SKU without a
// ticked warning, nothing from one tenant survives signing in to another, and a cold
// load is silent.
import { test, expect } from "@playwright/test";
import { PROD, DEV, SAFETY_GRAPH } from "./playwright.config.mjs";
import { guard, shot, mintToken, signIn, openUser, ALL_SCOPES, changes, pending, applyPending } from "./helpers.mjs";

const E5 = "c7df2760-2c81-4ef7-b578-5b5392b571df";
const EXCHANGE_P2 = "efb87545-963c-4e0d-99df-69c6916d9eb0";
const OTHER_TENANT = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d";

async function apply(page, options) {
  await applyPending(page, options);
  // The Apply button is gone: focus lands on the outcome, not on the page body.
  await expect(changes(page).getByRole("heading", { name: "Changes" })).toBeFocused();
}

/** Replace Office 365 E3 (Exchange off) with E5: Exchange stays off unless the admin ticks a warning. */
async function replaceKeepsExchangeOff(page, prefix) {
  // Free an E5 seat first, as an admin would.
  await openUser(page, "Diego", "Diego Siciliani");
  await page.getByRole("button", { name: "Remove Office 365 E5 (Direct)" }).click();
  await apply(page);

  await openUser(page, "Allan", "Allan Deyoung");
  await page.getByLabel("Replace Office 365 E3 with").selectOption(E5);
  const exchange = page.getByRole("checkbox", { name: /^Exchange Online \(Plan 2\)/ });
  await expect(exchange).not.toBeChecked();
  await expect(page.getByText("Plans that are off for this user today start off here too")).toBeVisible();
  await shot(page, `${prefix}-replace-default`);

  // Turning Exchange on needs a ticked warning naming the plan and both SKUs.
  await exchange.check();
  await page.getByRole("button", { name: "Replace", exact: true }).click();
  await expect(pending(page)).toContainText("Replace Office 365 E3 with Office 365 E5");
  // The Replace button is disabled now; focus follows the change to "Pending changes".
  await expect(pending(page).getByRole("heading", { name: "Pending changes" })).toBeFocused();
  await pending(page).getByRole("button", { name: "Preview changes" }).click();
  const warning = page.getByRole("checkbox", {
    name: "I understand: Exchange Online (Plan 2) is off today in Office 365 E3; Office 365 E5 would switch it ON.",
  });
  await expect(warning).toBeVisible();
  await expect(page.getByRole("button", { name: "Apply changes" })).toBeDisabled();
  await shot(page, `${prefix}-replace-warning`);
  await pending(page).getByRole("button", { name: "Discard changes" }).click();

  // The default keeps Exchange off: no warning, and the body says so.
  await page.getByLabel("Replace Office 365 E3 with").selectOption(E5);
  await expect(exchange).not.toBeChecked();
  await page.getByRole("button", { name: "Replace", exact: true }).click();
  await pending(page).getByRole("button", { name: "Preview changes" }).click();
  const request = page.getByLabel("Request", { exact: true });
  await expect(request).toContainText(`"skuId": "${E5}"`);
  const preview = page.getByRole("region", { name: "Preview" });
  await expect(preview.getByRole("listitem").filter({ hasText: "Office 365 E5 (direct)" })).toHaveText(/^Added Office 365 E5 \(direct\)/);
  await expect(preview).not.toContainText("Added Added");
  await expect(request).toContainText(EXCHANGE_P2);
  await expect(page.getByRole("checkbox", { name: /I understand: Exchange/ })).toHaveCount(0);
  await page.getByRole("button", { name: "Apply changes" }).click();
  await expect(changes(page).getByText("Entra ID shows the change.")).toBeVisible({ timeout: 60_000 });
  await expect(changes(page)).toContainText("Removed Office 365 E3 (direct)");
  await expect(changes(page)).toContainText("Added Office 365 E5 (direct), with Exchange Online (Plan 2) off: Active");
  await page.getByText("Service plans of Office 365 E5 (Direct)").click();
  await expect(page.getByRole("checkbox", { name: "Exchange Online (Plan 2) in Office 365 E5" })).not.toBeChecked();
  await shot(page, `${prefix}-replace-applied`);
}

test("Replace with… keeps a plan off across SKUs on the demo tenant", async ({ page }) => {
  const watch = guard(page);
  await page.goto(`${PROD}/?demo`);
  await replaceKeepsExchangeOff(page, "40-demo");
  watch.assertClean();
});

test("Replace with… keeps a plan off across SKUs on the fake Graph", async ({ page }) => {
  const watch = guard(page);
  await signIn(page, DEV, SAFETY_GRAPH, mintToken({ scp: ALL_SCOPES }));
  await replaceKeepsExchangeOff(page, "41-fake-graph");
  watch.assertClean();
});

/** Everything that would give tenant A away, asserted absent from the DOM. */
async function expectNothingFromTenantA(page) {
  const html = await page.content();
  for (const text of ["Lee Gu", "Remove Office 365 E3", "Pending changes", "Changes", "/users/"]) {
    expect(html, `"${text}" survived the tenant switch`).not.toContain(text);
  }
  expect(new URL(page.url()).searchParams.get("user")).toBeNull();
}

test("signing out and into another tenant leaves nothing of the first one", async ({ page }) => {
  const watch = guard(page);
  await page.goto(`${PROD}/?demo`);
  await openUser(page, "Lee", "Lee Gu");
  await page.getByRole("button", { name: "Remove Office 365 E3 (Direct)" }).click();
  await expect(pending(page)).toContainText("Remove Office 365 E3");
  await page.getByText(/^Activity log \(\d+ requests\)$/).click();
  await expect(page.getByRole("region", { name: "Activity log entries" })).toContainText("/users/");

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("heading", { name: "Sign in with an access token" })).toBeVisible();
  await expectNothingFromTenantA(page);

  await page.goto(`${DEV}/?graph=${encodeURIComponent(SAFETY_GRAPH)}`);
  await page.getByLabel("Access token", { exact: true }).fill(mintToken({ scp: ALL_SCOPES, tid: OTHER_TENANT }));
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Licenses in this tenant" })).toBeVisible();
  await expect(page.locator(".token-panel")).toContainText(OTHER_TENANT);
  await expectNothingFromTenantA(page);
  // Numbers read as the reader's locale writes them, and plurals are right.
  await expect(page.getByText(/^1 of 10,000 used · 9,999 free$/)).toBeVisible();
  // The tenant screen's two reads, both of the new tenant: its SKUs and its subscriptions.
  await expect(page.getByRole("heading", { name: "Activity log (2 requests)" })).toBeVisible();
  await shot(page, "42-other-tenant");
  watch.assertClean();
});

test("a fresh token for the same tenant finishes the paused change; one for another tenant clears the screen", async ({ page }) => {
  test.setTimeout(120_000);
  const watch = guard(page);
  const expireThenApply = async () => {
    await expect(page.getByTestId("expiry")).toHaveText("expired", { timeout: 20_000 });
    await pending(page).getByRole("button", { name: "Preview changes" }).click();
    await page.getByRole("button", { name: "Apply changes" }).click();
    await expect(page.getByRole("heading", { name: "Your token needs renewing" })).toBeVisible();
  };
  await signIn(page, DEV, SAFETY_GRAPH, mintToken({ scp: ALL_SCOPES, expInS: 8 }));
  await openUser(page, "Lee", "Lee Gu");
  await page.getByRole("button", { name: "Remove Office 365 E3 (Direct)" }).click();
  await expireThenApply();
  // Everything stays while the prompt is up.
  await expect(pending(page)).toContainText("Remove Office 365 E3");

  // Same tenant: the paused change carries on and finishes.
  await page.getByLabel("Fresh access token").fill(mintToken({ scp: ALL_SCOPES, expInS: 12 }));
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page.getByRole("heading", { name: "Your token needs renewing" })).toHaveCount(0);
  await expect(changes(page).getByText("Entra ID shows the change.")).toBeVisible({ timeout: 60_000 });
  await expect(changes(page)).toContainText("Removed Office 365 E3 (direct)");

  // Another tenant: everything from the first goes, and the admin is told why.
  await openUser(page, "Patti", "Patti Fernandez");
  await page.getByRole("button", { name: "Remove Power BI Pro (Direct)" }).click();
  await expireThenApply();
  await page.getByLabel("Fresh access token").fill(mintToken({ scp: ALL_SCOPES, tid: OTHER_TENANT }));
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page.getByText("The fresh token is for another tenant, so everything from the previous tenant was cleared.")).toBeVisible();
  await expect(page.getByRole("heading", { name: "Licenses in this tenant" })).toBeVisible();
  await expect(page.locator(".token-panel")).toContainText(OTHER_TENANT);
  await expectNothingFromTenantA(page);
  const html = await page.content();
  for (const text of ["Patti Fernandez", "Remove Power BI Pro"]) expect(html).not.toContain(text);
  await shot(page, "43-renewed-into-other-tenant");
  // Back does not reopen a user of the previous tenant.
  await page.goBack();
  await expect(page.getByRole("heading", { name: "Licenses in this tenant" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Licenses", exact: true })).toHaveCount(0);
  await expectNothingFromTenantA(page);
  watch.assertClean([/status of 401/]);
});

test("a Retry-After of minutes is honoured with a countdown, and stopping the wait keeps the change", async ({ page, request }) => {
  const watch = guard(page);
  const control = async (method, path, data) => {
    const answer = await request.fetch(`${SAFETY_GRAPH}${path}`, { method, data });
    expect(answer.ok()).toBe(true);
    return answer;
  };
  await control("POST", "/_reset");
  await signIn(page, DEV, SAFETY_GRAPH, mintToken({ scp: ALL_SCOPES }));
  await openUser(page, "Patti", "Patti Fernandez");
  await page.getByRole("button", { name: "Remove Power BI Pro (Direct)" }).click();
  await control("POST", "/_faults", { method: "POST", path: "/assignLicense", times: 1, fault: { kind: "graph_error", status: 429, retry_after: "150" } });
  await pending(page).getByRole("button", { name: "Preview changes" }).click();
  await page.getByRole("button", { name: "Apply changes" }).click();
  // Graph's write window is 150 s: the wait is shown in full, not cut to a minute.
  await expect(page.getByText(/Graph is throttling requests — retrying in 2 min (2\d|30) s/)).toBeVisible();
  await shot(page, "44-long-retry-after");
  // The ticking countdown is not a live region; one polite message announced the wait.
  await expect(page.locator("[aria-live]").filter({ hasText: /retrying in/ })).toHaveCount(0);
  await expect(page.getByRole("status").filter({ hasText: "License Desk retries in 2 min" })).toHaveCount(1);
  // Discarding can't cancel a write in progress, so it is not offered meanwhile.
  await expect(pending(page).getByRole("button", { name: "Discard changes" })).toBeDisabled();
  await expect(pending(page)).toContainText("Discard is unavailable while these changes are being applied.");
  await page.getByRole("button", { name: "Stop waiting" }).click();
  const failed = page.getByRole("alert").filter({ hasText: "The last action failed" });
  await expect(failed).toContainText("Graph is throttling requests");
  await expect(failed).toContainText("TooManyRequests");
  await expect(failed).toContainText("The change was not sent, and your pending changes are kept.");
  await expect(failed).not.toContainText("automatic retries");
  await expect(page.locator("#user-action-error")).toBeFocused();
  await expect(pending(page).getByRole("button", { name: "Discard changes" })).toBeEnabled();
  await expect(pending(page)).toContainText("Remove Power BI Pro");
  const stats = await (await control("GET", "/_stats")).json();
  expect(stats.writes_applied).toBe(0);
  watch.assertClean([/status of 429/]);
});

test("a cold load of the release build logs nothing and finds every file", async ({ page }) => {
  const messages = [];
  const failures = [];
  page.on("console", (message) => messages.push(`${message.type()}: ${message.text()}`));
  page.on("pageerror", (error) => messages.push(`page error: ${error.message}`));
  page.on("response", (response) => {
    if (response.status() >= 400) failures.push(`${response.status()} ${response.url()}`);
  });
  page.on("requestfailed", (request) => failures.push(`failed ${request.url()}`));
  await page.goto(PROD);
  await expect(page.getByRole("heading", { name: "Sign in with an access token" })).toBeVisible();
  await page.waitForLoadState("networkidle");
  expect(messages).toEqual([]);
  expect(failures).toEqual([]);
  const icon = await page.locator('link[rel="icon"]').getAttribute("href");
  expect(icon).toMatch(/favicon.*\.svg$/);
  const answer = await page.request.get(new URL(icon, PROD).href);
  expect(answer.status()).toBe(200);
});
