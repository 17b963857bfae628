// The builds the benchmark compares: checks that a dist/ is a release build, and builds an
// earlier commit's release site with that commit's own build command, away from the
// working tree, so two builds can be measured side by side.

import { existsSync, readFileSync, readdirSync, rmSync, mkdirSync, cpSync } from "node:fs";
import { join } from "node:path";
import { execFileSync } from "node:child_process";

/** Where earlier builds are made and kept, one directory per commit. */
export const BENCH_ROOT = "/tmp/license-desk-bench";

/** The unsigned LEB128 number at `at` in `bytes`: `[value, the offset after it]`. */
function readLeb(bytes, at) {
  let value = 0;
  let shift = 0;
  let byte;
  do {
    byte = bytes[at++];
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
  } while (byte & 0x80);
  return [value, at];
}

/** The sections of a wasm module, in order: `{ id, start, end }` (the contents' bytes). */
export function wasmSections(bytes) {
  if (bytes.readUInt32LE(0) !== 0x6d736100) throw new Error("not a wasm module");
  const sections = [];
  let at = 8;
  while (at < bytes.length) {
    const id = bytes[at];
    const [size, start] = readLeb(bytes, at + 1);
    sections.push({ id, start, end: start + size });
    at = start + size;
  }
  return sections;
}

/** Names of the custom sections of a wasm module. */
export function wasmCustomSections(bytes) {
  return wasmSections(bytes)
    .filter((section) => section.id === 0)
    .map(({ start }) => {
      const [length, name] = readLeb(bytes, start);
      return bytes.subarray(name, name + length).toString("utf8");
    });
}

/**
 * Why `dist` is not a release build, or [] when it is. Two markers, both needed:
 * - the wasm has no `name` or `.debug_*` custom section. wasm-opt (run only by
 *   `trunk build --release`) drops them; a debug build keeps a multi-megabyte `name`
 *   section. Timing or sizing a debug build would be meaningless;
 * - the post-build output is there: security-headers.json (the CSP) and `.br` copies. The
 *   post-build step writes them for release builds only, so a dist/ without them was not
 *   finished as the site that ships.
 */
export function releaseProblems(dist) {
  if (!existsSync(join(dist, "index.html"))) return [`${dist}/index.html is missing`];
  const files = readdirSync(dist);
  const problems = [];
  const wasm = files.filter((name) => name.endsWith(".wasm"));
  if (wasm.length === 0) problems.push(`no .wasm in ${dist}/`);
  for (const name of wasm) {
    const debug = wasmCustomSections(readFileSync(join(dist, name))).filter((section) => section === "name" || section.startsWith(".debug"));
    if (debug.length) problems.push(`${name} carries ${debug.join(", ")} (not optimised by wasm-opt: a debug build)`);
  }
  if (!files.includes("security-headers.json")) problems.push(`${dist}/security-headers.json is missing (no CSP: the post-build step did not run)`);
  if (!files.some((name) => name.endsWith(".br"))) problems.push(`${dist}/ has no .br files (not precompressed: the post-build step did not run)`);
  return problems;
}

const git = (...args) => execFileSync("git", args, { encoding: "utf8" }).trim();

/** Removes a temporary worktree, also when git no longer knows it. */
function removeTree(tree) {
  if (!existsSync(tree)) return;
  try {
    git("worktree", "remove", "--force", tree);
  } catch {
    rmSync(tree, { recursive: true, force: true });
  }
}

/**
 * The release dist/ of `ref`, built once and kept under BENCH_ROOT/<commit>/dist: a
 * temporary `git worktree` of the commit, built with its own scripts/build-release.sh (or
 * `trunk build --release` where it has none) and its own CARGO_TARGET_DIR
 * (BENCH_ROOT/<commit>/target); both are removed once the dist/ is copied out.
 */
export function earlierBuild(ref, { rebuild = false, log = console.log } = {}) {
  const commit = git("rev-parse", "--verify", `${ref}^{commit}`);
  const short = commit.slice(0, 7);
  const home = join(BENCH_ROOT, commit);
  const dist = join(home, "dist");
  if (!rebuild && existsSync(dist) && releaseProblems(dist).length === 0) {
    log(`${ref} (${short}): reusing the build in ${dist}`);
    return { ref, commit, short, dist };
  }
  const tree = join(home, "tree");
  const target = join(home, "target");
  mkdirSync(home, { recursive: true });
  rmSync(dist, { recursive: true, force: true });
  removeTree(tree);
  // --force: a tree left registered by an interrupted run may be missing on disk.
  git("worktree", "add", "--force", "--detach", tree, commit);
  try {
    const script = join(tree, "scripts", "build-release.sh");
    const [command, args] = existsSync(script) ? ["bash", [script]] : ["trunk", ["build", "--release"]];
    log(`${ref} (${short}): building with \`${[command, ...args.map((a) => a.replace(tree + "/", ""))].join(" ")}\` in ${tree}`);
    // A target directory of its own: cargo may take another tree's artifacts for fresh
    // when the crate names match, and then ship the wrong wasm.
    execFileSync(command, args, {
      cwd: tree,
      stdio: ["ignore", "inherit", "inherit"],
      env: { ...process.env, CARGO_TARGET_DIR: target },
    });
    cpSync(join(tree, "dist"), dist, { recursive: true });
  } finally {
    removeTree(tree);
    rmSync(target, { recursive: true, force: true }); // the dist/ is kept; the build is not needed again
  }
  return { ref, commit, short, dist };
}
