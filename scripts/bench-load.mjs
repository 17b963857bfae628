// One cold load of a served build in headless Chromium: the time until the sign-in screen
// is interactive, and the network log of what was fetched before that moment; or a cold
// load followed at once by a sign-in, timed from the click to a usable tenant screen.
//
// "Interactive" means: the "Access token" field is in the document, rendered (it has a
// layout box and is not hidden) and enabled, and the "Use demo tenant" button is rendered
// and enabled. The app renders with its event handlers attached, so from that moment a
// person can type a token or open the demo. A script installed before any of the page's
// own checks the condition after every DOM change (MutationObserver) and on every frame;
// the first time it holds, it sets the performance mark `sign-in-interactive` and keeps
// performance.now() — milliseconds since navigation start (the document's time origin).

/** Runs in the page before its own scripts. */
function interactiveProbe() {
  const rendered = (element) => element.getClientRects().length > 0 && element.checkVisibility();
  const ready = () => {
    const field = [...document.querySelectorAll("input")].find((input) =>
      [...(input.labels ?? [])].some((label) => label.textContent.trim() === "Access token"),
    );
    const demo = [...document.querySelectorAll("button")].find((button) => button.textContent.trim() === "Use demo tenant");
    return Boolean(field && demo && !field.disabled && !demo.disabled && rendered(field) && rendered(demo));
  };
  const check = () => {
    if (window.signInInteractiveAt !== undefined || !document.documentElement || !ready()) return;
    window.signInInteractiveAt = performance.now();
    performance.mark("sign-in-interactive");
    observer.disconnect();
  };
  const observer = new MutationObserver(check);
  observer.observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
  const everyFrame = () => {
    check();
    if (window.signInInteractiveAt === undefined) requestAnimationFrame(everyFrame);
  };
  requestAnimationFrame(everyFrame);
}

/** The dist/ file a request path is served from. */
const servedFile = (url) => {
  const path = new URL(url).pathname.replace(/^\//, "");
  return path === "" ? "index.html" : path;
};

/**
 * One load of `url` in a fresh browser context (empty HTTP cache, no compiled wasm).
 * Returns { ms, firstLoad, later, encodings }: firstLoad and later are the files whose
 * response had ended before / after the interactive moment.
 */
export async function coldLoad(browser, url) {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const finished = [];
    page.on("requestfinished", (request) => finished.push(request));
    await page.addInitScript(interactiveProbe);
    await page.goto(url);
    await page.waitForFunction(() => window.signInInteractiveAt !== undefined, null, { timeout: 60_000 });
    const { at, origin } = await page.evaluate(() => ({ at: window.signInInteractiveAt, origin: performance.timeOrigin }));
    await page.waitForLoadState("networkidle");
    const cutoff = origin + at;
    const firstLoad = new Set();
    const later = new Set();
    const encodings = new Set();
    for (const request of finished) {
      const timing = request.timing();
      const response = await request.response();
      encodings.add(response?.headers()["content-encoding"] ?? "identity");
      (timing.startTime + timing.responseEnd <= cutoff ? firstLoad : later).add(servedFile(request.url()));
    }
    return { ms: at, firstLoad, later, encodings };
  } finally {
    await context.close();
  }
}

/**
 * Runs in the page before its own scripts: marks the click on "Sign in" and the moment the
 * tenant screen is usable after it. "Usable": the "Licenses in this tenant" heading is
 * rendered, its table lists at least one SKU (the tenant's licenses have been read and
 * drawn) and the "Find user" field is rendered and enabled, so the admin can read the
 * screen and act on it. It also marks when the screen first shows a friendly product name
 * (`window.namesShownAt`): `probeName`, passed in, is the product name of one of the
 * tenant's SKUs.
 */
function tenantProbe(probeName) {
  const rendered = (element) => element.getClientRects().length > 0 && element.checkVisibility();
  document.addEventListener(
    "click",
    (event) => {
      const button = event.target.closest?.("button");
      if (window.signInClickedAt === undefined && button?.textContent.trim() === "Sign in") window.signInClickedAt = performance.now();
    },
    true,
  );
  const usable = () => {
    const heading = [...document.querySelectorAll("h2")].find((h) => h.textContent.trim() === "Licenses in this tenant");
    const rows = document.querySelectorAll("table.skus tbody tr");
    const find = [...document.querySelectorAll("input")].find((input) => [...(input.labels ?? [])].some((label) => label.textContent.trim() === "Find user"));
    return Boolean(heading && rendered(heading) && rows.length > 0 && rendered(rows[0]) && find && !find.disabled && rendered(find));
  };
  const named = () => [...document.querySelectorAll("table.skus .sku-name")].some((cell) => cell.textContent.trim() === probeName);
  const check = () => {
    if (window.signInClickedAt === undefined || !document.documentElement) return;
    if (window.tenantUsableAt === undefined && usable()) window.tenantUsableAt = performance.now();
    if (window.namesShownAt === undefined && named()) window.namesShownAt = performance.now();
  };
  const observer = new MutationObserver(check);
  observer.observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
  const everyFrame = () => {
    check();
    if (window.tenantUsableAt === undefined || window.namesShownAt === undefined) requestAnimationFrame(everyFrame);
  };
  requestAnimationFrame(everyFrame);
}

/**
 * One cold load of `url` (a page that lets a Graph on loopback in) in a fresh browser
 * context, with `?graph=<graph>`; as soon as the sign-in screen is interactive, `token` is
 * pasted and "Sign in" pressed, as an admin who signs in at once. With `throttle` (bits per
 * second), Chromium's own network emulation (CDP) limits the page's downloads and uploads
 * to that rate for the whole load. Returns { ms, namesMs }: from the click on "Sign in"
 * until the tenant screen is usable, and until it shows `probeName`.
 */
export async function signInLoad(browser, url, { graph, token, throttle, probeName }) {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    if (throttle) {
      const cdp = await context.newCDPSession(page);
      await cdp.send("Network.enable");
      await cdp.send("Network.emulateNetworkConditions", {
        offline: false,
        latency: 0,
        downloadThroughput: throttle / 8,
        uploadThroughput: throttle / 8,
      });
    }
    await page.addInitScript(interactiveProbe);
    await page.addInitScript(tenantProbe, probeName);
    await page.goto(`${url}?graph=${encodeURIComponent(graph)}`);
    await page.waitForFunction(() => window.signInInteractiveAt !== undefined, null, { timeout: 60_000 });
    await page.getByLabel("Access token", { exact: true }).fill(token);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForFunction(() => window.tenantUsableAt !== undefined && window.namesShownAt !== undefined, null, { timeout: 120_000 });
    const at = await page.evaluate(() => ({ clicked: window.signInClickedAt, usable: window.tenantUsableAt, named: window.namesShownAt }));
    return { ms: at.usable - at.clicked, namesMs: at.named - at.clicked };
  } finally {
    await context.close();
  }
}
