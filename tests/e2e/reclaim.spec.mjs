// "Reclaim licenses" end to end: the release build (development CSP, which allows
// loopback) against a fake Graph seeded with the demo tenant, whose named users show each
// finding (see sim/src/seed_reclaim.rs), and against a tenant without Entra ID P1.
import { test, expect } from "@playwright/test";
import { DEV, PROD, RECLAIM_GRAPH, NO_PREMIUM_GRAPH } from "./playwright.config.mjs";
import { ALL_SCOPES, expectNoAxeViolations, expectNoHorizontalScroll, guard, mintToken, shot, signIn } from "./helpers.mjs";

const EXPECTED_CONSOLE = [/status of 4\d\d/, /Failed to load resource/];

async function control(request, graph, method, path, data) {
  const response = await request.fetch(`${graph}${path}`, { method, data });
  expect(response.ok(), `${method} ${path}: ${await response.text()}`).toBe(true);
  return response;
}

async function resetGraph(request, graph) {
  await control(request, graph, "POST", "/_reset");
  await control(request, graph, "POST", "/_stats/reset");
}

/** The SKU part numbers a user holds directly, as Graph reports them now. */
async function directSkus(request, token, upn) {
  const auth = { Authorization: `Bearer ${token}` };
  const user = await (await request.get(`${RECLAIM_GRAPH}/v1.0/users/${upn}?$select=id,licenseAssignmentStates`, { headers: auth })).json();
  const skus = await (await request.get(`${RECLAIM_GRAPH}/v1.0/subscribedSkus`, { headers: auth })).json();
  const part = Object.fromEntries(skus.value.map((s) => [s.skuId, s.skuPartNumber]));
  return user.licenseAssignmentStates.filter((s) => !s.assignedByGroup).map((s) => part[s.skuId]).sort();
}

async function openReclaim(page) {
  await page.getByRole("link", { name: "Reclaim licenses" }).click();
  await expect(page.getByRole("heading", { name: "Reclaim licenses", level: 2 })).toBeVisible();
  await expect(page).toHaveURL(/view=reclaim/);
  await expect(page.getByTestId("reclaim-monthly")).toBeVisible({ timeout: 30_000 });
}

const section = (page, title) => page.getByRole("region", { name: title, exact: true });

async function downloaded(page, button) {
  const download = page.waitForEvent("download");
  await page.getByRole("button", { name: button }).click();
  let text = "";
  for await (const chunk of await (await download).createReadStream()) text += chunk;
  return text;
}

/** Presses Tab until the element is focused (at most `limit` times): reachable by keyboard. */
/** Presses Tab until `locator` has the focus. Focus moves are counted in the page, so the
 *  page is asked only every few presses; a press past the target is undone with Shift+Tab. */
async function tabTo(page, locator, limit = 80) {
  await locator.evaluate((target) => {
    window.tabTrail = { target, sinceReached: null };
    if (document.activeElement === target) window.tabTrail.sinceReached = 0;
    document.addEventListener("focusin", (event) => {
      const trail = window.tabTrail;
      if (!trail || trail.target !== target) return;
      if (event.target === target) trail.sinceReached = 0;
      else if (trail.sinceReached !== null) trail.sinceReached += 1;
    });
  });
  const past = () => page.evaluate(() => window.tabTrail.sinceReached);
  for (let pressed = 0; pressed <= limit; pressed += 8) {
    let since = await past();
    if (since !== null) {
      for (; since > 0; since--) await page.keyboard.press("Shift+Tab");
      await expect(locator).toBeFocused();
      return;
    }
    for (let i = 0; i < 8; i++) await page.keyboard.press("Tab");
  }
  throw new Error(`not reached by Tab: ${locator}`);
}

test("find the waste, exclude a user, export, reclaim through a bulk run, and undo it", async ({ page, request }) => {
  const watch = guard(page);
  await resetGraph(request, RECLAIM_GRAPH);
  const token = mintToken({ scp: ALL_SCOPES });
  await signIn(page, DEV, RECLAIM_GRAPH, token);
  await openReclaim(page);

  // Five sections, each counted and priced; nobody is in two of them.
  await expect(section(page, "Disabled accounts with licenses").getByTestId("disabled-count")).toHaveText("3 users");
  await expect(section(page, "Inactive users").getByTestId("inactive-count")).toHaveText("2 users");
  await expect(section(page, "Never signed in").getByTestId("never-signed-in-count")).toHaveText("1 user");
  await expect(page.getByTestId("direct-copies-count")).toHaveText("3 direct copies · 2 safe to remove · 1 not safe");
  await expect(page.getByTestId("unused-seats-count")).toContainText("unused seats");
  await expect(page.getByTestId("reclaim-monthly")).toHaveText("$182.00");
  await expect(page.getByTestId("reclaim-yearly")).toHaveText("$2,184.00");
  // Sanjay reads mail on his phone every day: not inactive. Tomas is new: not waste.
  await expect(page.getByRole("link", { name: "Sanjay Rao" })).toHaveCount(0);
  await expect(page.getByRole("link", { name: "Tomas Ruiz" })).toHaveCount(0);
  // The unsafe direct copy says why and can't be ticked.
  const copies = section(page, "Direct copies of group licenses");
  await expect(copies.getByRole("checkbox", { name: "Select Wen Zhao" })).toHaveCount(0);
  await expect(copies.getByRole("row", { name: /Wen Zhao/ })).toContainText("Not safe to remove");
  await expect(page.getByText(/can take up to 24 hours/)).toBeVisible();
  await shot(page, "90-reclaim-findings");
  await expectNoAxeViolations(page, "reclaim findings");

  // The window is the admin's: at 150 days, Hugo (140 days) is no longer inactive.
  await page.getByLabel("Inactive for (days)").fill("150");
  await page.getByLabel("Inactive for (days)").press("Enter");
  await expect(page.getByTestId("inactive-count")).toHaveText("1 user");
  await page.getByLabel("Inactive for (days)").fill("90");
  await page.getByLabel("Inactive for (days)").press("Enter");
  await expect(page.getByTestId("inactive-count")).toHaveText("2 users");

  // Excluding Miriam keeps her in sight, counted, and out of every saving.
  const disabled = section(page, "Disabled accounts with licenses");
  await disabled.getByRole("button", { name: "Exclude Miriam Graham" }).click();
  await expect(disabled.getByTestId("disabled-count")).toHaveText("2 users · 1 excluded");
  await expect(disabled.getByTestId("disabled-monthly")).toHaveText("$26.00");
  await expect(page.getByTestId("reclaim-monthly")).toHaveText("$156.00");
  await expect(page.getByTestId("exclusions-summary")).toHaveText("Excluded: 1 user, 0 groups and 0 licenses.");
  await expect(disabled.getByRole("link", { name: "Miriam Graham" })).toHaveCount(0);
  await disabled.getByLabel("Show the excluded rows (1)").check();
  await expect(disabled.getByRole("button", { name: "Include again: Miriam Graham" })).toBeVisible();

  // The findings export: one row per user and license, the exclusion said, formulas neutralised.
  const csv = await downloaded(page, "Export findings as CSV");
  const lines = csv.trim().split(/\r?\n/);
  expect(lines[0]).toContain("User principal name");
  expect(lines.find((l) => l.includes("keikot@contoso.example"))).toContain("Office 365 E3");
  expect(lines.find((l) => l.includes("miriamg@contoso.example"))).toMatch(/excluded/i);
  const json = JSON.parse(await downloaded(page, "Export findings as JSON"));
  expect(JSON.stringify(json)).toContain("olgab@contoso.example");
  const exclusions = JSON.parse(await downloaded(page, "Export exclusions"));
  expect(JSON.stringify(exclusions)).toContain("miriamg@contoso.example");

  // Keiko and Olga hold E3 directly; Hugo only from All Staff; Ivana's direct copy is safe.
  await section(page, "Inactive users").getByRole("checkbox", { name: "Select Keiko Tanabe" }).check();
  await section(page, "Inactive users").getByRole("checkbox", { name: "Select Hugo Brandt" }).check();
  await section(page, "Never signed in").getByRole("checkbox", { name: "Select Olga Berg" }).check();
  await copies.getByRole("checkbox", { name: "Select Ivana Petrova" }).check();
  await expect(page.getByTestId("reclaim-selected-count")).toHaveText("3 users and 1 direct copy selected.");
  await page.getByRole("button", { name: "Reclaim selected" }).click();
  await expect(page.getByTestId("reclaim-run-summary")).toContainText("takes back 3 licenses held directly by 3 users");
  // The group's license is never sent to assignLicense: the group is named and linked.
  await expect(page.getByRole("link", { name: "Open All Staff, the group that licenses Hugo Brandt" })).toBeVisible();
  // The mailbox warning is ticked before anything goes to the bulk screen.
  const handOver = page.getByRole("button", { name: "Preview the run in Bulk changes" });
  await expect(handOver).toBeDisabled();
  await shot(page, "91-reclaim-handover");
  await expectNoAxeViolations(page, "reclaim hand-over");
  await page.getByRole("checkbox", { name: /I understand.*mailbox/ }).check();
  await handOver.click();

  await expect(page).toHaveURL(/view=bulk/);
  await expect(page.getByRole("heading", { name: /^Preview:/ })).toBeVisible({ timeout: 60_000 });
  expect((await (await control(request, RECLAIM_GRAPH, "GET", "/_stats")).json()).writes_applied).toBe(0);
  for (const box of await page.locator(".bulk-preview .warnings input[type=checkbox]").all()) await box.check();
  await page.getByRole("button", { name: "Start" }).click();
  await expect(page.getByText("Run finished")).toBeVisible({ timeout: 90_000 });
  // The report names the mailboxes the run disconnected, and until when undo reconnects them.
  await expect(page.getByTestId("mailbox-note")).toContainText("2 users lose their Exchange Online mailbox");
  await expect(page.getByTestId("mailbox-note")).toContainText("within 30 days");
  await shot(page, "92-reclaim-run-finished");
  expect(await directSkus(request, token, "keikot@contoso.example")).toEqual([]);
  expect(await directSkus(request, token, "ivanap@contoso.example")).toEqual([]);
  // Hugo's license comes from the group: untouched.
  const afterRun = await (await control(request, RECLAIM_GRAPH, "GET", "/_stats?users=1")).json();
  expect(afterRun.writes_applied, JSON.stringify(afterRun)).toBe(3);
  expect(afterRun.duplicate_writes, JSON.stringify(afterRun)).toBe(0);
  expect(Object.keys(afterRun.users ?? {}).some((u) => u.startsWith("hugob"))).toBe(false);

  // Undo is previewed like any run and puts each license back, once.
  await page.getByRole("button", { name: "Undo this run" }).click();
  await expect(page.getByRole("heading", { name: /^Preview: Undo/ })).toBeVisible({ timeout: 60_000 });
  for (const box of await page.locator(".bulk-preview .warnings input[type=checkbox]").all()) await box.check();
  await page.getByRole("button", { name: "Start" }).click();
  await expect(page.getByText("Run finished")).toBeVisible({ timeout: 90_000 });
  expect(await directSkus(request, token, "keikot@contoso.example")).toEqual(["ENTERPRISEPACK"]);
  expect(await directSkus(request, token, "olgab@contoso.example")).toEqual(["ENTERPRISEPACK"]);
  expect(await directSkus(request, token, "ivanap@contoso.example")).toEqual(["ENTERPRISEPACK"]);
  const undone = await (await control(request, RECLAIM_GRAPH, "GET", "/_stats")).json();
  expect(undone.writes_applied, JSON.stringify(undone)).toBe(6);
  expect(undone.duplicate_writes, JSON.stringify(undone)).toBe(0);
  await shot(page, "93-reclaim-undone");

  // The exclusion is kept in this browser for the tenant: signed out and in, it is still there.
  await page.getByRole("button", { name: "Sign out" }).click();
  await signIn(page, DEV, RECLAIM_GRAPH, token);
  await openReclaim(page);
  await expect(page.getByTestId("disabled-count")).toHaveText("2 users · 1 excluded");
  watch.assertClean(EXPECTED_CONSOLE);
});

test("a tenant without Entra ID P1: the sign-in sections say why, the others still work", async ({ page, request }) => {
  const watch = guard(page);
  await resetGraph(request, NO_PREMIUM_GRAPH);
  await signIn(page, DEV, NO_PREMIUM_GRAPH, mintToken({ scp: ALL_SCOPES }));
  await openReclaim(page);
  for (const title of ["Inactive users", "Never signed in"]) {
    await expect(section(page, title).getByTestId("sign-in-unavailable")).toContainText("Sign-in activity needs Microsoft Entra ID P1 or P2");
  }
  await expect(page.getByTestId("disabled-count")).toHaveText("3 users");
  await expect(page.getByTestId("direct-copies-count")).toContainText("safe to remove");
  await expect(page.getByTestId("unused-seats-count")).toContainText("unused seats");
  await expect(page.getByTestId("reclaim-monthly")).not.toHaveText("$0.00");
  await shot(page, "94-reclaim-no-premium");
  await expectNoAxeViolations(page, "reclaim without P1");
  watch.assertClean(EXPECTED_CONSOLE);
});

test("a token without AuditLog.Read.All: the permission is named, the other sections still work", async ({ page, request }) => {
  const watch = guard(page);
  await resetGraph(request, NO_PREMIUM_GRAPH);
  await signIn(page, DEV, NO_PREMIUM_GRAPH, mintToken({ scp: ALL_SCOPES.replace(" AuditLog.Read.All", "") }));
  await openReclaim(page);
  const inactive = section(page, "Inactive users");
  await expect(inactive.getByText(/Reading sign-in activity is not allowed by this token: it needs AuditLog\.Read\.All/)).toBeVisible();
  await expect(inactive.getByTestId("sign-in-unavailable")).toContainText("AuditLog.Read.All");
  await expect(page.locator(".token-panel")).toContainText("Read sign-in activity");
  await expect(page.getByTestId("disabled-count")).toHaveText("3 users");
  watch.assertClean(EXPECTED_CONSOLE);
});

for (const [width, height, prefix] of [[1280, 900, "95-reclaim-demo-desktop"], [390, 844, "96-reclaim-demo-phone"]]) {
  test(`the demo tenant at ${width} px: five sections with rows and savings, no axe violations, usable by keyboard`, async ({ page }) => {
    const watch = guard(page);
    await page.setViewportSize({ width, height });
    await page.goto(`${PROD}/?demo`);
    await expect(page.getByRole("heading", { name: "Licenses in this tenant" })).toBeVisible();
    // Keyboard only, from the top of the page to the screen.
    const link = page.getByRole("link", { name: "Reclaim licenses" });
    await tabTo(page, link);
    await page.keyboard.press("Enter");
    await expect(page.getByRole("heading", { name: "Reclaim licenses", level: 2 })).toBeVisible();
    await expect(page.getByTestId("reclaim-monthly")).toBeVisible({ timeout: 30_000 });
    for (const id of ["disabled", "inactive", "never-signed-in", "direct-copies", "unused-seats"]) {
      const part = page.locator(`section[data-section="${id}"]`);
      await expect(part.locator("tbody tr").first()).toBeVisible();
    }
    for (const id of ["disabled", "inactive", "never-signed-in", "unused-seats"]) {
      await expect(page.getByTestId(`${id}-monthly`)).not.toHaveText("$0.00");
    }
    await expect(page.getByTestId("reclaim-monthly")).not.toHaveText("$0.00");
    await expectNoAxeViolations(page, `reclaim on the demo at ${width} px`);
    await expectNoHorizontalScroll(page);
    await shot(page, prefix);

    // Tick a user, reclaim, tick the mailbox warning and hand over, all by keyboard.
    const keiko = page.getByRole("checkbox", { name: "Select Keiko Tanabe" });
    await tabTo(page, keiko, 120);
    await page.keyboard.press("Space");
    await expect(keiko).toBeChecked();
    const reclaim = page.getByRole("button", { name: "Reclaim selected" });
    await tabTo(page, reclaim, 400);
    await page.keyboard.press("Enter");
    // Focus moves to what the hand-over says, so the keyboard carries on from there.
    await expect(page.getByRole("heading", { name: "Before the run" })).toBeFocused();
    const warning = page.getByRole("checkbox", { name: /I understand.*mailbox/ });
    await tabTo(page, warning);
    await page.keyboard.press("Space");
    const handOver = page.getByRole("button", { name: "Preview the run in Bulk changes" });
    await tabTo(page, handOver);
    await expectNoAxeViolations(page, `reclaim hand-over at ${width} px`);
    await expectNoHorizontalScroll(page);
    await shot(page, `${prefix}-handover`);
    await page.keyboard.press("Enter");
    await expect(page.getByRole("heading", { name: /^Preview:/ })).toBeVisible({ timeout: 60_000 });
    watch.assertClean();
  });
}
