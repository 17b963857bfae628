// Frame times of the "Bulk changes" screen while a 10,000-user run updates it.
//
//   node bench/bulk-frames.mjs [--users 10000] [--seconds 30]
//
// Starts the release fake Graph with --users N and a write quota high enough that the
// engine's own budget (3,000 writes per 150 s) paces the run, serves dist/ (development
// mode, so the page may talk to loopback), previews and starts "Reprocess" for every bulk
// user, then records the gap between animation frames for a while as the journal, the
// counts, the chart and the table (10,000 rows, paged) update. Reports the median, 95th
// percentile and longest frame, and frames over 50 ms. Run by hand; not a test.
import { spawn, execFileSync } from "node:child_process";
import { createServer } from "node:net";
import { existsSync } from "node:fs";

const args = Object.fromEntries(
  process.argv.slice(2).flatMap((arg, i, all) => (arg.startsWith("--") ? [[arg.slice(2), all[i + 1]]] : [])),
);
const USERS = Number(args.users ?? 10_000);
const SECONDS = Number(args.seconds ?? 30);
const TARGET = process.env.CARGO_TARGET_DIR || "target";
const FAKE_GRAPH = `${TARGET}/release/examples/fake-graph`;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function freePort() {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitFor(url) {
  for (let i = 0; i < 200; i++) {
    try {
      await fetch(url);
      return;
    } catch {
      await sleep(100);
    }
  }
  throw new Error(`${url} did not answer`);
}

if (!existsSync("dist/security-headers.json")) throw new Error("dist/ is not a release build: trunk build --release");
if (!existsSync(FAKE_GRAPH)) throw new Error(`${FAKE_GRAPH} is missing: cargo build --release --example fake-graph`);
const graphPort = await freePort();
const graph = spawn(FAKE_GRAPH, ["--port", String(graphPort), "--users", String(USERS), "--latency-ms", "100", "--write-quota", "100000/10s"], { stdio: "ignore" });
const sitePort = await freePort();
const site = spawn("node", ["tests/e2e/serve-dist.mjs", "--port", String(sitePort), "--mode", "development"], { stdio: "ignore" });
const origin = `http://127.0.0.1:${graphPort}`;
const base = `http://127.0.0.1:${sitePort}`;
await waitFor(origin);
await waitFor(base);
const token = execFileSync(FAKE_GRAPH, ["--mint-token", "--scp", "User.ReadWrite.All LicenseAssignment.ReadWrite.All Organization.Read.All GroupMember.Read.All"], { encoding: "utf8" }).trim();

const { chromium } = await import("playwright-core");
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium" });
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(`${base}/?graph=${encodeURIComponent(origin)}`);
  await page.getByLabel("Access token", { exact: true }).fill(token);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Licenses in this tenant" }).waitFor();
  await page.getByRole("link", { name: "Bulk changes" }).click();
  const upns = Array.from({ length: USERS }, (_, i) => `bulk${String(i + 1).padStart(5, "0")}@contoso.example`);
  await page.getByRole("textbox", { name: "Users", exact: true }).evaluate((element, text) => {
    element.value = text;
    element.dispatchEvent(new Event("input", { bubbles: true }));
  }, upns.join("\n"));
  await page.getByRole("combobox", { name: "Operation" }).selectOption({ label: "Reprocess" });
  const previewStarted = Date.now();
  await page.getByRole("button", { name: "Preview run" }).click();
  const start = page.getByRole("button", { name: "Start" });
  await start.waitFor({ timeout: 300_000 });
  const previewSeconds = (Date.now() - previewStarted) / 1000;
  await start.click();
  await page.getByRole("table", { name: /Status, change and error per user/ }).waitFor();
  const frames = await page.evaluate(
    (seconds) =>
      new Promise((resolve) => {
        const gaps = [];
        let last = performance.now();
        const end = last + seconds * 1000;
        const tick = (now) => {
          gaps.push(now - last);
          last = now;
          if (now < end) requestAnimationFrame(tick);
          else resolve(gaps);
        };
        requestAnimationFrame(tick);
      }),
    SECONDS,
  );
  const progress = await page.getByRole("progressbar", { name: "Run progress" }).getAttribute("aria-valuenow");
  frames.sort((a, b) => a - b);
  const at = (q) => frames[Math.min(frames.length - 1, Math.floor(q * frames.length))];
  const over = frames.filter((gap) => gap > 50).length;
  console.log(`Bulk screen frame times while a ${USERS.toLocaleString("en-US")}-user run updates it, over ${SECONDS} s (preview took ${previewSeconds.toFixed(1)} s; ${progress} users finished by the end):`);
  console.log(`frames ${frames.length}, median ${at(0.5).toFixed(1)} ms, p95 ${at(0.95).toFixed(1)} ms, longest ${frames[frames.length - 1].toFixed(1)} ms, over 50 ms: ${over}`);
  console.log(`Command: node bench/bulk-frames.mjs ${process.argv.slice(2).join(" ")}`.trim());
} finally {
  await browser.close();
  graph.kill();
  site.kill();
}
