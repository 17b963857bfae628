#!/usr/bin/env node
// Serves the release build from dist/ on loopback as a static host would, with the headers
// the build generated (dist/security-headers.json).
//   node tests/e2e/serve-dist.mjs --port 4173 [--mode production|development|bare] [--dist dist]
// "production" sends exactly the security headers written to dist/_headers and serves
// index.html, whose <meta> policy applies as well. "development" sends the variant whose
// CSP also allows a Graph on loopback (the fake Graph server) and serves index.dev.html
// for the page, whose <meta> policy allows loopback too: a browser enforces both policies.
// "bare" sends no security header at all, like GitHub Pages or plain object storage: only
// index.html's <meta> policy protects the page.
// Every mode sends each file's Cache-Control from the build (no-cache when it has none).

import { createServer } from "node:http";
import { readFileSync, existsSync, statSync } from "node:fs";
import { join, extname, normalize, basename } from "node:path";

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, value, index, all) => (index % 2 === 0 ? [...pairs, [value.replace(/^--/, ""), all[index + 1]]] : pairs), []),
);
const port = Number(args.port ?? 4173);
const dist = args.dist ?? "dist";
const mode = args.mode ?? "production";
const built = JSON.parse(readFileSync(join(dist, "security-headers.json"), "utf8"));
const headers = mode === "bare" ? {} : built[mode];
if (!headers) throw new Error(`unknown mode ${mode}`);
const page = mode === "development" ? "index.dev.html" : "index.html";
if (!existsSync(join(dist, page))) throw new Error(`${dist}/${page} is missing: build with scripts/build-release.sh`);
const cacheControl = built.cacheControl ?? {};

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".wasm": "application/wasm",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".png": "image/png",
  ".svg": "image/svg+xml",
};

createServer((request, response) => {
  const path = decodeURIComponent(new URL(request.url, "http://x").pathname);
  let file = normalize(join(dist, path));
  if (!file.startsWith(normalize(dist)) || !existsSync(file) || statSync(file).isDirectory() || basename(file) === "index.html") {
    file = join(dist, page); // SPA fallback, as the deployed config does.
  }
  const type = TYPES[extname(file)] ?? "application/octet-stream";
  let body = readFileSync(file);
  const extra = {};
  const accepts = request.headers["accept-encoding"] ?? "";
  if (accepts.includes("br") && existsSync(file + ".br")) {
    body = readFileSync(file + ".br");
    extra["Content-Encoding"] = "br";
  } else if (accepts.includes("gzip") && existsSync(file + ".gz")) {
    body = readFileSync(file + ".gz");
    extra["Content-Encoding"] = "gzip";
  }
  response.writeHead(200, {
    ...headers,
    ...extra,
    "Content-Type": type,
    "Cache-Control": cacheControl[basename(file)] ?? "no-cache",
    Vary: "Accept-Encoding",
  });
  response.end(body);
}).listen(port, "127.0.0.1", () => console.log(`serving ${dist} (${mode} headers) on http://127.0.0.1:${port}`));
