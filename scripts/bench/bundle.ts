import { gzipSync } from "node:zlib";
import { chromium } from "@playwright/test";

export interface BundleResult {
  route: string;
  path: string;
  /** JavaScript the browser fetched from loading the page until the network was quiet, gzip, kB. */
  firstLoadKb: number;
  scripts: number;
}

const QUIET_MS = 1500;

/**
 * First-load JavaScript per route as a browser sees it: every script the page fetched while it
 * loaded, hydrated and ran its effects (so a library loaded right after mount counts), each
 * gzipped here at level 9 so the figure does not depend on the server's compression. Chromium
 * from Debian, as the end-to-end tests use.
 */
export async function measureBundles(baseUrl: string, pages: { route: string; path: string; cookie?: string }[]): Promise<BundleResult[]> {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const results: BundleResult[] = [];
  try {
    for (const page of pages) {
      const context = await browser.newContext({ ignoreHTTPSErrors: true });
      if (page.cookie) {
        const [name, ...value] = page.cookie.split("=");
        await context.addCookies([{ name: name!, value: value.join("="), url: baseUrl }]);
      }
      const tab = await context.newPage();
      const bodies = new Map<string, number>();
      tab.on("response", async (response) => {
        if (response.request().resourceType() !== "script") return;
        try {
          bodies.set(response.url(), gzipSync(await response.body(), { level: 9 }).length);
        } catch {
          // A response without a body (redirect, aborted): nothing shipped.
        }
      });
      await tab.goto(`${baseUrl}${page.path}`, { waitUntil: "networkidle" });
      await tab.waitForTimeout(QUIET_MS);
      // Code inlined in the HTML counts too (the sign-in redirect page's bridge); React's inline
      // flight data (`self.__next_f.push(…)`) is the page's content, not code, and is left out.
      const inline = await tab.evaluate(() =>
        Array.from(document.scripts)
          .filter((s) => !s.src && !s.text.trimStart().startsWith("self.__next_f"))
          .map((s) => s.text),
      );
      const inlineBytes = inline.length > 0 ? gzipSync(inline.join("\n"), { level: 9 }).length : 0;
      const bytes = [...bodies.values()].reduce((a, b) => a + b, 0) + inlineBytes;
      results.push({ route: page.route, path: page.path, firstLoadKb: Math.round(bytes / 102.4) / 10, scripts: bodies.size + inline.length });
      await context.close();
    }
  } finally {
    await browser.close();
  }
  return results;
}
