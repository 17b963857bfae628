#!/usr/bin/env node
// Bulk benchmark: "reprocess every bulk user" at Graph's write-quota ceiling, three ways,
// against the fake Graph server. A benchmark, run by hand, not a test.
//
//   node bench/bulk.mjs [--users 3000] [--only ui,naive,sdk,sdk-retry] [--cap 240] [--latency-ms 300]
//                       [--quota 600/30s] [--scenarios none,faults,hidden] [--out bench/bulk-results.md]
//                       [--tab yes]
//   node bench/bulk.mjs --render run1.log[,run2.log…] [--out …]   (the table again, from the
//                       JSON lines earlier runs printed)
//
// The fake Graph is the release build of `cargo build --release --example fake-graph`
// (in $CARGO_TARGET_DIR, else target/; built here when missing). Each contender gets a
// freshly started server with `--users N --latency-ms 300 --write-quota 600/30s` (the same
// 20 writes/s as Graph's 3,000 per 150 s) plus, per scenario, nothing, `--fault-rate 0.05`,
// or `--hide-retry-after`. Contenders:
//   ui     License Desk's "Bulk changes" screen in headless Chromium (/usr/bin/chromium),
//          served from the release dist/ by tests/e2e/serve-dist.mjs (development mode: its
//          CSP allows a Graph on loopback), signed in with a minted token and ?graph=.
//   naive  A sequential loop, the PowerShell `foreach` way: one POST per user, waiting out
//          Retry-After on 429 (a fixed 10 s when the header is missing), any other failure
//          logged and skipped.
//   sdk    @microsoft/microsoft-graph-client with its default middleware, BatchRequestContent
//          in chunks of 20 sent one after another; items that came back 429 (or failed
//          otherwise) inside a batch are not sent again: the SDK's retry handler only sees
//          the status of the $batch call itself.
//   sdk-retry  The same, plus the retry Graph's throttling page gives for $batch: the items
//          that came back 429 go again in a new batch after the longest Retry-After among
//          them (without the header, an exponential backoff from 1 s, capped at 32 s),
//          until none is throttled. Other failed items are not sent again.
// With `--tab yes`, the ui contender also records what the run costs the tab, from Start
// to "Run finished": the peak JS heap (the DevTools protocol's JSHeapUsedSize, read every
// second), the peak memory of the page's renderer process (its resident set, from ps,
// wasm's linear memory included), and the gaps between animation frames while the
// progress, chart and results table update (median, 95th percentile, longest, and how
// many were over 50 ms).
// A contender still running at the cap is stopped and its rate reported; its "% of optimum"
// projects its time to all N at its pace. A contender that finished with writes never
// applied has no "% of optimum": it did not do the job. Numbers per contender come from
// the server (GET /_stats?users=1): writes applied, duplicate writes, and lost (users the
// contender attempted whose write was never applied). "failed" is what the contender itself counted as failed.
// The optimum is ⌈max(0, n − W) / W⌉ × T seconds plus one latency for the n writes a
// contender needs (the fake Graph counts a sliding window): the quota-limited time. License
// Desk skips users with no license from a group (nothing to reprocess); its exported report
// says which, and they count as not attempted.

import { spawn, spawnSync, execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";

const argv = process.argv.slice(2);
const args = {};
for (let i = 0; i < argv.length; i++) args[argv[i].replace(/^--/, "")] = argv[++i];
const USERS = Number(args.users ?? 3000);
const CAP_S = Number(args.cap ?? 240);
const LATENCY_MS = Number(args["latency-ms"] ?? 300);
const QUOTA = args.quota ?? "600/30s";
const TAB = args.tab === "yes";
const ONLY = (args.only ?? "ui,naive,sdk,sdk-retry").split(",").map((s) => s.trim());
const OUT = args.out ?? "bench/bulk-results.md";
const SCENARIOS = [
  { key: "none", name: "no faults", flags: [] },
  { key: "faults", name: "5% faults", flags: ["--fault-rate", "0.05"] },
  { key: "hidden", name: "Retry-After hidden", flags: ["--hide-retry-after"] },
].filter((s) => (args.scenarios ?? "none,faults,hidden").split(",").includes(s.key));

const [QUOTA_W, QUOTA_T] = QUOTA.replace(/s$/, "").split("/").map(Number);
// `--write-quota` makes the fake Graph count a sliding window: the first W writes go at
// once, then W more each window. The optimum for n writes is the time of the last window.
const optimumFor = (n) => Math.ceil(Math.max(0, n - QUOTA_W) / QUOTA_W) * QUOTA_T + LATENCY_MS / 1000;
const OPTIMUM_S = optimumFor(USERS);
const TARGET_DIR = process.env.CARGO_TARGET_DIR || "target";
const FAKE_GRAPH = `${TARGET_DIR}/release/examples/fake-graph`;
const upn = (n) => `bulk${String(n).padStart(5, "0")}@contoso.example`;
const UPNS = Array.from({ length: USERS }, (_, i) => upn(i + 1));
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const RENDER = args.render?.split(",");
if (!RENDER && !existsSync(FAKE_GRAPH)) {
  console.log(`building ${FAKE_GRAPH}`);
  const built = spawnSync("cargo", ["build", "--release", "-p", "license-desk-sim", "--example", "fake-graph"], { stdio: "inherit" });
  if (built.status !== 0) process.exit(1);
}

function freePort() {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Starts a fake Graph; resolves once it listens. */
async function startGraph(flags) {
  const port = await freePort();
  const child = spawn(FAKE_GRAPH, ["--port", String(port), "--users", String(USERS), "--latency-ms", String(LATENCY_MS), "--write-quota", QUOTA, ...flags], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise((resolve, reject) => {
    child.stdout.on("data", (chunk) => String(chunk).includes("listening on") && resolve());
    child.on("exit", (code) => reject(new Error(`fake-graph exited with ${code}`)));
  });
  return { origin: `http://127.0.0.1:${port}`, stop: () => child.kill() };
}

const token = RENDER ? "" : execFileSync(FAKE_GRAPH, ["--mint-token", "--exp-in-s", "7200"], { encoding: "utf8" }).trim();

async function serverStats(origin) {
  return (await fetch(`${origin}/_stats?users=1`)).json();
}

// --- contenders ----------------------------------------------------------------------
// Each returns { attempted: Set of UPNs, failed, finished } and stops at `deadline`.

async function naive(origin, deadline) {
  const attempted = new Set();
  let failed = 0;
  for (const user of UPNS) {
    if (Date.now() >= deadline) return { attempted, failed, finished: false };
    attempted.add(user);
    for (;;) {
      let response;
      try {
        response = await fetch(`${origin}/v1.0/users/${user}/reprocessLicenseAssignment`, {
          method: "POST",
          headers: { Authorization: `Bearer ${token}` },
          signal: AbortSignal.timeout(30_000),
        });
        await response.arrayBuffer();
      } catch {
        failed++;
        break;
      }
      if (response.status === 429) {
        const header = response.headers.get("Retry-After");
        await sleep(header === null ? 10_000 : Number(header) * 1000);
        if (Date.now() >= deadline) return { attempted, failed, finished: false };
        continue;
      }
      if (!response.ok) failed++;
      break;
    }
  }
  return { attempted, failed, finished: true };
}

/** The Graph JS SDK's batching; with `retryThrottled`, the throttling page's retry. */
async function sdkBatches(origin, deadline, retryThrottled) {
  const { Client, BatchRequestContent, BatchResponseContent } = await import("@microsoft/microsoft-graph-client");
  // The SDK's authentication handler gives tokens only to https Graph hosts and strips
  // Authorization from anything else, so on loopback http the token goes in below it, at
  // the fetch the SDK calls last. The middleware chain itself (authentication, retry,
  // redirect, telemetry) is the default one.
  const realFetch = globalThis.fetch;
  globalThis.fetch = (input, init = {}) => {
    const headers = new Headers(init.headers);
    headers.set("Authorization", `Bearer ${token}`);
    return realFetch(input, { ...init, headers });
  };
  try {
    const client = Client.init({ authProvider: (done) => done(null, token), baseUrl: origin });
    const attempted = new Set();
    let failed = 0;
    for (let start = 0; start < UPNS.length; start += 20) {
      if (Date.now() >= deadline) return { attempted, failed, finished: false };
      let pending = UPNS.slice(start, start + 20);
      pending.forEach((user) => attempted.add(user));
      for (let round = 0; pending.length > 0; round++) {
        const steps = pending.map((user, i) => ({
          id: String(i + 1),
          request: new Request(`${origin}/users/${user}/reprocessLicenseAssignment`, { method: "POST" }),
        }));
        const content = await new BatchRequestContent(steps).getContent();
        let body;
        try {
          body = await client.api("/$batch").post(content);
        } catch {
          failed += pending.length;
          break;
        }
        const throttled = [];
        let longestSeconds = null;
        for (const [id, response] of new BatchResponseContent(body).getResponses()) {
          if (retryThrottled && response.status === 429) {
            throttled.push(pending[Number(id) - 1]);
            const header = response.headers.get("Retry-After");
            if (header !== null) longestSeconds = Math.max(longestSeconds ?? 0, Number(header));
          } else if (!response.ok) {
            failed++;
          }
        }
        if (throttled.length === 0) break;
        const waitMs = longestSeconds === null ? Math.min(1000 * 2 ** round, 32_000) : longestSeconds * 1000;
        if (Date.now() + waitMs >= deadline) return { attempted, failed: failed + throttled.length, finished: false };
        await sleep(waitMs);
        pending = throttled;
      }
    }
    return { attempted, failed, finished: true };
  } finally {
    globalThis.fetch = realFetch;
  }
}

const sdk = (origin, deadline) => sdkBatches(origin, deadline, false);
const sdkRetry = (origin, deadline) => sdkBatches(origin, deadline, true);

async function ui(origin, deadline) {
  const began = Date.now();
  const { chromium } = await import("playwright-core");
  if (!existsSync("dist/security-headers.json")) throw new Error("dist/ is not a release build: bash scripts/build-release.sh");
  const port = await freePort();
  const site = spawn("node", ["tests/e2e/serve-dist.mjs", "--port", String(port), "--mode", "development"], { stdio: ["ignore", "pipe", "inherit"] });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try {
      await fetch(base);
      break;
    } catch {
      await sleep(100);
    }
  }
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium" });
  try {
    const page = await browser.newPage();
    await page.goto(`${base}/?graph=${encodeURIComponent(origin)}`);
    await page.getByLabel("Access token", { exact: true }).fill(token);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Licenses in this tenant" }).waitFor();
    await page.getByRole("link", { name: "Bulk changes" }).click();
    // Pasted in one go, as an admin pastes a column from a spreadsheet.
    const users = page.getByRole("textbox", { name: "Users", exact: true });
    await users.evaluate((element, text) => {
      element.value = text;
      element.dispatchEvent(new Event("input", { bubbles: true }));
    }, UPNS.join("\n"));
    await page.getByRole("combobox", { name: "Operation" }).selectOption({ label: "Reprocess" });
    await page.getByRole("button", { name: "Preview run" }).click();
    const start = page.getByRole("button", { name: "Start" });
    await start.waitFor({ timeout: 120_000 });
    // The preview's first count: users who will change (a write each).
    const changeText = await page.locator(".bulk-preview .counts li").first().innerText();
    const needed = Number(changeText.replace(/[^0-9]/g, "")) || null;
    // The clock starts at "Start": the preview before it writes nothing (its time is reported apart).
    const previewSeconds = (Date.now() - began) / 1000;
    const tab = TAB ? await watchTab(page) : null;
    await start.click();
    const startedAt = Date.now();
    const progress = page.getByRole("progressbar", { name: "Run progress" });
    const attempted = new Set(UPNS);
    let writesDoneAt = null;
    for (;;) {
      if (writesDoneAt === null) {
        const counts = await (await fetch(`${origin}/_stats`)).json();
        if (counts.writes_applied >= (needed ?? UPNS.length)) writesDoneAt = Date.now();
      }
      const [now, max] = await Promise.all([progress.getAttribute("aria-valuenow"), progress.getAttribute("aria-valuemax")]);
      const finished = now !== null && now === max && (await page.getByText("Run finished").count()) > 0;
      if (finished || Date.now() >= deadline) {
        const text = await page.locator("body").innerText();
        const failed = Number((text.match(/Failed\s+([\d,]+)/)?.[1] ?? "0").replace(/,/g, ""));
        const writesSeconds = writesDoneAt === null ? null : (writesDoneAt - startedAt) / 1000;
        if (finished) {
          // The run holds only the users the preview found something to do for (the rest
          // have no license from a group to reprocess): the app's own report lists them.
          const download = page.waitForEvent("download");
          await page.getByRole("button", { name: "Export report as JSON" }).click();
          let json = "";
          for await (const chunk of await (await download).createReadStream()) json += chunk;
          // The report says a user's status in words: "No change needed" is the preview's no-op.
          const inRun = new Set(JSON.parse(json).filter((row) => row.status !== "No change needed").map((row) => row.user));
          for (const user of UPNS) if (!inRun.has(user)) attempted.delete(user);
        }
        const skipped = UPNS.length - attempted.size;
        const cost = tab ? await tab.stop() : null;
        return { attempted, skipped, failed, finished, startedAt, previewSeconds, writesSeconds, tab: cost };
      }
      await sleep(250);
    }
  } finally {
    await browser.close();
    site.kill();
  }
}

/** Starts recording the tab's heap, its renderers' memory and its frame gaps; `stop()`
 *  ends it and returns the figures (MB and ms). */
async function watchTab(page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Performance.enable");
  let peakHeap = 0;
  let peakRenderers = 0;
  const rendererMb = () => {
    const out = spawnSync("ps", ["-C", "chromium", "-o", "rss=,args="], { encoding: "utf8" }).stdout ?? "";
    // The page's renderer is the largest; the browser's own UI has one of its own.
    const sizes = out.split("\n").filter((line) => line.includes("--type=renderer") && !line.includes("--top-chrome-webui"));
    return Math.max(0, ...sizes.map((line) => Number(line.trim().split(/\s+/)[0]) / 1024));
  };
  const sample = async () => {
    const { metrics } = await cdp.send("Performance.getMetrics");
    const heap = metrics.find((m) => m.name === "JSHeapUsedSize")?.value ?? 0;
    peakHeap = Math.max(peakHeap, heap / 1024 / 1024);
    peakRenderers = Math.max(peakRenderers, rendererMb());
  };
  await sample();
  const timer = setInterval(() => sample().catch(() => {}), 1000);
  await page.evaluate(() => {
    window.__frameGaps = [];
    let last = performance.now();
    const tick = (now) => {
      window.__frameGaps.push(now - last);
      last = now;
      if (!window.__stopFrames) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  return {
    async stop() {
      clearInterval(timer);
      await sample();
      const gaps = await page.evaluate(() => {
        window.__stopFrames = true;
        return window.__frameGaps;
      });
      gaps.sort((a, b) => a - b);
      const at = (q) => gaps[Math.min(gaps.length - 1, Math.floor(q * gaps.length))] ?? 0;
      return {
        peakHeapMb: peakHeap,
        peakRenderersMb: peakRenderers,
        frames: gaps.length,
        medianMs: at(0.5),
        p95Ms: at(0.95),
        longestMs: gaps.at(-1) ?? 0,
        over50: gaps.filter((gap) => gap > 50).length,
      };
    },
  };
}

const CONTENDERS = { ui, naive, sdk, "sdk-retry": sdkRetry };

// --- the runs ------------------------------------------------------------------------
const rows = RENDER
  ? RENDER.flatMap((file) => readFileSync(file, "utf8").split("\n").filter((line) => line.startsWith("{")).map((line) => JSON.parse(line)))
  : [];
for (const scenario of RENDER ? [] : SCENARIOS) {
  for (const name of ONLY) {
    const graph = await startGraph(scenario.flags);
    const started = Date.now();
    let outcome;
    try {
      outcome = await CONTENDERS[name](graph.origin, started + CAP_S * 1000);
    } catch (error) {
      console.error(`${name} (${scenario.name}): ${error.message}`);
      graph.stop();
      rows.push({ scenario: scenario.name, name, error: error.message.split("\n")[0] });
      continue;
    }
    const elapsed = (Date.now() - (outcome.startedAt ?? started)) / 1000;
    const stats = await serverStats(graph.origin);
    graph.stop();
    const applied = stats.users ?? {};
    const reached = UPNS.filter((u) => (applied[u] ?? 0) > 0).length;
    const lost = [...outcome.attempted].filter((u) => !(applied[u] > 0)).length;
    const row = {
      scenario: scenario.name,
      name,
      finished: outcome.finished,
      elapsed,
      rate: stats.writes_applied / elapsed,
      applied: stats.writes_applied,
      reached,
      failed: outcome.failed,
      lost,
      skipped: outcome.skipped ?? 0,
      notReached: USERS - outcome.attempted.size - (outcome.skipped ?? 0),
      duplicates: stats.duplicate_writes,
      throttled: stats.writes_throttled,
      previewSeconds: outcome.previewSeconds,
      writesSeconds: outcome.writesSeconds,
      tab: outcome.tab ?? undefined,
    };
    rows.push(row);
    console.log(JSON.stringify(row));
  }
}

const fmt = (n, digits = 0) => n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
const lines = [
  `Bulk reprocess of ${fmt(USERS)} users, fake Graph with --latency-ms ${LATENCY_MS} --write-quota ${QUOTA}; cap ${CAP_S} s; optimum ${fmt(OPTIMUM_S, 1)} s.`,
  `Command: node bench/bulk.mjs ${argv.join(" ")}`.trim(),
  "",
  "| scenario | contender | time (s) | writes/s | % of optimum | users applied | nothing to do | failed | lost | not reached | duplicate writes | 429s to writes |",
  "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
  ...rows.map((r) => {
    if (r.error) return `| ${r.scenario} | ${r.name} | not run: ${r.error} | | | | | | | | | |`;
    const skipped = r.skipped ?? 0;
    const needed = USERS - skipped;
    const optimum = optimumFor(needed);
    const share = r.finished && r.lost > 0 ? "— (writes lost)" : `${fmt((100 * optimum * (r.finished ? 1 : r.reached / needed)) / r.elapsed, 1)}${r.finished ? "" : " (projected)"}`;
    return `| ${r.scenario} | ${r.name} | ${fmt(r.elapsed, 1)}${r.finished ? "" : " (cap)"}${r.previewSeconds ? ` (+${fmt(r.previewSeconds, 1)} preview)` : ""} | ${fmt(r.rate, 2)} | ${share} | ${fmt(r.reached)} | ${fmt(skipped)} | ${fmt(r.failed)} | ${fmt(r.lost)} | ${fmt(r.notReached)} | ${fmt(r.duplicates)} | ${fmt(r.throttled)} |`;
  }),
  "",
  "\"Nothing to do\": users License Desk's preview found with no license from a group, so nothing to reprocess; its optimum counts only the writes it needs. License Desk's time runs from pressing Start to \"Run finished\", which includes re-reading every user until Entra ID shows the result (up to the settle timeout). The preview before Start (a dry run that reads and plans every user and writes nothing) is shown in brackets.",
  "",
  ...rows
    .filter((r) => r.writesSeconds)
    .map((r) => `- ${r.scenario}, ${r.name}: every write applied ${fmt(r.writesSeconds, 1)} s after Start, ${fmt((100 * optimumFor(USERS - (r.skipped ?? 0))) / r.writesSeconds, 1)}% of the optimum.`),
  "",
  ...rows
    .filter((r) => r.tab)
    .map((r) => `- ${r.scenario}, ${r.name}, the tab from Start to "Run finished": JS heap at most ${fmt(r.tab.peakHeapMb, 1)} MB, the page's renderer process at most ${fmt(r.tab.peakRenderersMb)} MB resident; ${fmt(r.tab.frames)} frames, median ${fmt(r.tab.medianMs, 1)} ms, 95th percentile ${fmt(r.tab.p95Ms, 1)} ms, longest ${fmt(r.tab.longestMs)} ms, ${fmt(r.tab.over50)} over 50 ms.`),
  "",
];
console.log(lines.join("\n"));
writeFileSync(OUT, lines.join("\n"));
