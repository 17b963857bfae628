// The release build mounts under the production CSP, without console errors or
// violations, on the sign-in screen and on the demo tenant.
import { test, expect } from "@playwright/test";
import { PROD } from "./playwright.config.mjs";
import { guard, shot } from "./helpers.mjs";

test("release build mounts under the production security headers", async ({ page }) => {
  const watch = guard(page);
  const response = await page.goto(`${PROD}/`);
  const headers = response.headers();
  expect(headers["content-security-policy"]).toMatch(/^default-src 'none'; script-src 'self' 'wasm-unsafe-eval' 'sha256-[A-Za-z0-9+/=]+'; connect-src 'self' https:\/\/graph\.microsoft\.com https:\/\/graph\.microsoft\.us https:\/\/dod-graph\.microsoft\.us https:\/\/microsoftgraph\.chinacloudapi\.cn; style-src 'self'/);
  expect(headers["content-security-policy"]).not.toContain("127.0.0.1");
  expect(headers["referrer-policy"]).toBe("no-referrer");
  expect(headers["x-content-type-options"]).toBe("nosniff");
  await expect(page.getByRole("heading", { name: "Sign in with an access token" })).toBeVisible();
  await expect(page.getByLabel("Access token", { exact: true })).toHaveAttribute("type", "password");
  await expect(page.getByRole("button", { name: "Sign in" })).toBeEnabled();
  await expect(page.getByRole("button", { name: "Use demo tenant" })).toBeVisible();
  await expect(page.getByLabel("Cloud")).toBeVisible();
  await expect(page.getByLabel("API version")).toBeVisible();
  await shot(page, "01-sign-in");
  watch.assertClean();
});

test("the demo URL opens the demo tenant, clearly labelled", async ({ page }) => {
  const watch = guard(page);
  await page.goto(`${PROD}/?demo`);
  await expect(page.getByText("Demo tenant — no real data")).toBeVisible();
  await expect(page.getByRole("heading", { name: "Licenses in this tenant" })).toBeVisible();
  // The licenses table (the subscriptions above name the product too).
  await expect(page.locator("table.skus").getByText("Office 365 E3", { exact: true })).toBeVisible();
  await expect(page.getByText("⚠ No free seats: new assignments will fail").first()).toBeVisible();
  await shot(page, "02-demo-tenant-licenses");
  watch.assertClean();
});

test("a token in the fragment is read and removed from the address bar", async ({ page }) => {
  const watch = guard(page);
  await page.goto(`${PROD}/#access_token=not-a-jwt-token`);
  await expect(page.getByText("This token is not a JWT")).toBeVisible();
  expect(page.url()).toBe(`${PROD}/`);
  expect(await page.evaluate(() => window.location.hash)).toBe("");
  // Graph is not reachable from this machine; the failure is explained, not hidden.
  await expect(page.getByRole("alert").first()).toContainText("What to do");
  watch.assertClean([/Failed to load resource/, /ERR_/, /net::/]);
});

test("a non-loopback Graph endpoint is refused", async ({ page }) => {
  await page.goto(`${PROD}/?graph=${encodeURIComponent("https://evil.example")}`);
  await page.getByLabel("Access token", { exact: true }).fill("x.y.z");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert")).toContainText("Refused to use “https://evil.example”");
  await expect(page.getByRole("heading", { name: "Sign in with an access token" })).toBeVisible();
});
