#!/usr/bin/env node
// Serves the release build from dist/ on loopback with the headers the build generated.
//   node tests/e2e/serve-dist.mjs --port 4173 [--mode production|development] [--dist dist]
// "production" sends exactly the headers written to dist/_headers. "development" uses the
// variant whose CSP also allows a Graph on loopback (the fake Graph server).

import { createServer } from "node:http";
import { readFileSync, existsSync, statSync } from "node:fs";
import { join, extname, normalize } from "node:path";

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, value, index, all) => (index % 2 === 0 ? [...pairs, [value.replace(/^--/, ""), all[index + 1]]] : pairs), []),
);
const port = Number(args.port ?? 4173);
const dist = args.dist ?? "dist";
const mode = args.mode ?? "production";
const headers = JSON.parse(readFileSync(join(dist, "security-headers.json"), "utf8"))[mode];
if (!headers) throw new Error(`unknown mode ${mode}`);

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".wasm": "application/wasm",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".png": "image/png",
};

createServer((request, response) => {
  const path = decodeURIComponent(new URL(request.url, "http://x").pathname);
  let file = normalize(join(dist, path));
  if (!file.startsWith(normalize(dist)) || !existsSync(file) || statSync(file).isDirectory()) {
    file = join(dist, "index.html"); // SPA fallback, as the deployed config does.
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
  response.writeHead(200, { ...headers, ...extra, "Content-Type": type, "Cache-Control": "no-store", Vary: "Accept-Encoding" });
  response.end(body);
}).listen(port, "127.0.0.1", () => console.log(`serving ${dist} (${mode} headers) on http://127.0.0.1:${port}`));
