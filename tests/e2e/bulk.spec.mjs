// "Bulk changes" end to end: the release build (with the development CSP, which allows
// loopback) against a fake Graph with 300 extra users
// and a scaled-down write quota (100 writes per 5 s), over real HTTP. Each spec checks the
// fake Graph's own counts: every write applied once, none twice.
import { test, expect } from "@playwright/test";
import { DEV, BULK_GRAPH } from "./playwright.config.mjs";
import { ALL_SCOPES, expectNoAxeViolations, expectNoHorizontalScroll, guard, mintToken, shot, signIn } from "./helpers.mjs";

const USERS = 300;
// Bulk users 19, 39, … hold no license from a group: a reprocess has nothing to do for them.
const WITH_GROUP_LICENSES = USERS - Math.floor((USERS + 1) / 20);
const upn = (n) => `bulk${String(n).padStart(5, "0")}@contoso.example`;
const EXPECTED_CONSOLE = [/status of 4\d\d/, /Failed to load resource/];

async function control(request, method, path, data) {
  const response = await request.fetch(`${BULK_GRAPH}${path}`, { method, data });
  expect(response.ok(), `${method} ${path}: ${await response.text()}`).toBe(true);
  return response;
}
const stats = async (request) => (await control(request, "GET", "/_stats")).json();

/** A fresh tenant and fresh counts for each spec. */
async function resetGraph(request) {
  await control(request, "POST", "/_reset");
  await control(request, "POST", "/_faults", []);
  await control(request, "POST", "/_stats/reset");
}

async function openBulk(page) {
  await page.getByRole("link", { name: "Bulk changes" }).click();
  await expect(page.getByRole("heading", { name: "Bulk changes", level: 2 })).toBeVisible();
  await expect(page).toHaveURL(/view=bulk/);
}

/** Graph's count of writes received, once two looks half a second apart agree. */
async function writesSettled(request) {
  let last = -1;
  await expect.poll(async () => {
    const now = (await stats(request)).writes_received;
    const same = now === last;
    last = now;
    return same;
  }, { intervals: [500], timeout: 20_000 }).toBe(true);
  return last;
}

/** A fresh fake Graph, signed in with every permission, on the bulk screen; the console guard. */
async function startOnBulk(page, request) {
  const watch = guard(page);
  await resetGraph(request);
  await signIn(page, DEV, BULK_GRAPH, mintToken({ scp: ALL_SCOPES }));
  await openBulk(page);
  return watch;
}

const progress = (page) => page.getByRole("progressbar", { name: "Run progress" });
async function finishedCount(page) {
  return Number(await progress(page).getAttribute("aria-valuenow"));
}

/** Pastes the users as a `;`-separated CSV with a header, one bad line and a duplicate. */
async function pasteUsers(page, count) {
  const lines = ['"displayName";"userPrincipalName"'];
  for (let n = 1; n <= count; n++) lines.push(`"User ${n}";"${upn(n)}"`);
  lines.splice(3, 0, '"Nobody";"not an address"');
  lines.push(`"Again";"${upn(1).toUpperCase()}"`);
  await page.getByRole("textbox", { name: "Users", exact: true }).fill(lines.join("\n"));
  await expect(page.getByText(`${count} users found; 1 duplicate merged`)).toBeVisible();
  await expect(page.getByText(/Line 4: .*not an address/)).toBeVisible();
}

async function chooseReprocess(page) {
  await page.getByLabel("Operation").selectOption({ label: "Reprocess" });
}

async function preview(page) {
  await page.getByRole("button", { name: "Preview run" }).click();
  await expect(page.getByRole("heading", { name: /^Preview:/ })).toBeVisible({ timeout: 60_000 });
}

test("paste a CSV, preview, start, pause, resume, finish, export the report, and undo", async ({ page, request }) => {
  const watch = await startOnBulk(page, request);
  await expectNoAxeViolations(page, "bulk changes, empty");
  await pasteUsers(page, USERS);
  await page.getByLabel("Operation").selectOption({ label: "Add license" });
  await page.getByLabel("License to add").selectOption({ label: "Microsoft Power Automate Free" });
  await shot(page, "60-bulk-choose");
  await preview(page);
  // Users who hold it already need nothing; nothing was written by the preview.
  const before = await stats(request);
  expect(before.writes_applied, JSON.stringify(before)).toBe(0);
  const changeText = await page.locator(".bulk-preview .counts li").first().innerText();
  const willChange = Number(changeText.replace(/[^0-9]/g, ""));
  expect(willChange).toBeGreaterThan(100);
  await expectNoAxeViolations(page, "bulk preview");
  await shot(page, "61-bulk-preview");

  const start = page.getByRole("button", { name: "Start" });
  // Warnings that need ticking (e.g. usage location) block the start until ticked.
  for (const box of await page.locator(".bulk-preview .warnings input[type=checkbox]").all()) await box.check();
  const usage = page.getByLabel("Set a usage location for them first");
  if (await usage.count()) {
    await usage.check();
    await page.getByLabel("Usage location (two-letter country code)").fill("GB");
  }
  await expect(start).toBeEnabled();
  await start.click();
  await expect(progress(page)).toBeVisible();
  await expect.poll(() => finishedCount(page), { timeout: 60_000 }).toBeGreaterThan(20);
  await page.getByRole("button", { name: "Pause" }).click();
  await expect(page.getByText("Paused", { exact: true })).toBeVisible();
  const atPause = (await stats(request)).writes_received;
  // Writes already on their way may land; then nothing new is sent while paused.
  const settled = await writesSettled(request);
  expect(settled - atPause).toBeLessThanOrEqual(40);
  await shot(page, "62-bulk-paused");
  expect((await stats(request)).writes_received).toBe(settled);
  await page.getByRole("button", { name: "Resume" }).click();
  // Cancel asks first; keeping the run going changes nothing.
  await page.getByRole("button", { name: "Cancel", exact: true }).click();
  const question = page.getByRole("group", { name: /^Cancel this run\?/ });
  await expect(question).toBeVisible();
  await expect(question.getByRole("button", { name: "Cancel run" })).toBeVisible();
  await question.getByRole("button", { name: "Keep running" }).click();
  await expect(question).toBeHidden();
  await expect(page.getByText("Run finished")).toBeVisible({ timeout: 90_000 });
  await expect(page.getByText(/writes\/s on average/)).toBeVisible();
  await expect(page.getByRole("heading", { name: "Results" })).toBeVisible();
  await expect(page.locator(".aggregate")).toContainText("Microsoft Power Automate Free");
  await shot(page, "63-bulk-finished");
  await expectNoAxeViolations(page, "bulk results");

  const after = await stats(request);
  expect(after.duplicate_writes, JSON.stringify(after)).toBe(0);

  // The report, as CSV: one line per user plus the header.
  const download = page.waitForEvent("download");
  await page.getByRole("button", { name: "Export report as CSV" }).click();
  const csv = await (await download).createReadStream();
  let text = "";
  for await (const chunk of csv) text += chunk;
  expect(text.trim().split("\n").length).toBeGreaterThan(willChange);

  // A row opens to the user's own diff.
  await page.getByLabel("Show").selectOption("done");
  await page.getByRole("button", { name: /^Details for / }).first().click();
  await expect(page.locator(".row-details .diff").first()).toContainText("Microsoft Power Automate Free");

  // 300 rows come in pages of 50.
  await page.getByLabel("Show").selectOption("");
  await expect(page.getByText(/^Page 1 of [67]$/)).toBeVisible();
  await page.getByRole("button", { name: "Next page" }).click();
  await expect(page.getByText(/^Page 2 of [67]$/)).toBeVisible();

  // Undo is previewed like any run, then puts every user back.
  await page.getByRole("button", { name: "Undo this run" }).click();
  await expect(page.getByRole("heading", { name: /^Preview: Undo/ })).toBeVisible({ timeout: 60_000 });
  await page.getByRole("button", { name: "Start" }).click();
  await expect(page.getByText("Run finished")).toBeVisible({ timeout: 90_000 });
  const undone = await stats(request);
  expect(undone.duplicate_writes, JSON.stringify(undone)).toBe(0);
  await shot(page, "64-bulk-undone");
  watch.assertClean(EXPECTED_CONSOLE);
});

test("a 401 during a run pauses it; a fresh token finishes it with nothing failed", async ({ page, request }) => {
  const watch = await startOnBulk(page, request);
  await pasteUsers(page, USERS);
  await chooseReprocess(page);
  await preview(page);
  await page.getByRole("button", { name: "Start" }).click();
  await expect.poll(() => finishedCount(page), { timeout: 60_000 }).toBeGreaterThan(20);
  await control(request, "POST", "/_faults", [{ method: "POST", path: "/$batch", times: 1, fault: { kind: "graph_error", status: 401 } }]);
  await expect(page.getByText("Paused: needs a fresh token")).toBeVisible({ timeout: 30_000 });
  await shot(page, "65-bulk-needs-token");
  await page.getByLabel("Fresh access token").fill(mintToken({ scp: ALL_SCOPES }));
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page.getByText("Run finished")).toBeVisible({ timeout: 90_000 });
  await expect(page.locator(".bulk-progress .counts")).toContainText("Failed 0");
  const counts = await stats(request);
  expect(counts.duplicate_writes, JSON.stringify(counts)).toBe(0);
  expect(counts.writes_applied, JSON.stringify(counts)).toBe(WITH_GROUP_LICENSES);
  watch.assertClean([...EXPECTED_CONSOLE, /status of 401/]);
});

test("closing the page mid-run and resuming finishes the run with no write sent twice", async ({ browser, request }) => {
  await resetGraph(request);
  const context = await browser.newContext();
  const first = await context.newPage();
  // Close the tab while the writes are going out at the quota's pace.
  await startReprocessing(first, request, 110);
  await first.close();
  const appliedAtClose = (await stats(request)).writes_applied;
  expect(appliedAtClose).toBeLessThan(WITH_GROUP_LICENSES);

  // The next sign-in to the same tenant offers the run; the token was never saved.
  const second = await context.newPage();
  const watch = guard(second);
  await signIn(second, DEV, BULK_GRAPH, mintToken({ scp: ALL_SCOPES }));
  await expect(second.getByRole("heading", { name: "Unfinished bulk run" })).toBeVisible();
  const stored = await second.evaluate(async () => {
    const databases = await indexedDB.databases();
    return JSON.stringify(databases);
  });
  expect(stored).toContain("license-desk");
  await shot(second, "66-bulk-resume-offer");
  await resumeToTheEnd(second, request);
  watch.assertClean(EXPECTED_CONSOLE);
  await context.close();
});

/** Signs in on `page`, starts reprocessing every user and returns once Graph has applied
 *  more than `applied` of the writes. */
async function startReprocessing(page, request, applied) {
  await signIn(page, DEV, BULK_GRAPH, mintToken({ scp: ALL_SCOPES }));
  await openBulk(page);
  await pasteUsers(page, USERS);
  await chooseReprocess(page);
  await preview(page);
  await page.getByRole("button", { name: "Start" }).click();
  await expect.poll(async () => (await stats(request)).writes_applied, { timeout: 60_000, intervals: [100] }).toBeGreaterThan(applied);
}

/** Resumes the unfinished run on `page` and waits for its end: every user with a group
 *  license reprocessed once, none twice. */
async function resumeToTheEnd(page, request) {
  await page.getByRole("button", { name: "Resume run" }).click();
  await expect(page.getByText("Run finished")).toBeVisible({ timeout: 90_000 });
  const counts = await stats(request);
  expect(counts.duplicate_writes, JSON.stringify(counts)).toBe(0);
  expect(counts.writes_applied, JSON.stringify(counts)).toBe(WITH_GROUP_LICENSES);
}

test("a run running in one tab is not offered for resuming in another until that tab lets go of it", async ({ browser, request }) => {
  await resetGraph(request);
  const context = await browser.newContext();
  const first = await context.newPage();
  await startReprocessing(first, request, 20);

  // A second tab of the same browser finds the run unfinished, and sees it is running.
  const second = await context.newPage();
  const watch = guard(second);
  await signIn(second, DEV, BULK_GRAPH, mintToken({ scp: ALL_SCOPES }));
  await expect(second.getByRole("heading", { name: "Unfinished bulk run" })).toBeVisible();
  await expect(second.getByText("This run is running in another tab of this browser.", { exact: false })).toBeVisible();
  await expect(second.getByRole("button", { name: "Resume run" })).toHaveCount(0);
  await expect(second.getByRole("button", { name: "Discard" })).toHaveCount(0);
  await shot(second, "68-bulk-running-in-another-tab");
  expect(await finishedCount(first), "the first tab's run goes on").toBeLessThan(USERS);

  // Once the first tab is closed, the run can be resumed here, and nothing is written twice.
  await first.close();
  await second.getByRole("button", { name: "Check again" }).click();
  await resumeToTheEnd(second, request);
  watch.assertClean(EXPECTED_CONSOLE);
  await context.close();
});

test("the bulk screen at 390 px and by keyboard alone", async ({ page, request }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  const watch = await startOnBulk(page, request);
  // Keyboard only: type the users, pick the operation, preview and start.
  await page.getByRole("textbox", { name: "Users", exact: true }).focus();
  await page.keyboard.insertText([1, 2, 3, 4, 5].map(upn).join("\n"));
  await expect(page.getByText("5 users found")).toBeVisible();
  await page.keyboard.press("Tab");
  while (!(await page.evaluate(() => document.activeElement?.id === "bulk-operation"))) await page.keyboard.press("Tab");
  await page.keyboard.press("ArrowDown");
  await expect(page.getByLabel("Operation")).toHaveValue("reprocess");
  await page.keyboard.press("Tab");
  while (!(await page.evaluate(() => document.activeElement?.textContent === "Preview run"))) await page.keyboard.press("Tab");
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { name: /^Preview:/ })).toBeVisible({ timeout: 30_000 });
  await expectNoAxeViolations(page, "bulk preview at 390 px");
  await expectNoHorizontalScroll(page);
  await page.getByRole("button", { name: "Start" }).focus();
  await page.keyboard.press("Enter");
  await expect(page.getByText("Run finished")).toBeVisible({ timeout: 60_000 });
  await expectNoAxeViolations(page, "bulk results at 390 px");
  await expectNoHorizontalScroll(page);
  await shot(page, "67-bulk-390");
  watch.assertClean(EXPECTED_CONSOLE);
});
