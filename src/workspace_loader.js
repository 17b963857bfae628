// Imports License Desk's workspace module, starts it, and opens it with the sign-in the
// admin made on the first page (see workspace_loader.rs).
export async function openWorkspace(js, wasm, token, origin, version, demo) {
  const workspace = await import(js);
  await workspace.default({ module_or_path: wasm });
  workspace.open_workspace(token, origin, version, demo);
}

// Fetches the workspace module's files at low priority, so signing in finds them cached.
export function warmWorkspace(js, wasm) {
  const link = document.createElement("link");
  link.rel = "modulepreload";
  link.href = js;
  document.head.append(link);
  fetch(wasm, { priority: "low" }).catch(() => {});
}
