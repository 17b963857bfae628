#!/usr/bin/env node
// License Desk benchmark: bundle bytes and load time. A benchmark, not a test.
//
//   node scripts/bench.mjs [--dist dist] [--loads 7] [--record bench/results.md]
//
// 1. Every shipped file in dist/ with raw, gzip (-9) and brotli (q11) bytes, and totals.
//    Exits non-zero when the brotli total exceeds BUDGET_BROTLI_BYTES.
// 2. Time from navigation start until the sign-in screen is interactive in headless
//    Chromium, as the median of N cold loads (fresh browser context each) on loopback,
//    served with the production headers and brotli.
// 3. Planner + diff throughput of the pure core (users per second), from `cargo run
//    --release --example throughput`.

import { readFileSync, readdirSync, statSync, appendFileSync } from "node:fs";
import { join, extname } from "node:path";
import { gzipSync, brotliCompressSync, constants } from "node:zlib";
import { spawn, execFileSync } from "node:child_process";
import { chromium } from "playwright-core";

/** Total brotli transfer budget for everything the browser downloads. */
const BUDGET_BROTLI_BYTES = 360 * 1024;

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, value, index, all) => (index % 2 === 0 ? [...pairs, [value.replace(/^--/, ""), all[index + 1]]] : pairs), []),
);
const dist = args.dist ?? "dist";
const loads = Number(args.loads ?? 7);
const SHIPPED = new Set([".html", ".js", ".wasm", ".css"]);

const rows = readdirSync(dist)
  .filter((name) => SHIPPED.has(extname(name)) && statSync(join(dist, name)).isFile())
  .map((name) => {
    const data = readFileSync(join(dist, name));
    return {
      name,
      raw: data.length,
      gzip: gzipSync(data, { level: 9 }).length,
      brotli: brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
    };
  })
  .sort((a, b) => b.raw - a.raw);
const total = rows.reduce((t, r) => ({ raw: t.raw + r.raw, gzip: t.gzip + r.gzip, brotli: t.brotli + r.brotli }), { raw: 0, gzip: 0, brotli: 0 });

const pad = (v, n) => String(v).padStart(n);
const lines = [];
const out = (line = "") => { console.log(line); lines.push(line); };
out(`Bundle (${dist}/)`);
out(`${"file".padEnd(44)} ${pad("raw", 10)} ${pad("gzip", 10)} ${pad("brotli", 10)}`);
for (const r of rows) out(`${r.name.padEnd(44)} ${pad(r.raw, 10)} ${pad(r.gzip, 10)} ${pad(r.brotli, 10)}`);
out(`${"total".padEnd(44)} ${pad(total.raw, 10)} ${pad(total.gzip, 10)} ${pad(total.brotli, 10)}`);
out(`budget: ${BUDGET_BROTLI_BYTES} brotli bytes (${(100 * total.brotli / BUDGET_BROTLI_BYTES).toFixed(0)}% used)`);

// --- load time -------------------------------------------------------------------
const server = spawn("node", ["tests/e2e/serve-dist.mjs", "--port", "4199", "--mode", "production", "--dist", dist], { stdio: ["ignore", "pipe", "inherit"] });
await new Promise((resolve) => server.stdout.once("data", resolve));
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
});
const times = [];
try {
  for (let i = 0; i < loads; i++) {
    const context = await browser.newContext(); // cold: no cache, no compiled wasm
    const page = await context.newPage();
    await page.goto("http://127.0.0.1:4199/");
    await page.getByRole("button", { name: "Sign in" }).waitFor();
    times.push(await page.evaluate(() => performance.now()));
    await context.close();
  }
} finally {
  await browser.close();
  server.kill();
}
times.sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)];
out();
out(`Time to interactive sign-in (navigation start → "Sign in" button), ${loads} cold loads on loopback:`);
out(`median ${median.toFixed(0)} ms (min ${times[0].toFixed(0)}, max ${times[times.length - 1].toFixed(0)})`);

// --- core throughput -------------------------------------------------------------
out();
out(execFileSync("cargo", ["run", "--quiet", "--release", "--example", "throughput"], { encoding: "utf8" }).trim());

if (args.record) {
  appendFileSync(args.record, `\n## ${new Date().toISOString().slice(0, 10)}\n\n\`\`\`\n${lines.join("\n")}\n\`\`\`\n`);
  console.log(`\nrecorded in ${args.record}`);
}
if (total.brotli > BUDGET_BROTLI_BYTES) {
  console.error(`over budget: ${total.brotli} > ${BUDGET_BROTLI_BYTES} brotli bytes`);
  process.exit(1);
}
