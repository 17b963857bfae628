// One cold load of a served build in headless Chromium: the time until the sign-in screen
// is interactive, and the network log of what was fetched before that moment.
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
