/**
 * Notebooks opened in JupyterLab in headless chromium, as a learner would use
 * them: one server and one browser per test file, each notebook run from the
 * top with the toolbar's ▶, and left with its kernel shut down. Every wait is
 * on a page condition, never a sleep.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BrowserContext, Locator, Page } from "playwright-core";
import { launchBrowser } from "./browser.js";
import { startJupyterLab, type JupyterLab } from "./jupyter-server.js";

export const BROWSER_WAIT = { timeout: Number(process.env.COURSE_BROWSER_WAIT_MS ?? 150_000) };

export interface LabInBrowser {
  readonly lab: JupyterLab;
  readonly page: Page;
  /** Console errors, page errors and failed requests, as they happen. */
  readonly consoleErrors: string[];
  /** Closes the browser and stops the server; never throws. */
  close(): Promise<void>;
}

/** Starts JupyterLab with `files` and chromium at the same time; whichever started is cleaned up if the other fails. */
export async function openLabInBrowser(files: Record<string, string | object>): Promise<LabInBrowser> {
  const userDataDir = mkdtempSync(join(tmpdir(), "pardis-chromium-"));
  let lab: JupyterLab | undefined;
  let context: BrowserContext | undefined;
  let page: Page | undefined;
  let consoleErrors: string[] = [];
  const close = async () => {
    try {
      await context?.close().catch(() => undefined);
    } finally {
      await lab?.stop();
      rmSync(userDataDir, { recursive: true, force: true, maxRetries: 3 });
    }
  };
  const results = await Promise.allSettled([
    startJupyterLab({ files }).then((started) => (lab = started)),
    launchBrowser(userDataDir).then((started) => {
      context = started.context;
      page = started.page;
      consoleErrors = started.consoleErrors;
    }),
  ]);
  const failure = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failure) {
    await close();
    throw failure.reason;
  }
  return { lab: lab!, page: page!, consoleErrors, close };
}

/**
 * Opens `file` in a fresh workspace, waits for the pardis kernel to be idle,
 * and runs cell after cell from the top down to `lastIndex` with the toolbar's
 * ▶ (run and select the next), one at a time: after a cell that fails on
 * purpose, queued cells would be aborted. Returns the rendered cells.
 */
export async function runDownTo(session: LabInBrowser, file: string, cellTypes: readonly string[], lastIndex: number): Promise<{ notebook: Locator; cells: Locator }> {
  const { lab, page } = session;
  // ?reset: a fresh workspace, so the previous notebook's tab is not restored beside this one.
  await page.goto(lab.url(`lab/tree/${file}?reset`), BROWSER_WAIT);
  const notebook = page.locator(".jp-NotebookPanel:visible");
  // The kernel is connected (its name in the toolbar, then idle) before anything runs: a run clicked earlier is lost.
  await notebook.locator(".jp-Toolbar-kernelName", { hasText: "TypeScript (pardis)" }).waitFor(BROWSER_WAIT);
  await notebook.locator('.jp-Notebook-ExecutionIndicator[data-status="idle"]').waitFor(BROWSER_WAIT);
  const cells = notebook.locator(".jp-Notebook .jp-Cell");
  await cells.first().click(BROWSER_WAIT);
  const run = notebook.locator('.jp-Toolbar [data-command="notebook:run-cell-and-select-next"]');
  for (let i = 0; i <= lastIndex; i++) {
    await run.click(BROWSER_WAIT);
    if (cellTypes[i] === "code") await cells.nth(i).locator(".jp-InputPrompt", { hasText: /\[\d+\]/ }).waitFor(BROWSER_WAIT);
  }
  return { notebook, cells };
}

/**
 * Leaves the notebook for about:blank and shuts its kernel down, so none runs
 * behind the next notebook. Leaving aborts whatever the page had in flight (a
 * workspace save, the kernel's websocket): those failures are the test's, not
 * the page's, so what is noted from here to about:blank is dropped.
 */
export async function leaveNotebook(session: LabInBrowser): Promise<void> {
  const noted = session.consoleErrors.length;
  await session.page.goto("about:blank");
  session.consoleErrors.splice(noted);
  const sessions = (await (await session.lab.api("api/sessions")).json()) as Array<{ id: string }>;
  for (const { id } of sessions) await session.lab.api(`api/sessions/${id}`, { method: "DELETE" });
}

/** What went wrong in the page, besides kernels shut down and websockets closed on purpose. */
export function unexpectedPageErrors(session: LabInBrowser | undefined): string[] {
  return (session?.consoleErrors ?? []).filter((e) => !/Kernel.*(shut ?down|dead)|WebSocket/i.test(e));
}
