// Imports License Desk's workspace module, starts it, and opens it with the sign-in the
// admin made on the first page (see workspace_loader.rs).
export async function openWorkspace(js, wasm, token, origin, version, demo) {
  const workspace = await import(js);
  await workspace.default({ module_or_path: wasm });
  workspace.open_workspace(token, origin, version, demo);
}

// Fetches a module's files ahead of its import (the workspace at low priority, while the
// admin pastes a token; the demo tenant's at once, beside the workspace), so the import
// finds them cached.
export function warmModule(js, wasm, priority) {
  const link = document.createElement("link");
  link.rel = "modulepreload";
  link.href = js;
  document.head.append(link);
  fetch(wasm, { priority }).catch(() => {});
}
