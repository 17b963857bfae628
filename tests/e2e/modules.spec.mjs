// What each way in loads: a sign-in to a real tenant never fetches the demo tenant's module;
// the demo fetches it once; the friendly names table comes from the site after sign-in,
// precompressed, and the screens rename their SKUs when it arrives.
import { test, expect } from "@playwright/test";
import { DEV, PROD, GRAPH } from "./playwright.config.mjs";
import { ALL_SCOPES, guard, mintToken } from "./helpers.mjs";

/** The files a `<meta name>` of the page lists (content-hashed by the release build). */
async function listed(page, name) {
  const content = await page.evaluate((name) => document.querySelector(`meta[name="${name}"]`)?.content ?? "", name);
  const files = content.split(/\s+/).filter(Boolean);
  expect(files.length, `<meta name="${name}"> lists the files`).toBeGreaterThan(0);
  return files;
}

/** Every path the page asks for, in order, with the response's content encoding. */
function recordRequests(page) {
  const paths = [];
  const encodings = new Map();
  page.on("request", (request) => paths.push(new URL(request.url()).pathname));
  page.on("response", (response) => encodings.set(new URL(response.url()).pathname, response.headers()["content-encoding"]));
  return { paths, encodings };
}

const skuNames = (page) => page.locator("table.skus .sku-name");

test("a sign-in to a real tenant never fetches the demo tenant's module", async ({ page }) => {
  const watch = guard(page);
  const seen = recordRequests(page);
  await page.goto(`${DEV}/?graph=${encodeURIComponent(GRAPH)}`);
  const demo = await listed(page, "license-desk-demo");
  const [names] = await listed(page, "license-desk-names");
  await page.getByLabel("Access token", { exact: true }).fill(mintToken({ scp: ALL_SCOPES }));
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Licenses in this tenant" })).toBeVisible();
  await expect(skuNames(page).filter({ hasText: /^Office 365 E3$/ })).toBeVisible();

  // Every screen of the workspace, then out and in again: still no demo tenant.
  for (const screen of ["Groups", "Bulk changes", "Licenses in this tenant"]) {
    await page.getByRole("navigation", { name: "Screens" }).getByRole("link", { name: screen, exact: true }).click();
    await page.waitForLoadState("networkidle");
  }
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.getByLabel("Access token", { exact: true }).fill(mintToken({ scp: ALL_SCOPES }));
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(skuNames(page).filter({ hasText: /^Office 365 E3$/ })).toBeVisible();
  await page.waitForLoadState("networkidle");

  const demoFetches = seen.paths.filter((path) => demo.some((file) => path.endsWith(`/${file}`)) || /^\/demo[-_.]/.test(path));
  expect(demoFetches, "the demo tenant's module was fetched").toEqual([]);
  // The names table: fetched once, after sign-in, from the site itself, precompressed.
  expect(seen.paths.filter((path) => path === `/${names}`)).toHaveLength(1);
  expect(seen.encodings.get(`/${names}`)).toBe("br");
  watch.assertClean();
});

test("the demo tenant's module is fetched only when the demo is opened, and once", async ({ page }) => {
  const watch = guard(page);
  const seen = recordRequests(page);
  await page.goto(`${PROD}/`);
  await expect(page.getByRole("button", { name: "Use demo tenant" })).toBeEnabled();
  await page.waitForLoadState("networkidle");
  const [demoJs, demoWasm] = await listed(page, "license-desk-demo");
  const fetched = (file) => seen.paths.filter((path) => path === `/${file}`).length;
  expect(fetched(demoJs) + fetched(demoWasm), "fetched before the demo was chosen").toBe(0);

  await page.getByRole("button", { name: "Use demo tenant" }).click();
  await expect(page.getByText("Demo tenant — no real data")).toBeVisible();
  await expect(skuNames(page).filter({ hasText: /^Office 365 E3$/ })).toBeVisible();
  // A fresh demo tenant after signing out is the same module, started again.
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.getByRole("button", { name: "Use demo tenant" }).click();
  await expect(skuNames(page).filter({ hasText: /^Office 365 E3$/ })).toBeVisible();
  await page.waitForLoadState("networkidle");
  expect(fetched(demoJs)).toBeGreaterThanOrEqual(1);
  expect(fetched(demoWasm)).toBeGreaterThanOrEqual(1);
  // Fetched ahead by the first page and imported by the workspace: the second comes from
  // the cache, and nothing more after signing in again.
  expect(fetched(demoWasm)).toBeLessThanOrEqual(2);
  watch.assertClean();
});

test("until the names table arrives SKUs go by part number, and the screen renames them when it does", async ({ page }) => {
  const watch = guard(page);
  let release;
  const held = new Promise((resolve) => (release = resolve));
  await page.route(/\/names(-[0-9a-f]+)?\.json$/, async (route) => {
    await held;
    await route.continue();
  });
  await page.goto(`${PROD}/?demo`);
  await expect(page.getByRole("heading", { name: "Licenses in this tenant" })).toBeVisible();
  await expect(skuNames(page).filter({ hasText: /^ENTERPRISEPACK$/ })).toBeVisible();
  await expect(skuNames(page).filter({ hasText: /^Office 365 E3$/ })).toHaveCount(0);
  release();
  await expect(skuNames(page).filter({ hasText: /^Office 365 E3$/ })).toBeVisible();
  await expect(skuNames(page).filter({ hasText: /^ENTERPRISEPACK$/ })).toHaveCount(0);
  await expect(page.getByRole("link", { name: "Who has this license: Office 365 E3" })).toBeVisible();
  watch.assertClean();
});
