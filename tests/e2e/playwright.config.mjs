// End-to-end tests: real Chromium against the release build (dist/), served on loopback
// with the production security headers, and against the fake Graph server over HTTP.
import { defineConfig } from "@playwright/test";

export const PROD = "http://127.0.0.1:4173";
export const DEV = "http://127.0.0.1:4174";
/** The release build on a host that sends no security header (GitHub Pages, object storage). */
export const BARE = "http://127.0.0.1:4175";
export const GRAPH = "http://127.0.0.1:8787";
export const SLOW_GRAPH = "http://127.0.0.1:8788";
/** A fake Graph of its own for the safety specs, so other specs' changes can't meet them. */
export const SAFETY_GRAPH = "http://127.0.0.1:8790";
/** Take faults through their control endpoint (/_faults); the bad-input catalogue runs its
 *  cases in parallel, one fake Graph per worker, so one case's faults never meet another's. */
export const FAULT_GRAPHS = ["http://127.0.0.1:8789", "http://127.0.0.1:8797", "http://127.0.0.1:8801", "http://127.0.0.1:8802"];
/** A fake Graph of its own for the expired-token walkthrough, which changes Patti. */
export const EXPIRY_GRAPH = "http://127.0.0.1:8796";
/** 300 extra users and a scaled-down write quota, for the bulk specs. */
export const BULK_GRAPH = "http://127.0.0.1:8791";
/** Group license changes processed in 1.5 s, for the groups specs. */
export const GROUPS_GRAPH = "http://127.0.0.1:8792";
/** 300 extra users, read only: the holders and unlicensed lists page through them. */
export const TENANT_GRAPH = "http://127.0.0.1:8793";
/** The demo tenant for "Reclaim licenses", which a reclaim run changes and undoes. */
export const RECLAIM_GRAPH = "http://127.0.0.1:8794";
/** A tenant without Microsoft Entra ID P1 or P2: sign-in activity is refused (403). */
export const NO_PREMIUM_GRAPH = "http://127.0.0.1:8795";

export default defineConfig({
  testDir: ".",
  outputDir: "../../test-artifacts/playwright",
  timeout: 90_000,
  expect: { timeout: 15_000 },
  // Spec files run side by side, each against its own fake Graph; within a file, tests run
  // in order unless the file says otherwise (the bad-input catalogue does). Four workers on
  // two cores: most of a spec's time is spent waiting on Graph's answers, timers and the
  // engine's checks, not on the processor.
  fullyParallel: false,
  workers: FAULT_GRAPHS.length,
  reporter: [["list"]],
  use: {
    launchOptions: {
      executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
      args: [
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
      ],
    },
    viewport: { width: 1280, height: 900 },
    trace: "retain-on-failure",
  },
  webServer: [
    { command: "node tests/e2e/serve-dist.mjs --port 4173 --mode production", url: PROD, cwd: "../..", reuseExistingServer: false },
    { command: "node tests/e2e/serve-dist.mjs --port 4174 --mode development", url: DEV, cwd: "../..", reuseExistingServer: false },
    { command: "node tests/e2e/serve-dist.mjs --port 4175 --mode bare", url: BARE, cwd: "../..", reuseExistingServer: false },
    { command: "cargo run --release --example fake-graph -- --port 8787", url: GRAPH + "/", cwd: "../..", reuseExistingServer: false, timeout: 300_000 },
    {
      command: "cargo run --release --example fake-graph -- --port 8788 --replication-delay-ms 1500 --throttle-quota 2 --throttle-window-s 10",
      url: SLOW_GRAPH + "/", cwd: "../..", reuseExistingServer: false, timeout: 300_000,
    },
    { command: "cargo run --release --example fake-graph -- --port 8790", url: SAFETY_GRAPH + "/", cwd: "../..", reuseExistingServer: false, timeout: 300_000 },
    ...FAULT_GRAPHS.map((url) => ({
      command: `cargo run --release --example fake-graph -- --port ${new URL(url).port}`, url: url + "/", cwd: "../..", reuseExistingServer: false, timeout: 300_000,
    })),
    { command: "cargo run --release --example fake-graph -- --port 8796", url: EXPIRY_GRAPH + "/", cwd: "../..", reuseExistingServer: false, timeout: 300_000 },
    {
      command: "cargo run --release --example fake-graph -- --port 8791 --users 300 --latency-ms 40 --write-quota 100/5s",
      url: BULK_GRAPH + "/", cwd: "../..", reuseExistingServer: false, timeout: 300_000,
    },
    { command: "cargo run --release --example fake-graph -- --port 8792 --group-processing-ms 1500", url: GROUPS_GRAPH + "/", cwd: "../..", reuseExistingServer: false, timeout: 300_000 },
    { command: "cargo run --release --example fake-graph -- --port 8793 --users 300", url: TENANT_GRAPH + "/", cwd: "../..", reuseExistingServer: false, timeout: 300_000 },
    { command: "cargo run --release --example fake-graph -- --port 8794", url: RECLAIM_GRAPH + "/", cwd: "../..", reuseExistingServer: false, timeout: 300_000 },
    { command: "cargo run --release --example fake-graph -- --port 8795 --no-premium", url: NO_PREMIUM_GRAPH + "/", cwd: "../..", reuseExistingServer: false, timeout: 300_000 },
  ],
});
