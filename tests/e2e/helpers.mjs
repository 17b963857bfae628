// Shared steps for the end-to-end specs: console/CSP guards, screenshots, token minting.
import { expect } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";

export const SHOTS = "test-artifacts/screenshots";
mkdirSync(SHOTS, { recursive: true });

/** Fails the test on any console error, page error or CSP violation. */
export function guard(page) {
  const problems = [];
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console: ${message.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (event) => {
      console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI}`);
    });
  });
  return {
    problems,
    assertClean(allowed = []) {
      const unexpected = problems.filter((p) => !allowed.some((pattern) => pattern.test(p)));
      expect(unexpected, unexpected.join("\n")).toEqual([]);
    },
  };
}

export async function shot(page, name) {
  await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
}

/** Mints an unsigned test token with the documented helper. */
export function mintToken({ scp, roles, aud, expInS, upn, tid } = {}) {
  const args = ["--mint-token"];
  if (scp !== undefined) args.push("--scp", scp);
  if (roles !== undefined) args.push("--roles", roles);
  if (aud !== undefined) args.push("--aud", aud);
  if (expInS !== undefined) args.push("--exp-in-s", String(expInS));
  if (upn !== undefined) args.push("--upn", upn);
  if (tid !== undefined) args.push("--tid", tid);
  const targetDir = process.env.CARGO_TARGET_DIR || "target";
  return execFileSync(`${targetDir}/release/examples/fake-graph`, args, { encoding: "utf8" }).trim();
}

export const ALL_SCOPES = "User.ReadWrite.All LicenseAssignment.ReadWrite.All Organization.Read.All GroupMember.Read.All AuditLog.Read.All";

/** Signs in through the form against a Graph on loopback. */
export async function signIn(page, base, graph, token) {
  await page.goto(`${base}/?graph=${encodeURIComponent(graph)}`);
  await page.getByLabel("Access token", { exact: true }).fill(token);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Licenses in this tenant" })).toBeVisible();
}

/** The user screen's "Changes" region (what was applied) and its "Pending changes". */
export const changes = (page) => page.getByRole("region", { name: "Changes", exact: true });
export const pending = (page) => page.getByRole("region", { name: "Pending changes", exact: true });

/**
 * Previews the pending changes and applies them, ticking first the warning for each text
 * of `acknowledge` (Apply stays disabled until then); waits until Entra ID shows the change.
 */
export async function applyPending(page, { acknowledge = [] } = {}) {
  await pending(page).getByRole("button", { name: "Preview changes" }).click();
  const apply = page.getByRole("button", { name: "Apply changes" });
  for (const text of acknowledge) {
    await expect(apply).toBeDisabled();
    await page.getByRole("checkbox", { name: new RegExp(`I understand: .*${text}`) }).check();
  }
  await expect(apply).toBeEnabled();
  await apply.click();
  await expect(changes(page).getByText("Entra ID shows the change.")).toBeVisible({ timeout: 60_000 });
}

export async function openUser(page, text, name) {
  await page.getByLabel("Find user").fill(text);
  await page.getByRole("button", { name: `Open ${name}` }).click();
  await expect(page.getByRole("heading", { name: "Licenses", exact: true })).toBeVisible();
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/** Zero axe-core violations on the page as it is now. */
export async function expectNoAxeViolations(page, view) {
  // Evaluated through the DevTools protocol, so the page's CSP stays as deployed.
  await page.evaluate(axeSource);
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const report = await axe.run(document, { resultTypes: ["violations"] });
    return report.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
  });
  expect(result, `${view}:\n${result.join("\n")}`).toEqual([]);
}

/** Nothing reaches past the viewport's right edge. */
export async function expectNoHorizontalScroll(page) {
  const wide = await page.evaluate(() => {
    const limit = document.documentElement.clientWidth;
    return [...document.querySelectorAll("body *")]
      .filter((e) => e.getBoundingClientRect().right > limit + 0.5 && !e.closest("pre, .log, details:not([open])"))
      .map((e) => `${e.tagName.toLowerCase()}.${e.className} right=${e.getBoundingClientRect().right.toFixed(1)} limit=${limit}`);
  });
  expect(wide, wide.join("\n")).toEqual([]);
}
