#!/usr/bin/env node
// Where a module's wasm bytes go, by crate and by module, and by the features the workspace
// carries or leaves out: the simulator and its seed data, the names table, serde/serde_json,
// Leptos views, the rest. The shipped wasm has no symbol names (wasm-opt drops them), so
// this builds the same wasm with its names kept and reads it with twiggy
// (`cargo install twiggy`). A measurement, run by hand, not a test.
//
//   node scripts/wasm-breakdown.mjs [--bin license-desk|sign-in|demo] [--wasm file.wasm]
//                                   [--top 25] [--modules 30] [--shipped dist/x_bg.wasm]
//
// --bin picks the module: `license-desk`, the workspace (the default), `sign-in`, the first
// page's module, or `demo`, the demo tenant's module.
//
// Without --wasm it runs Trunk's release steps by hand: `cargo build --release` for
// wasm32, wasm-bindgen, then `wasm-opt -Oz -g` (as Trunk's -Oz, plus -g to keep the name
// section; the code is the same, only the names are added). Run it under the build lock.
//
// Three tables:
// - by part: code attributed by its symbol name, the first matching rule in CATEGORIES
//   winning (a serde impl for a simulator type counts as simulator; a view's closure over
//   serde counts as serde only when its name says so);
// - by crate: the crate of the first path in the symbol's name (`<T as serde::Serialize>`
//   counts for T's crate: the code exists because of T);
// - by module: the same, for License Desk's own crates, two levels deep
//   (`license_desk_core::licensing`, `license_desk::components`).
// Static data (the `data[N]` items: strings, tables) has no name. The shares of the
// generated tables and the demo tenant's seed are estimated from their source: the string
// literals found verbatim in the data (each once), plus the names table's array entries
// where it is compiled in (wasm32: (u128, &str) is 32 bytes).

import { execFileSync } from "node:child_process";
import { readFileSync, mkdtempSync, existsSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { wasmSections } from "./bench-builds.mjs";
import { gzipSync, brotliCompressSync, constants } from "node:zlib";

const argv = process.argv.slice(2);
const args = {};
for (let i = 0; i < argv.length; i += 2) args[argv[i].replace(/^--/, "")] = argv[i + 1];
const top = Number(args.top ?? 25);
const topModules = Number(args.modules ?? 30);

const OURS = /\b(license_desk(?:_core|_sim)?)::(\w+)/;
/** Feature or crate, by the first rule whose pattern the symbol name matches. */
const CATEGORIES = [
  ["demo tenant's seed data, code (license_desk_sim::seed*, bulk)", /\blicense_desk_sim::(seed\w*|bulk)::/],
  ["simulator, code (license_desk_sim)", /\blicense_desk_sim::/],
  ["names table, code (license_desk_core::licensing::names)", /\blicense_desk_core::licensing::names(_table)?::/],
  ["serde / serde_json", /\bserde(_json|_core|_derive)?::|__FieldVisitor|__Visitor|_serde::/],
  ["app views (license_desk::components)", /\blicense_desk::components\b/],
  ["Leptos runtime (leptos, tachys, reactive_graph, …)", /\b(leptos\w*|tachys|reactive_graph|reactive_stores|any_spawner|throw_error|or_poisoned|oco_ref|hydration_context|server_fn|send_wrapper)::/],
  ["app shell, rest (license_desk)", /\blicense_desk::/],
  ["core, rest (license_desk_core)", /\blicense_desk_core::/],
  ["wasm-bindgen, js-sys, web-sys, gloo", /\b(wasm_bindgen\w*|js_sys|web_sys|gloo\w*)::|__wbg|__wbindgen/],
  ["Rust std (core, alloc, std, dlmalloc)", /\b(core|alloc|std|dlmalloc|compiler_builtins|hashbrown)::|^(memcpy|memmove|memset|memcmp)$/],
];
const DATA = "static data, rest (strings, wording, format tables)";
const OTHER = "other (unnamed or other crates)";

/** Generated tables and seed data whose static data is estimated from their source; the first path that exists counts. */
const DATA_SOURCES = [
  { label: "names table, static data (estimate)", paths: [["core/src/licensing/names_table.rs"], ["core/src/names_table.rs"]], entryBytes: 32, entries: /_u128,/g },
  { label: "demo tenant's seed data, static data (estimate)", paths: [["sim/src/seed_catalog.rs", "sim/src/seed.rs", "sim/src/seed_ids.rs", "sim/src/seed_reclaim.rs", "sim/src/bulk.rs"], ["core/src/sim/seed_catalog.rs", "core/src/sim/seed.rs"]] },
];

function buildNamedWasm(bin) {
  const out = mkdtempSync(join(tmpdir(), "license-desk-breakdown-"));
  const target = process.env.CARGO_TARGET_DIR ?? "target";
  execFileSync("cargo", ["build", "--release", "--target", "wasm32-unknown-unknown", "--bin", bin], { stdio: "inherit" });
  execFileSync("wasm-bindgen", ["--target=web", `--out-dir=${out}`, `--out-name=${bin}`, "--no-typescript", join(target, `wasm32-unknown-unknown/release/${bin}.wasm`)], { stdio: "inherit" });
  const wasm = join(out, `${bin}_bg.named.wasm`);
  execFileSync("wasm-opt", [`--output=${wasm}`, "-Oz", "-g", join(out, `${bin}_bg.wasm`)], { stdio: "inherit" });
  return wasm;
}

/** The contents of the wasm's data section (id 11): every data segment. */
function dataSection(module) {
  const data = wasmSections(module).find((section) => section.id === 11);
  return data ? module.subarray(data.start, data.end) : Buffer.alloc(0);
}

/** The string literals of Rust source files. */
function stringLiterals(text) {
  return [...text.matchAll(/"((?:[^"\\]|\\.)*)"/g)].flatMap((m) => {
    try {
      return [JSON.parse(`"${m[1].replace(/\\'/g, "'")}"`)];
    } catch {
      return [];
    }
  });
}

/** The crate a symbol's code is there for: the first of our crates it names, else its first path. */
function crateOf(name) {
  const ours = name.match(OURS);
  if (ours) return ours[1];
  const first = name.replace(/^[<&*\s]*(dyn |mut |const )?/, "").match(/^(\w+)::/);
  return first ? first[1] : null;
}

const wasm = args.wasm ?? buildNamedWasm(args.bin ?? "license-desk");
const items = JSON.parse(execFileSync("twiggy", ["top", "-n", "1000000", "-f", "json", wasm], { encoding: "utf8", maxBuffer: 1 << 30 }));
const bytes = readFileSync(wasm);
const totals = new Map();
const crates = new Map();
const modules = new Map();
const biggest = [];
let sectionBytes = 0;
const add = (map, key, size) => map.set(key, (map.get(key) ?? 0) + size);
for (const { name: raw, shallow_size: size } of items) {
  const name = raw.replace(/\[[0-9a-f]{16}\]/g, ""); // `core[c5930c85a12de822]::fmt` -> `core::fmt`
  let category;
  if (/^data segment |^data\[\d+\]$/.test(name)) {
    category = DATA;
    add(crates, "(static data)", size);
  } else if (/ subsection$|^custom section /.test(name)) {
    sectionBytes += size; // names exist only in this measuring build
    continue;
  } else {
    category = CATEGORIES.find(([, pattern]) => pattern.test(name))?.[0] ?? OTHER;
    add(crates, crateOf(name) ?? "(unnamed: tables, imports, glue)", size);
    const ours = name.match(new RegExp(OURS.source + "(?:::(\\w+))?"));
    if (ours) add(modules, `${ours[1]}::${ours[2]}`, size);
  }
  add(totals, category, size);
  biggest.push({ name, size, category });
}

// Static data: attribute the generated tables' and the seed's shares, estimated from their source.
const data = dataSection(bytes);
const claimed = new Set();
for (const { label, paths, entryBytes, entries } of DATA_SOURCES) {
  const files = paths.find((group) => group.every((path) => existsSync(path)));
  if (!files) continue;
  let estimate = 0;
  for (const path of files) {
    const text = readFileSync(path, "utf8");
    for (const s of new Set(stringLiterals(text))) {
      const encoded = Buffer.from(s, "utf8");
      if (encoded.length > 0 && !claimed.has(s) && data.includes(encoded)) {
        estimate += encoded.length;
        claimed.add(s);
      }
    }
    if (entries && estimate > 0) estimate += (text.match(entries) ?? []).length * entryBytes;
  }
  if (estimate === 0) continue;
  totals.set(DATA, totals.get(DATA) - estimate);
  totals.set(label, estimate);
}

const counted = [...totals.values()].reduce((a, b) => a + b, 0);
const pad = (v, n) => String(v).padStart(n);
const share = (size) => `${((100 * size) / counted).toFixed(1)}%`;
console.log(`wasm with names: ${wasm} (${bytes.length} bytes; ${sectionBytes} of them names and other custom sections)`);
console.log(`counted (code + data, without custom sections): ${counted} bytes`);
if (args.shipped) {
  const shipped = readFileSync(args.shipped);
  const br = brotliCompressSync(shipped, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  console.log(`shipped wasm ${args.shipped}: ${shipped.length} raw, ${gzipSync(shipped, { level: 9 }).length} gzip, ${br} brotli`);
}
const table = (title, rows) => {
  console.log();
  console.log(`| ${title} | raw bytes | share |`);
  console.log(`|---|---:|---:|`);
  for (const [key, size] of rows) console.log(`| ${key} | ${size.toLocaleString("en")} | ${share(size)} |`);
};
table("part", [...totals].sort((a, b) => b[1] - a[1]));
const crateRows = [...crates].sort((a, b) => b[1] - a[1]);
table("crate", [...crateRows.slice(0, topModules), ...(crateRows.length > topModules ? [["(other crates)", crateRows.slice(topModules).reduce((a, [, s]) => a + s, 0)]] : [])]);
table("module (License Desk's crates)", [...modules].sort((a, b) => b[1] - a[1]).slice(0, topModules));
console.log();
console.log(`Largest ${top} items:`);
for (const { name, size, category } of biggest.sort((a, b) => b.size - a.size).slice(0, top)) {
  console.log(`${pad(size, 8)}  ${name.slice(0, 110)}  [${category.split(" (")[0]}]`);
}
