// The app talks to the fake Graph server over real HTTP from Chromium, CORS included.
import { test, expect } from "@playwright/test";
import { DEV, GRAPH } from "./playwright.config.mjs";
import { guard, shot, mintToken, signIn, openUser, ALL_SCOPES } from "./helpers.mjs";

test("the fake Graph answers preflights the way Graph does", async ({ request }) => {
  const preflight = await request.fetch(`${GRAPH}/v1.0/users/x/assignLicense`, {
    method: "OPTIONS",
    headers: {
      Origin: DEV,
      "Access-Control-Request-Method": "POST",
      "Access-Control-Request-Headers": "authorization,content-type,consistencylevel,client-request-id",
    },
  });
  expect(preflight.status()).toBe(204);
  const headers = preflight.headers();
  expect(headers["access-control-allow-origin"]).toBe("*");
  for (const name of ["Authorization", "Content-Type", "ConsistencyLevel", "client-request-id"]) {
    expect(headers["access-control-allow-headers"]).toContain(name);
  }
  const answer = await request.get(`${GRAPH}/v1.0/subscribedSkus`, { headers: { Origin: DEV } });
  expect(answer.status()).toBe(401);
  expect(answer.headers()["request-id"]).toBeTruthy();
  expect(answer.headers()["access-control-expose-headers"]).toContain("Retry-After");
  expect((await answer.json()).error.innerError["request-id"]).toBe(answer.headers()["request-id"]);
});

test("sign in with a minted token, see its permissions, the tenant and a user", async ({ page }) => {
  const watch = guard(page);
  await signIn(page, DEV, GRAPH, mintToken({ scp: ALL_SCOPES, upn: "alex.admin@contoso.example" }));
  await expect(page.locator(".token-identity")).toHaveText("alex.admin@contoso.example");
  // Everything is allowed, so the panel is folded: its details are one click away.
  await page.locator(".token-panel summary").click();
  await expect(page.getByText("✓ Assign and remove licenses — allowed")).toBeVisible();
  await expect(page.getByText("✓ Reprocess group licenses — allowed")).toBeVisible();
  await expect(page.getByText("License Administrator")).toBeVisible();
  await expect(page.getByRole("meter", { name: /Office 365 E3: \d+ of \d+ seats used/ })).toBeVisible();
  await openUser(page, "Megan", "Megan Bowen");
  expect(new URL(page.url()).searchParams.get("user")).toMatch(/^[0-9a-f-]{36}$/);
  expect(page.url()).not.toContain("access_token");
  await expect(page.getByText("Group: All Staff", { exact: true })).toBeVisible();
  await shot(page, "03-fake-graph-user");
  watch.assertClean();
});

test("a token without reprocess permission disables Reprocess, says why, and lets the admin try anyway", async ({ page }) => {
  const watch = guard(page);
  await signIn(page, DEV, GRAPH, mintToken({ scp: "LicenseAssignment.ReadWrite.All User.Read.All Organization.Read.All" }));
  await expect(page.getByText(/✗ Reprocess group licenses — not allowed: needs User.ReadWrite.All/)).toBeVisible();
  await openUser(page, "Isaiah", "Isaiah Langer");
  const reprocess = page.getByRole("button", { name: "Reprocess", exact: true });
  await expect(reprocess).toBeDisabled();
  // The panel only predicts: "Try anyway" lets Graph decide, and its 403 is explained.
  await page.getByRole("button", { name: "Try anyway: Reprocess group licenses" }).click();
  await expect(page.getByText(/trying anyway, Graph decides/)).toBeVisible();
  await expect(reprocess).toBeEnabled();
  await reprocess.click();
  const error = page.getByRole("alert").filter({ hasText: "The last action failed" });
  await expect(error).toContainText("Your token lacks the permission for this action");
  await expect(error).toContainText("Authorization_RequestDenied");
  await expect(error).toContainText("request-id");
  await shot(page, "04-try-anyway-403");
  watch.assertClean([/status of 403/]);
});

test("a token with Directory.AccessAsUser.All is enough, and the directory role decides", async ({ page }) => {
  const watch = guard(page);
  await signIn(page, DEV, GRAPH, mintToken({ scp: "Directory.AccessAsUser.All" }));
  await expect(page.getByText("✓ Assign and remove licenses — allowed by Directory.AccessAsUser.All; your directory role decides")).toBeVisible();
  await expect(page.getByText(/✓ Reprocess group licenses — allowed by Directory.AccessAsUser.All/)).toBeVisible();
  await openUser(page, "Megan", "Megan Bowen");
  await expect(page.getByText("Group: All Staff", { exact: true })).toBeVisible();
  watch.assertClean();
});

test("a User.ReadBasic.All token is not counted as enough to read licenses", async ({ page }) => {
  const watch = guard(page);
  await signIn(page, DEV, GRAPH, mintToken({ scp: "User.ReadBasic.All Organization.Read.All" }));
  await expect(page.getByText(/✗ Read users — not allowed/)).toBeVisible();
  await expect(page.getByText(/User.ReadBasic.All reads basic profiles only/)).toBeVisible();
  watch.assertClean();
});
