// What a static host gets from `trunk build --release`: a page that carries its own policy
// where a host sends no headers, a development page only the local test server serves, and
// cache rules that let a repeat visit take the hashed files from the browser's cache.
import { test, expect } from "@playwright/test";
import { readFileSync } from "node:fs";
import { PROD, DEV, BARE, GRAPH } from "./playwright.config.mjs";
import { mintToken, signIn, ALL_SCOPES } from "./helpers.mjs";

const HASHED = /-[0-9a-f]{8,}(_bg)?\.(js|wasm|css|svg|json)$/;
const IMMUTABLE = "public, max-age=31536000, immutable";
/** The page's own policy, or null when it carries none. */
const metaPolicy = (page) => page.evaluate(() => document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.content ?? null);

test("on a host that sends no headers, the page's own policy holds and a cold load stays silent", async ({ page }) => {
  const messages = [];
  page.on("console", (message) => messages.push(`${message.type()}: ${message.text()}`));
  page.on("pageerror", (error) => messages.push(`page error: ${error.message}`));
  await page.addInitScript(() => {
    window.violations = [];
    document.addEventListener("securitypolicyviolation", (event) => window.violations.push(`${event.violatedDirective} ${event.blockedURI}`));
  });
  const response = await page.goto(`${BARE}/?graph=${encodeURIComponent(GRAPH)}`);
  expect(response.headers()["content-security-policy"]).toBeUndefined();
  await expect(page.getByRole("heading", { name: "Sign in with an access token" })).toBeVisible();
  await page.waitForLoadState("networkidle");
  expect(messages).toEqual([]);

  // The meta policy is the header policy less the directives only a header can carry.
  const header = (await page.request.get(`${PROD}/`)).headers()["content-security-policy"];
  expect(header).toContain("frame-ancestors 'none'");
  const meta = await metaPolicy(page);
  expect(meta).toBe(header.replace("; frame-ancestors 'none'", ""));
  expect(meta).not.toMatch(/frame-ancestors|report-uri|sandbox/);

  // And it is enforced: the production page may not call a Graph on loopback.
  await page.getByLabel("Access token", { exact: true }).fill(mintToken({ scp: ALL_SCOPES }));
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect.poll(() => page.evaluate(() => window.violations)).toContainEqual(expect.stringMatching(/^connect-src http:\/\/127\.0\.0\.1:8787/));
  await expect(page.getByRole("alert").filter({ hasText: "Graph could not be reached" }).first()).toBeVisible();
});

test("the development page lets the fake Graph in; the production page neither allows nor links it", async ({ page }) => {
  const production = await (await page.request.get(`${PROD}/`)).text();
  expect(production).not.toContain("index.dev.html");
  expect(production).not.toContain("127.0.0.1");
  await signIn(page, DEV, GRAPH, mintToken({ scp: ALL_SCOPES }));
  expect(await metaPolicy(page)).toContain("http://127.0.0.1:*");
});

test("a repeat visit takes the hashed files from the cache and revalidates the page", async ({ page }) => {
  const cacheControl = new Map();
  page.on("response", (response) => cacheControl.set(new URL(response.url()).pathname, response.headers()["cache-control"]));
  await page.goto(`${PROD}/`);
  await expect(page.getByRole("heading", { name: "Sign in with an access token" })).toBeVisible();
  await page.waitForLoadState("networkidle");
  expect(cacheControl.get("/")).toBe("no-cache");
  const hashed = [...cacheControl.keys()].filter((path) => HASHED.test(path));
  expect(hashed.map((path) => path.split(".").pop()).sort()).toEqual(expect.arrayContaining(["css", "js", "wasm"]));
  for (const path of hashed) expect(cacheControl.get(path), path).toBe(IMMUTABLE);

  await page.goto(`${PROD}/`);
  await expect(page.getByRole("heading", { name: "Sign in with an access token" })).toBeVisible();
  const transfers = await page.evaluate(() => [
    ...performance.getEntriesByType("navigation"),
    ...performance.getEntriesByType("resource"),
  ].map((entry) => ({ path: new URL(entry.name).pathname, transferSize: entry.transferSize })));
  for (const { path, transferSize } of transfers) {
    if (HASHED.test(path)) expect(transferSize, `${path} came over the network again`).toBe(0);
    else expect(transferSize, `${path} was not revalidated`).toBeGreaterThan(0);
  }
  expect(transfers.filter(({ path }) => HASHED.test(path)).length).toBeGreaterThanOrEqual(3);
});

/** Every Cache-Control a `_headers` file gives `path`: all matching rules apply. */
function headersFileCacheControl(text, path) {
  return text
    .split(/\n\s*\n/)
    .map((block) => block.trim().split("\n"))
    .filter(([pattern]) => pattern === "/*" || pattern === path)
    .flatMap(([, ...lines]) => lines.map((line) => line.trim()).filter((line) => line.startsWith("Cache-Control:")))
    .map((line) => line.slice("Cache-Control:".length).trim());
}

test("both host configs give every file one Cache-Control, the one the test server sends", async () => {
  const built = JSON.parse(readFileSync("dist/security-headers.json", "utf8"));
  const headersFile = readFileSync("dist/_headers", "utf8");
  const azure = JSON.parse(readFileSync("dist/staticwebapp.config.json", "utf8"));
  const names = Object.keys(built.cacheControl);
  expect(names).toEqual(expect.arrayContaining(["index.html"]));
  expect(names.filter((name) => HASHED.test(name)).length).toBeGreaterThanOrEqual(3);
  for (const name of names) {
    const expected = HASHED.test(name) ? IMMUTABLE : "no-cache";
    expect(built.cacheControl[name], name).toBe(expected);
    expect(headersFileCacheControl(headersFile, `/${name}`), name).toEqual([expected]);
    const route = azure.routes.find((r) => r.route === `/${name}`);
    expect(route?.headers?.["Cache-Control"] ?? azure.globalHeaders["Cache-Control"], name).toBe(expected);
  }
  expect(headersFileCacheControl(headersFile, "/")).toEqual(["no-cache"]);
  expect(headersFile).toContain(`Content-Security-Policy: ${built.production["Content-Security-Policy"]}`);
  expect(azure.globalHeaders["Content-Security-Policy"]).toBe(built.production["Content-Security-Policy"]);
});
