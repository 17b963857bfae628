#!/usr/bin/env node
// License Desk benchmark: the current release build against an earlier one, side by side
// in one run. A benchmark, run by hand, not a test.
//
//   node scripts/bench.mjs [--against <git ref>] [--dist dist] [--loads 15]
//                          [--record bench/results.md] [--rebuild] [--no-throughput]
//                          [--graph-latency-ms 100] [--throttle-mbit 10] [--no-sign-in]
//
// Builds: "current" is dist/ as built (bash scripts/build-release.sh). "against" (default
// 5ba42c2, the last build before the site was finished by Trunk alone) is built by the
// commit's own build command in a temporary git worktree under /tmp/license-desk-bench,
// with its own CARGO_TARGET_DIR there; its dist/ is kept for later runs (--rebuild builds
// it again).
// A dist/ that is not a release build is refused (see releaseProblems in bench-builds.mjs:
// a wasm with a `name`/debug section, or no CSP and .br files from the post-build step).
//
// 1. Bytes, raw, gzip (-9) and brotli (q11), of the first load and of the whole site.
//    First load: every file whose response ended before the sign-in screen was interactive,
//    read from the network log of the cold loads (not from a list), in any of them: the
//    favicon races the wasm and finishes first in some loads only. Whole site: every
//    .html/.js/.wasm/.css/.svg/.json file in dist/ except index.dev.html (a test-only page)
//    and the host and test server configs (_headers, staticwebapp.config.json,
//    security-headers.json); each of them is listed.
// 2. Time from navigation start until the sign-in screen is interactive (definition in
//    bench-load.mjs), over N cold loads of each build in headless Chromium on loopback,
//    served by tests/e2e/serve-dist.mjs with the production headers. Loads alternate
//    between the builds (A B, B A, ...) so drift on the machine hits both alike.
// 3. Time from the click on "Sign in" to a usable tenant screen (definition in
//    bench-load.mjs), over N cold loads of each build, alternating, against the fake Graph
//    server answering after --graph-latency-ms (100 by default), with the token pasted and
//    "Sign in" pressed as soon as the sign-in screen is interactive. Served with the
//    development headers (the production policy keeps a Graph on loopback out). Then the
//    same with the network throttled to --throttle-mbit (10 Mbit/s by default) through
//    Chromium's network emulation (CDP), where the bytes show. Needs the fake Graph server
//    built (cargo build --release --example fake-graph); --no-sign-in skips it.
// 4. Planner + diff throughput of the current core (cargo run --release --example throughput).
//
// Exits non-zero when the current first load exceeds BUDGET_FIRST_LOAD_BROTLI, and says by
// how much. --record appends a dated section with the tables and the exact command.

import { readFileSync, readdirSync, statSync, appendFileSync, existsSync } from "node:fs";
import { join, extname, relative } from "node:path";
import { gzipSync, brotliCompressSync, constants } from "node:zlib";
import { spawn, execFileSync } from "node:child_process";
import { chromium } from "playwright-core";
import { releaseProblems, earlierBuild } from "./bench-builds.mjs";
import { coldLoad, signInLoad } from "./bench-load.mjs";

/** Brotli bytes the browser may fetch before the sign-in screen is interactive. */
const BUDGET_FIRST_LOAD_BROTLI = 200 * 1024;
const DEFAULT_AGAINST = "5ba42c2";

const argv = process.argv.slice(2);
const FLAGS = new Set(["rebuild", "no-throughput", "no-sign-in"]);
const args = {};
for (let i = 0; i < argv.length; i++) {
  const name = argv[i].replace(/^--/, "");
  args[name] = FLAGS.has(name) ? true : argv[++i];
}
const loads = Number(args.loads ?? 15);
const graphLatencyMs = Number(args["graph-latency-ms"] ?? 100);
const throttleMbit = Number(args["throttle-mbit"] ?? 10);
const SHIPPED = new Set([".html", ".js", ".wasm", ".css", ".svg", ".json"]);
/** Files in dist/ that no browser fetches from the site: host config and the test server's. */
const NOT_SHIPPED = new Set(["index.dev.html", "security-headers.json", "staticwebapp.config.json"]);
/** Every file under `root`, relative to `dist` (wasm-bindgen's JS snippets live in snippets/). */
const filesUnder = (root, dist) =>
  readdirSync(root).flatMap((name) => {
    const path = join(root, name);
    return statSync(path).isDirectory() ? filesUnder(path, dist) : [relative(dist, path)];
  });

/** What the run prints: a markdown table, then details kept verbatim in the record. */
const table = [];
const details = [];
const out = (line = "", to = details) => {
  console.log(line);
  to.push(line);
};

function refuseUnlessRelease(label, dist) {
  const problems = releaseProblems(dist);
  if (problems.length === 0) return;
  console.error(`refusing ${label} build in ${dist}/: not a release build`);
  for (const problem of problems) console.error(`  - ${problem}`);
  console.error("build it with: bash scripts/build-release.sh (or trunk build --release)");
  process.exit(2);
}

const current = { label: "current", dist: args.dist ?? "dist" };
refuseUnlessRelease(current.label, current.dist);
const earlier = earlierBuild(args.against ?? DEFAULT_AGAINST, { rebuild: Boolean(args.rebuild) });
const against = { label: earlier.short, dist: earlier.dist };
refuseUnlessRelease(`the ${earlier.ref}`, against.dist);
const builds = [current, against];

// --- load time and the first-load network log --------------------------------------
function serve(build, port, mode = "production", key = "url") {
  const server = spawn("node", ["tests/e2e/serve-dist.mjs", "--port", String(port), "--mode", mode, "--dist", build.dist], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  build[key] = `http://127.0.0.1:${port}/`;
  return new Promise((resolve) => server.stdout.once("data", () => resolve(server)));
}
const FAKE_GRAPH = "target/release/examples/fake-graph";
const GRAPH_PORT = 4195;
const signingIn = !args["no-sign-in"];
if (signingIn && !existsSync(FAKE_GRAPH)) {
  console.error(`${FAKE_GRAPH} is missing: cargo build --release --example fake-graph (or --no-sign-in)`);
  process.exit(2);
}
const servers = [await serve(current, 4199), await serve(against, 4198)];
let token;
if (signingIn) {
  servers.push(await serve(current, 4197, "development", "devUrl"), await serve(against, 4196, "development", "devUrl"));
  const graph = spawn(FAKE_GRAPH, ["--port", String(GRAPH_PORT), "--latency-ms", String(graphLatencyMs)], { stdio: ["ignore", "pipe", "inherit"] });
  await new Promise((resolve) => graph.stdout.once("data", resolve));
  servers.push(graph);
  token = execFileSync(FAKE_GRAPH, ["--mint-token", "--scp", "User.ReadWrite.All LicenseAssignment.ReadWrite.All Organization.Read.All GroupMember.Read.All AuditLog.Read.All", "--exp-in-s", "86400"], { encoding: "utf8" }).trim();
}
/** The sign-in runs: on loopback, and throttled. */
const SIGN_IN_RUNS = [
  { key: "loopback", label: `on loopback, Graph answering after ${graphLatencyMs} ms`, throttle: 0 },
  { key: "throttled", label: `at ${throttleMbit} Mbit/s (CDP), Graph answering after ${graphLatencyMs} ms`, throttle: throttleMbit * 1_000_000 },
];
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
});
for (const build of builds) Object.assign(build, { times: [], firstLoad: new Set(), later: new Set(), encodings: new Set() });
try {
  for (const build of builds) await coldLoad(browser, build.url); // warm the servers and the disk, not measured
  for (let i = 0; i < loads; i++) {
    for (const build of i % 2 === 0 ? builds : [...builds].reverse()) {
      const load = await coldLoad(browser, build.url);
      build.times.push(load.ms);
      for (const file of load.firstLoad) build.firstLoad.add(file);
      for (const file of load.later) build.later.add(file);
      for (const encoding of load.encodings) build.encodings.add(encoding);
    }
    process.stderr.write(`\rcold loads: ${i + 1}/${loads} of each build`);
  }
  process.stderr.write("\n");
  if (signingIn) {
    for (const run of SIGN_IN_RUNS) {
      for (const build of builds) build[run.key] = { ms: [], namesMs: [] };
      for (let i = 0; i < loads; i++) {
        for (const build of i % 2 === 0 ? builds : [...builds].reverse()) {
          const load = await signInLoad(browser, build.devUrl, { graph: `http://127.0.0.1:${GRAPH_PORT}`, token, throttle: run.throttle, probeName: "Office 365 E3" });
          build[run.key].ms.push(load.ms);
          build[run.key].namesMs.push(load.namesMs);
        }
        process.stderr.write(`\rsign-in, ${run.key}: ${i + 1}/${loads} of each build`);
      }
      process.stderr.write("\n");
    }
  }
} finally {
  await browser.close();
  for (const server of servers) server.kill();
}

// --- bytes ----------------------------------------------------------------------------
const sizeCache = new Map();
function sizes(dist, name) {
  const key = join(dist, name);
  if (!sizeCache.has(key)) {
    const data = readFileSync(key);
    sizeCache.set(key, {
      raw: data.length,
      gzip: gzipSync(data, { level: 9 }).length,
      brotli: brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: data.length } }).length,
    });
  }
  return sizeCache.get(key);
}
const sum = (dist, names) =>
  [...names].reduce((total, name) => {
    const s = sizes(dist, name);
    return { raw: total.raw + s.raw, gzip: total.gzip + s.gzip, brotli: total.brotli + s.brotli };
  }, { raw: 0, gzip: 0, brotli: 0 });
for (const build of builds) {
  build.firstLoad = [...build.firstLoad].sort((a, b) => sizes(build.dist, b).raw - sizes(build.dist, a).raw);
  build.shipped = filesUnder(build.dist, build.dist)
    .filter((name) => SHIPPED.has(extname(name)) && !NOT_SHIPPED.has(name))
    .sort((a, b) => sizes(build.dist, b).raw - sizes(build.dist, a).raw);
  build.first = sum(build.dist, build.firstLoad);
  build.total = sum(build.dist, build.shipped);
}

// --- report ---------------------------------------------------------------------------
const percentile = (sorted, p) => {
  const at = (sorted.length - 1) * p;
  const low = Math.floor(at);
  return sorted[low] + (sorted[Math.min(low + 1, sorted.length - 1)] - sorted[low]) * (at - low);
};
const spread = (times) => {
  const t = [...times].sort((a, b) => a - b);
  return { median: percentile(t, 0.5), p25: percentile(t, 0.25), p75: percentile(t, 0.75), min: t[0], max: t[t.length - 1] };
};
for (const build of builds) build.time = spread(build.times);
const head = git("rev-parse", "--short", "HEAD");
const dirty = git("status", "--porcelain", "--untracked-files=no") ? " + uncommitted changes" : "";
const ratio = (a, b) => (b === 0 ? "—" : (a / b).toFixed(2));
const row = (label, a, b, unit = "") => `| ${label} | ${a}${unit} | ${b}${unit} | ${ratio(a, b)} |`;
const ms = (v) => Math.round(v);

const tableRow = (line) => out(line, table);
tableRow(`current = ${current.dist}/ (working tree at ${head}${dirty}); against = ${earlier.ref} (${earlier.commit.slice(0, 12)})`);
tableRow();
tableRow(`| | current | ${against.label} | ratio |`);
tableRow("|---|---:|---:|---:|");
for (const kind of ["raw", "gzip", "brotli"]) tableRow(row(`first load, ${kind} (bytes)`, current.first[kind], against.first[kind]));
for (const kind of ["raw", "gzip", "brotli"]) tableRow(row(`whole site, ${kind} (bytes)`, current.total[kind], against.total[kind]));
tableRow(row(`time to interactive sign-in, median of ${loads} cold loads (ms)`, ms(current.time.median), ms(against.time.median)));
tableRow(`| — interquartile range (ms) | ${ms(current.time.p25)}–${ms(current.time.p75)} | ${ms(against.time.p25)}–${ms(against.time.p75)} | |`);
tableRow(`| — min–max (ms) | ${ms(current.time.min)}–${ms(current.time.max)} | ${ms(against.time.min)}–${ms(against.time.max)} | |`);
if (signingIn) {
  for (const run of SIGN_IN_RUNS) {
    for (const [what, key] of [["usable tenant screen", "ms"], ["friendly names shown", "namesMs"]]) {
      const [a, b] = builds.map((build) => spread(build[run.key][key]));
      tableRow(row(`"Sign in" → ${what}, ${run.label}, median of ${loads} cold loads (ms)`, ms(a.median), ms(b.median)));
      tableRow(`| — interquartile range (ms) | ${ms(a.p25)}–${ms(a.p75)} | ${ms(b.p25)}–${ms(b.p75)} | |`);
      tableRow(`| — min–max (ms) | ${ms(a.min)}–${ms(a.max)} | ${ms(b.min)}–${ms(b.max)} | |`);
    }
  }
}
console.log();
for (const build of builds) {
  out(`First load of ${build.label} (${build.firstLoad.length} files; raw / gzip / brotli bytes):`);
  for (const name of build.firstLoad) {
    const s = sizes(build.dist, name);
    out(`  ${name.padEnd(44)} ${String(s.raw).padStart(9)} ${String(s.gzip).padStart(9)} ${String(s.brotli).padStart(9)}`);
  }
  const later = [...build.later].filter((name) => !build.firstLoad.includes(name));
  if (later.length) out(`  fetched after it was interactive: ${later.join(", ")}`);
}
for (const build of builds) {
  out(`Whole site of ${build.label} (${build.shipped.length} files; raw / gzip / brotli bytes):`);
  for (const name of build.shipped) {
    const s = sizes(build.dist, name);
    out(`  ${name.padEnd(44)} ${String(s.raw).padStart(9)} ${String(s.gzip).padStart(9)} ${String(s.brotli).padStart(9)}`);
  }
}
out(`Served on loopback with content-encoding: ${[...new Set(builds.flatMap((b) => [...b.encodings]))].join(", ")}.`);
if (signingIn) {
  out(`Sign-in runs: fake Graph (${FAKE_GRAPH} --latency-ms ${graphLatencyMs}) on loopback; each build served with the development headers; token pasted and "Sign in" pressed as soon as the sign-in screen was interactive; friendly names: a row reading "Office 365 E3".`);
}

if (!args["no-throughput"]) {
  out();
  out(execFileSync("cargo", ["run", "--quiet", "--release", "--example", "throughput"], { encoding: "utf8" }).trim());
}

const over = current.first.brotli - BUDGET_FIRST_LOAD_BROTLI;
const verdict =
  over > 0
    ? `OVER BUDGET: the current first load is ${current.first.brotli} brotli bytes, ${over} bytes (${(over / 1024).toFixed(1)} KiB, ${((100 * over) / BUDGET_FIRST_LOAD_BROTLI).toFixed(0)}%) over the ${BUDGET_FIRST_LOAD_BROTLI}-byte (200 KiB) budget`
    : `within budget: the current first load is ${current.first.brotli} of ${BUDGET_FIRST_LOAD_BROTLI} brotli bytes (200 KiB)`;
out();
out(verdict);

if (args.record) {
  const command = ["node", "scripts/bench.mjs", ...argv].join(" ");
  appendFileSync(
    args.record,
    `\n## ${new Date().toISOString().slice(0, 10)}: current vs ${earlier.ref}\n\n\`${command}\`\n\n${table.join("\n")}\n\n\`\`\`\n${details.join("\n").trim()}\n\`\`\`\n`,
  );
  console.log(`\nrecorded in ${args.record}`);
}
if (over > 0) process.exit(1);

function git(...gitArgs) {
  return execFileSync("git", gitArgs, { encoding: "utf8" }).trim();
}
