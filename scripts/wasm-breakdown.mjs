#!/usr/bin/env node
// Where the wasm's bytes go, by crate and by feature: the simulator, the seed catalogue,
// the names table, serde/serde_json, Leptos views, the rest. The shipped wasm has no symbol
// names (wasm-opt drops them), so this builds the same wasm with its names kept and reads
// it with twiggy (`cargo install twiggy`). A measurement, run by hand, not a test.
//
//   node scripts/wasm-breakdown.mjs [--bin license-desk|sign-in] [--wasm file.wasm] [--top 25]
//
// --bin picks the module: `license-desk`, the workspace (the default), or `sign-in`, the
// first page's module.
//
// Without --wasm it runs Trunk's release steps by hand: `cargo build --release` for
// wasm32, wasm-bindgen, then `wasm-opt -Oz -g` (as Trunk's -Oz, plus -g to keep the name
// section; the code is the same, only the names are added).
//
// Code is attributed by its symbol name, with the first matching rule in CATEGORIES
// winning: a serde impl for a simulator type counts as simulator, a view's closure over
// serde counts as serde only when its name says so. Static data (the `data[N]` items:
// strings, tables) has no name; the names table's and seed catalogue's shares of it are
// estimated from their source: the strings found verbatim in the data plus their arrays'
// entries (wasm32 sizes: (u128, &str) is 32 bytes, (&str, &str, &[_]) 24, (&str, &str) 16).

import { execFileSync } from "node:child_process";
import { readFileSync, mkdtempSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { gzipSync, brotliCompressSync, constants } from "node:zlib";

const argv = process.argv.slice(2);
const args = {};
for (let i = 0; i < argv.length; i += 2) args[argv[i].replace(/^--/, "")] = argv[i + 1];
const top = Number(args.top ?? 25);

/** Feature or crate, by the first rule whose pattern the symbol name matches. */
const CATEGORIES = [
  ["seed catalogue (license_desk_core::sim::seed_catalog)", /seed_catalog/],
  ["names table (license_desk_core::names_table, names)", /names_table|license_desk_core::names::/],
  ["simulator (license_desk_core::sim)", /license_desk_core::sim\b/],
  ["serde / serde_json", /\bserde(_json|_core|_derive)?::|__FieldVisitor|__Visitor|_serde::/],
  ["app views (license_desk::components)", /license_desk::components\b/],
  ["Leptos runtime (leptos, tachys, reactive_graph, …)", /\b(leptos\w*|tachys|reactive_graph|reactive_stores|any_spawner|throw_error|or_poisoned|oco_ref|hydration_context|server_fn|send_wrapper)::/],
  ["app shell, rest (license_desk)", /\blicense_desk::/],
  ["core, rest (license_desk_core)", /\blicense_desk_core::/],
  ["wasm-bindgen, js-sys, web-sys, gloo", /\b(wasm_bindgen\w*|js_sys|web_sys|gloo\w*)::|__wbg|__wbindgen/],
  ["Rust std (core, alloc, std, dlmalloc)", /\b(core|alloc|std|dlmalloc|compiler_builtins|hashbrown)::|^(memcpy|memmove|memset|memcmp)$/],
];
const DATA = "static data (strings, tables)";
const OTHER = "other (unnamed or other crates)";

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
  let at = 8;
  const leb = () => {
    let value = 0;
    let shift = 0;
    let byte;
    do {
      byte = module[at++];
      value += (byte & 0x7f) * 2 ** shift;
      shift += 7;
    } while (byte & 0x80);
    return value;
  };
  while (at < module.length) {
    const id = module[at++];
    const size = leb();
    if (id === 11) return module.subarray(at, at + size);
    at += size;
  }
  throw new Error("the wasm has no data section");
}

/** The string literals and array entries of a generated table, for estimating its data. */
function tableSource(path) {
  const text = readFileSync(path, "utf8");
  const strings = [...text.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => JSON.parse(`"${m[1]}"`));
  return { text, strings };
}

/** Bytes of `strings` that occur verbatim in `data`, each distinct string once. */
function stringBytesIn(data, strings) {
  let bytes = 0;
  for (const s of new Set(strings)) {
    const encoded = Buffer.from(s, "utf8");
    if (encoded.length > 0 && data.includes(encoded)) bytes += encoded.length;
  }
  return bytes;
}

const wasm = args.wasm ?? buildNamedWasm(args.bin ?? "license-desk");
const items = JSON.parse(execFileSync("twiggy", ["top", "-n", "1000000", "-f", "json", wasm], { encoding: "utf8", maxBuffer: 1 << 30 }));
const bytes = readFileSync(wasm);
const totals = new Map();
const biggest = [];
let sectionBytes = 0;
for (const { name: raw, shallow_size: size } of items) {
  const name = raw.replace(/\[[0-9a-f]{16}\]/g, ""); // `core[c5930c85a12de822]::fmt` -> `core::fmt`
  let category;
  if (/^data segment |^data\[\d+\]$/.test(name)) {
    category = DATA;
  } else if (/ subsection$|^custom section /.test(name)) {
    sectionBytes += size; // names exist only in this measuring build
    continue;
  } else {
    category = CATEGORIES.find(([, pattern]) => pattern.test(name))?.[0] ?? OTHER;
  }
  totals.set(category, (totals.get(category) ?? 0) + size);
  biggest.push({ name, size, category });
}

// Static data: attribute the generated tables' share, estimated from their source.
const data = dataSection(bytes);
const names = tableSource("core/src/names_table.rs");
const namesEntries = (names.text.match(/_u128,/g) ?? []).length;
const namesData = stringBytesIn(data, names.strings) + namesEntries * 32;
const seed = tableSource("core/src/sim/seed_catalog.rs");
const seedSkus = (seed.text.match(/\(\s*"[0-9a-f-]{36}",\s*"[^"]*",\s*&\[/g) ?? []).length;
const seedPlans = seed.strings.length - 2 * seedSkus;
const seedData = stringBytesIn(data, seed.strings) + seedSkus * 24 + (seedPlans / 2) * 16;
totals.set(DATA, totals.get(DATA) - namesData - seedData);
totals.set("names table, its static data (estimate)", namesData);
totals.set("seed catalogue, its static data (estimate)", seedData);

const counted = [...totals.values()].reduce((a, b) => a + b, 0);
const shipped = args.shipped ? readFileSync(args.shipped) : null;
const pad = (v, n) => String(v).padStart(n);
console.log(`wasm with names: ${wasm} (${bytes.length} bytes; ${sectionBytes} of them names and other custom sections)`);
console.log(`counted (code + data, without custom sections): ${counted} bytes`);
if (shipped) {
  const br = brotliCompressSync(shipped, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  console.log(`shipped wasm ${args.shipped}: ${shipped.length} raw, ${gzipSync(shipped, { level: 9 }).length} gzip, ${br} brotli`);
}
console.log();
console.log(`| part | bytes | share |`);
console.log(`|---|---:|---:|`);
for (const [category, size] of [...totals].sort((a, b) => b[1] - a[1])) {
  console.log(`| ${category} | ${size} | ${((100 * size) / counted).toFixed(1)}% |`);
}
console.log();
console.log(`Largest ${top} items:`);
for (const { name, size, category } of biggest.sort((a, b) => b.size - a.size).slice(0, top)) {
  console.log(`${pad(size, 8)}  ${name.slice(0, 110)}  [${category.split(" (")[0]}]`);
}
