// Shared steps for the end-to-end specs: console/CSP guards, screenshots, token minting.
import { expect } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";

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

export const ALL_SCOPES = "User.ReadWrite.All LicenseAssignment.ReadWrite.All Organization.Read.All";

/** Signs in through the form against a Graph on loopback. */
export async function signIn(page, base, graph, token) {
  await page.goto(`${base}/?graph=${encodeURIComponent(graph)}`);
  await page.getByLabel("Access token", { exact: true }).fill(token);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Licenses in this tenant" })).toBeVisible();
}

export async function openUser(page, text, name) {
  await page.getByLabel("Find user").fill(text);
  await page.getByRole("button", { name: `Open ${name}` }).click();
  await expect(page.getByRole("heading", { name: "Licenses", exact: true })).toBeVisible();
}
