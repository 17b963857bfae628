#!/usr/bin/env node
// Finishes a `trunk build --release`: hashes Trunk's inline loader into a strict
// Content-Security-Policy, writes deployable header config for static hosts, and
// precompresses every shipped file with gzip and brotli.
//
//   node scripts/postbuild.mjs [dist]
//
// Outputs in dist/: _headers (Netlify / Cloudflare Pages style), staticwebapp.config.json
// (Azure Static Web Apps, with SPA fallback), security-headers.json (the same headers as
// data, plus the development variant that also allows loopback Graph), *.gz and *.br.

import { createHash } from "node:crypto";
import { readFileSync, writeFileSync, readdirSync, statSync, unlinkSync } from "node:fs";
import { join, extname } from "node:path";
import { gzipSync, brotliCompressSync, constants } from "node:zlib";

const dist = process.argv[2] ?? "dist";
// Chromium ignores `integrity` on a `preload` of the wasm (as="fetch") and says so in the
// console on every load; the module script keeps its integrity, the wasm preload drops it.
const html = readFileSync(join(dist, "index.html"), "utf8").replace(
  /(<link rel="preload"[^>]*?) integrity="[^"]*"([^>]*as="fetch")/g,
  "$1$2",
);
writeFileSync(join(dist, "index.html"), html);

const inline = [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]);
if (inline.length !== 1) {
  console.error(`expected exactly one inline script (Trunk's loader), found ${inline.length}`);
  process.exit(1);
}
const loaderHash = "sha256-" + createHash("sha256").update(inline[0], "utf8").digest("base64");

export const GRAPH_HOSTS = [
  "https://graph.microsoft.com",
  "https://graph.microsoft.us",
  "https://dod-graph.microsoft.us",
  "https://microsoftgraph.chinacloudapi.cn",
];

function csp(extraConnect = []) {
  return [
    "default-src 'none'",
    `script-src 'self' 'wasm-unsafe-eval' '${loaderHash}'`,
    `connect-src 'self' ${[...GRAPH_HOSTS, ...extraConnect].join(" ")}`,
    "style-src 'self'",
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
}

const production = {
  "Content-Security-Policy": csp(),
  "Referrer-Policy": "no-referrer",
  "X-Content-Type-Options": "nosniff",
};
const development = {
  ...production,
  "Content-Security-Policy": csp(["http://127.0.0.1:*", "http://localhost:*"]),
};

writeFileSync(
  join(dist, "_headers"),
  "/*\n" + Object.entries(production).map(([k, v]) => `  ${k}: ${v}`).join("\n") + "\n",
);
writeFileSync(
  join(dist, "staticwebapp.config.json"),
  JSON.stringify(
    {
      navigationFallback: { rewrite: "/index.html", exclude: ["/*.{js,wasm,css,png,svg,ico,json}"] },
      globalHeaders: production,
      mimeTypes: { ".wasm": "application/wasm" },
    },
    null,
    2,
  ) + "\n",
);
writeFileSync(join(dist, "security-headers.json"), JSON.stringify({ loaderHash, production, development }, null, 2) + "\n");

const COMPRESSIBLE = new Set([".html", ".js", ".wasm", ".css", ".json", ".svg"]);
for (const name of readdirSync(dist)) {
  const path = join(dist, name);
  if (name.endsWith(".gz") || name.endsWith(".br")) {
    unlinkSync(path);
    continue;
  }
  if (!statSync(path).isFile() || !COMPRESSIBLE.has(extname(name)) || name === "security-headers.json") continue;
  const data = readFileSync(path);
  writeFileSync(path + ".gz", gzipSync(data, { level: 9 }));
  writeFileSync(
    path + ".br",
    brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: data.length } }),
  );
}
console.log(`postbuild: loader ${loaderHash}; wrote _headers, staticwebapp.config.json, security-headers.json; precompressed ${dist}/`);
