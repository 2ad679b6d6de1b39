/**
 * Headless Debian chromium for browser tests, launched the way the project's
 * standards say, with every request that would leave the machine refused and
 * noted (JupyterLab must work offline) and console errors collected.
 */
import { chromium, type BrowserContext, type Page } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";

export interface Browser {
  context: BrowserContext;
  page: Page;
  consoleErrors: string[];
  externalRequests: string[];
}

export async function launchBrowser(userDataDir: string): Promise<Browser> {
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    viewport: { width: 1280, height: 1000 },
    timeout: 60_000,
  });
  const consoleErrors: string[] = [];
  const externalRequests: string[] = [];
  // No network here, and JupyterLab must not need any: anything not served by our server is refused and noted.
  await context.route(
    (url) => url.hostname !== "127.0.0.1" && url.protocol !== "data:" && url.protocol !== "blob:",
    (route) => {
      externalRequests.push(route.request().url());
      return route.abort("blockedbyclient");
    },
  );
  const page = context.pages()[0] ?? (await context.newPage());
  page.on("console", (message) => {
    if (message.type() === "error") consoleErrors.push(`console.error: ${message.text()}`);
  });
  page.on("pageerror", (error) => consoleErrors.push(`page error: ${error.stack ?? error.message}`));
  page.on("requestfailed", (request) => {
    if (!externalRequests.includes(request.url())) consoleErrors.push(`request failed: ${request.url()} (${request.failure()?.errorText})`);
  });
  return { context, page, consoleErrors, externalRequests };
}
