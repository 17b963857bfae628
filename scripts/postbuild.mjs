#!/usr/bin/env node
// Finishes Trunk's release build so that `trunk build --release` alone yields a deployable
// site: Trunk runs this as its post_build hook (Trunk.toml) on the staging directory
// (TRUNK_STAGING_DIR), before that directory becomes dist/.
//
//   trunk build --release              runs it through the hook
//   node scripts/postbuild.mjs DIR     runs it by hand on a built directory (as a release build)
//
// Release builds get:
// - a strict Content-Security-Policy that hashes Trunk's inline loader, computed here
//   because the loader names the hashed files and so changes with every build;
// - index.html carrying that policy as <meta http-equiv>, for hosts that cannot send
//   headers (header-only directives such as frame-ancestors are left out of the meta);
// - index.dev.html: the same page whose meta policy also allows a Graph on loopback (the
//   fake Graph server). Nothing links to it; only the local test server serves it;
// - host header config: _headers (Netlify / Cloudflare Pages) and staticwebapp.config.json
//   (Azure Static Web Apps), with the security headers and per-file Cache-Control:
//   a year and `immutable` for Trunk's content-hashed files, `no-cache` for the rest;
// - security-headers.json: the same headers and cache rules as data (the local test
//   server reads it), with the development variant of the policy;
// - the files loaded only when needed renamed by content hash, and named to the page in a
//   <meta> each: the workspace module (Cargo bin `license-desk`, <meta name=
//   "license-desk-workspace">, see src/workspace_loader.rs) and the demo tenant's (bin `demo`,
//   "license-desk-demo", see src/transport/demo.rs), which Trunk builds as data-type="worker"
//   and so leaves unhashed and unreferenced, and the names table (core/data/names.json, which
//   Trunk copies as it is; "license-desk-names", see src/transport/names.rs);
// - gzip (-9) and brotli (q11) copies of every text and wasm file.
//
// Debug builds (`trunk build`, `trunk serve`) and `trunk serve --release` are left as Trunk
// made them: trunk serve adds its live-reload script (a second inline script and a
// websocket) that a strict policy would block, and precompressing on every rebuild would
// only slow the edit loop. Such a directory has no security-headers.json and no .br files,
// so it cannot pass for a release build (scripts/bench.mjs refuses it).

import { createHash } from "node:crypto";
import { readFileSync, writeFileSync, readdirSync, statSync, unlinkSync, existsSync } from "node:fs";
import { join, extname, relative } from "node:path";
import { gzipSync, brotliCompressSync, constants } from "node:zlib";

const dir = process.argv[2] ?? process.env.TRUNK_STAGING_DIR ?? "dist";
const profile = process.env.TRUNK_PROFILE ?? "release";
if (profile !== "release") {
  console.log(`postbuild: ${profile} build, left as Trunk made it (no CSP, host config or precompression)`);
  process.exit(0);
}

/** The Graph clouds the app may call; production allows no other origin. */
const GRAPH_HOSTS = [
  "https://graph.microsoft.com",
  "https://graph.microsoft.us",
  "https://dod-graph.microsoft.us",
  "https://microsoftgraph.chinacloudapi.cn",
];
/** The fake Graph server's origins, allowed only by the development variant. */
const LOOPBACK = ["http://127.0.0.1:*", "http://localhost:*"];
/** Directives a browser honours only from a header, and warns about in a <meta> policy. */
const HEADER_ONLY = new Set(["frame-ancestors", "report-uri", "sandbox"]);
/** Trunk names a file it content-hashes `<stem>-<hex hash>.<ext>` (`_bg` for wasm-bindgen's wasm); so does this script. */
const HASHED = /-[0-9a-f]{8,}(_bg)?\.(js|wasm|css|svg|json)$/;
const IMMUTABLE = "public, max-age=31536000, immutable";
const REVALIDATE = "no-cache";
const META_CSP = /\s*<meta http-equiv="Content-Security-Policy"[^>]*>/gi;

let html = readFileSync(join(dir, "index.html"), "utf8")
  // Running again over a finished directory recomputes the policy rather than stacking a second one.
  .replace(META_CSP, "")
  // Chromium ignores `integrity` on a `preload` of the wasm (as="fetch") and says so in the
  // console on every load; the module script keeps its integrity, the wasm preload drops it.
  .replace(/(<link rel="preload"[^>]*?) integrity="[^"]*"([^>]*as="fetch")/g, "$1$2");

if (html.includes(".well-known/trunk/ws")) {
  console.log("postbuild: trunk serve build (live reload), left as Trunk made it");
  process.exit(0);
}

// The files loaded only when needed: the workspace module, the demo tenant's module (Cargo
// bins that Trunk builds as data-type="worker" and so leaves unhashed and unreferenced) and
// the names table (copied as it is). Each gets content-hashed names like every other asset,
// and a tag that tells the page where it is. A directory finished before already has both.
const ON_DEMAND = [
  { meta: "license-desk-workspace", stem: "license-desk", files: ["license-desk.js", "license-desk_bg.wasm"] },
  { meta: "license-desk-demo", stem: "demo", files: ["demo.js", "demo_bg.wasm"] },
  { meta: "license-desk-names", stem: "names", files: ["names.json"] },
];
for (const { meta, stem, files } of ON_DEMAND) {
  const tag = new RegExp(`\\s*<meta name="${meta}"[^>]*>`, "i");
  if (!files.every((name) => existsSync(join(dir, name)))) {
    if (!tag.test(html)) {
      console.error(`postbuild: no ${files.join(" and ")} and no <meta name="${meta}">`);
      process.exit(1);
    }
    continue;
  }
  const contents = files.map((name) => readFileSync(join(dir, name)));
  const hash = contents.reduce((sha, data) => sha.update(data), createHash("sha256")).digest("hex").slice(0, 16);
  // `license-desk.js` -> `license-desk-<hash>.js`, `demo_bg.wasm` -> `demo-<hash>_bg.wasm`.
  const hashed = files.map((name) => name.replace(stem, `${stem}-${hash}`));
  files.forEach((name, i) => {
    // A module's JS names its wasm; it must name the renamed one.
    const data = name.endsWith(".js") ? contents[i].toString("utf8").split(files[1]).join(hashed[1]) : contents[i];
    writeFileSync(join(dir, hashed[i]), data);
    unlinkSync(join(dir, name));
  });
  html = html.replace(tag, "").replace("</head>", `    <meta name="${meta}" content="${hashed.join(" ")}">\n</head>`);
}

const inline = [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]);
if (inline.length !== 1) {
  console.error(`postbuild: expected exactly one inline script (Trunk's loader), found ${inline.length}`);
  process.exit(1);
}
const loaderHash = "sha256-" + createHash("sha256").update(inline[0], "utf8").digest("base64");

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

/** The part of a header policy that a <meta http-equiv> element can carry. */
function metaPolicy(policy) {
  return policy
    .split("; ")
    .filter((directive) => !HEADER_ONLY.has(directive.split(" ")[0]))
    .join("; ");
}

const production = {
  "Content-Security-Policy": csp(),
  "Referrer-Policy": "no-referrer",
  "X-Content-Type-Options": "nosniff",
};
const development = { ...production, "Content-Security-Policy": csp(LOOPBACK) };
const meta = {
  production: metaPolicy(production["Content-Security-Policy"]),
  development: metaPolicy(development["Content-Security-Policy"]),
};

/** index.html with the policy as the first element after the charset, so it covers everything after it. */
function withMetaPolicy(page, policy) {
  const charset = /<meta charset="[^"]*">/i;
  if (!charset.test(page)) {
    console.error("postbuild: index.html has no <meta charset>; the policy must follow it");
    process.exit(1);
  }
  return page.replace(charset, (tag) => `${tag}\n    <meta http-equiv="Content-Security-Policy" content="${policy}">`);
}
writeFileSync(join(dir, "index.html"), withMetaPolicy(html, meta.production));
writeFileSync(join(dir, "index.dev.html"), withMetaPolicy(html, meta.development));

const HOST_CONFIG = new Set(["_headers", "staticwebapp.config.json"]);
const HEADERS_DATA = "security-headers.json";
/** Every file under `root`, as paths relative to `dir` (wasm-bindgen's JS snippets live in snippets/). */
const filesUnder = (root) =>
  readdirSync(root).flatMap((name) => {
    const path = join(root, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [relative(dir, path)];
  });
const served = [
  ...filesUnder(dir).filter((name) => !HOST_CONFIG.has(name) && name !== HEADERS_DATA && !/\.(gz|br)$/.test(name)),
  HEADERS_DATA,
].sort();
/** Cache-Control for each served file, by name; the root path is index.html. */
const cacheControl = Object.fromEntries(served.map((name) => [name, HASHED.test(name) ? IMMUTABLE : REVALIDATE]));

const headerLines = (headers) => Object.entries(headers).map(([k, v]) => `  ${k}: ${v}`).join("\n");
// One rule for the security headers, and one Cache-Control rule per path: these hosts apply
// every matching rule and join repeated header names with commas, so no path may match two
// Cache-Control rules.
writeFileSync(
  join(dir, "_headers"),
  [
    `/*\n${headerLines(production)}`,
    `/\n  Cache-Control: ${REVALIDATE}`,
    ...served.map((name) => `/${name}\n  Cache-Control: ${cacheControl[name]}`),
  ].join("\n\n") + "\n",
);
writeFileSync(
  join(dir, "staticwebapp.config.json"),
  JSON.stringify(
    {
      // A route's headers replace the global header of the same name.
      routes: served.filter((name) => cacheControl[name] === IMMUTABLE).map((name) => ({ route: `/${name}`, headers: { "Cache-Control": IMMUTABLE } })),
      navigationFallback: { rewrite: "/index.html", exclude: ["/*.{js,wasm,css,png,svg,ico,json}"] },
      globalHeaders: { ...production, "Cache-Control": REVALIDATE },
      mimeTypes: { ".wasm": "application/wasm" },
    },
    null,
    2,
  ) + "\n",
);
writeFileSync(
  join(dir, HEADERS_DATA),
  JSON.stringify({ loaderHash, production, development, meta, cacheControl }, null, 2) + "\n",
);

const COMPRESSIBLE = new Set([".html", ".js", ".wasm", ".css", ".json", ".svg"]);
for (const name of filesUnder(dir)) {
  const path = join(dir, name);
  if (name.endsWith(".gz") || name.endsWith(".br")) {
    unlinkSync(path);
    continue;
  }
  if (!statSync(path).isFile() || !COMPRESSIBLE.has(extname(name)) || name === HEADERS_DATA || HOST_CONFIG.has(name)) continue;
  const data = readFileSync(path);
  writeFileSync(path + ".gz", gzipSync(data, { level: 9 }));
  writeFileSync(
    path + ".br",
    brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: data.length } }),
  );
}
if (!existsSync(join(dir, "index.html.br"))) {
  console.error("postbuild: precompression wrote nothing");
  process.exit(1);
}
console.log(`postbuild: loader ${loaderHash}; meta CSP in index.html (index.dev.html allows loopback); wrote _headers, staticwebapp.config.json, security-headers.json; precompressed ${dir}/`);
