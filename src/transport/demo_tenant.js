// Loads the demo tenant's module (src/bin/demo.rs) when the demo is first opened, and
// hands it requests (see demo.rs). One tenant per page: every request waits for the
// module, and for the reset asked before it.

let tenant = null;

/** The module, loaded and started once; a failed load is tried again next time. */
function load(js, wasm) {
  if (!tenant) {
    const loading = import(js).then(async (module) => {
      await module.default({ module_or_path: wasm });
      return module;
    });
    tenant = loading;
    loading.catch(() => {
      if (tenant === loading) tenant = null;
    });
  }
  return tenant;
}

// A fresh demo tenant for the requests that follow; starts loading the module.
export function resetDemoTenant(js, wasm) {
  const fresh = load(js, wasm).then((module) => {
    module.reset();
    return module;
  });
  tenant = fresh;
  fresh.catch(() => {
    if (tenant === fresh) tenant = null;
  });
}

// The demo tenant's answer to one request (JSON in, JSON out).
export async function askDemoTenant(js, wasm, call) {
  const module = await load(js, wasm);
  return module.respond(call);
}
