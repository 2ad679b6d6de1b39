/**
 * The course as a new learner meets it: each notebook opened in JupyterLab 4
 * in headless chromium, run from the top with the toolbar's ▶ down to its first
 * cell tagged `plot`, which must draw a plotly chart. A screenshot of that
 * chart per notebook is kept in tests/artifacts/course-NN.png. Every wait is
 * on a page condition, never a sleep.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import { launchBrowser } from "../support/browser.js";
import { courseFiles, notebooksDir, readCourseNotebook, tags } from "../support/course.js";
import { startJupyterLab, type JupyterLab } from "../support/jupyter-server.js";
import { repoRoot } from "../support/kernel-client.js";

const ARTIFACTS = join(repoRoot, "tests", "artifacts");
const WAIT = { timeout: Number(process.env.COURSE_BROWSER_WAIT_MS ?? 150_000) };
const files = courseFiles().filter((file) => readCourseNotebook(file).cells.some((cell) => tags(cell).includes("plot")));

let lab: JupyterLab | undefined;
let context: BrowserContext | undefined;
let page: Page;
let consoleErrors: string[] = [];
let userDataDir: string | undefined;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  userDataDir = mkdtempSync(join(tmpdir(), "pardis-chromium-"));
  const course = Object.fromEntries(courseFiles().map((file) => [file, readFileSync(join(notebooksDir, file), "utf8")]));
  const results = await Promise.allSettled([
    startJupyterLab({ files: course }).then((started) => (lab = started)),
    launchBrowser(userDataDir).then((started) => {
      context = started.context;
      page = started.page;
      consoleErrors = started.consoleErrors;
    }),
  ]);
  const failure = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failure) throw failure.reason;
}, 180_000);

afterEach(async ({ task }) => {
  if (task.result?.state !== "fail") return;
  const shot = join(ARTIFACTS, "course-browser-failure.png");
  await page?.screenshot({ path: shot, fullPage: true }).catch(() => undefined);
  console.error(`[${task.name}] failed; screenshot in ${shot}\n--- server log ---\n${lab?.log().slice(-5000)}`);
});

afterAll(async () => {
  try {
    await context?.close().catch(() => undefined);
  } finally {
    await lab?.stop();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true, maxRetries: 3 });
  }
}, 60_000);

describe("each course notebook opened in JupyterLab draws its first plot", () => {
  test.each(files)("%s", async (file) => {
    const source = readCourseNotebook(file).cells;
    const plotIndex = source.findIndex((cell) => tags(cell).includes("plot"));
    // ?reset: a fresh workspace, so the previous notebook's tab is not restored beside this one.
    await page.goto(lab!.url(`lab/tree/${file}?reset`), WAIT);
    const notebook = page.locator(".jp-NotebookPanel:visible");
    // The kernel is connected (its name in the toolbar, then idle) before anything runs: a run clicked earlier is lost.
    await notebook.locator(".jp-Toolbar-kernelName", { hasText: "TypeScript (pardis)" }).waitFor(WAIT);
    await notebook.locator('.jp-Notebook-ExecutionIndicator[data-status="idle"]').waitFor(WAIT);
    const cells = notebook.locator(".jp-Notebook .jp-Cell");
    // Run cell after cell from the top down to the plot with the toolbar's ▶ (run and select the next), as a learner would.
    await cells.first().click(WAIT);
    const run = notebook.locator('.jp-Toolbar [data-command="notebook:run-cell-and-select-next"]');
    // One at a time: after a cell that fails on purpose, queued cells would be aborted (stop on error).
    for (let i = 0; i <= plotIndex; i++) {
      await run.click(WAIT);
      if (source[i]!.cell_type === "code") await cells.nth(i).locator(".jp-InputPrompt", { hasText: /\[\d+\]/ }).waitFor(WAIT);
    }
    const plotCell = cells.nth(plotIndex);
    const chart = plotCell.locator(".jp-RenderedPlotly.js-plotly-plot svg.main-svg").first();
    await chart.waitFor(WAIT);
    await plotCell.scrollIntoViewIfNeeded();
    await plotCell.screenshot({ path: join(ARTIFACTS, `course-${file.slice(0, 2)}.png`) });
    expect(await plotCell.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']").count()).toBe(0);
    // Leave no kernel running behind the next notebook (after leaving the page, so no dialog asks about it).
    // Leaving aborts whatever the page had in flight (a workspace save, the kernel's websocket): those
    // failures are ours, not the page's, so what is noted from here to about:blank is dropped.
    const noted = consoleErrors.length;
    await page.goto("about:blank");
    consoleErrors.splice(noted);
    const sessions = (await (await lab!.api("api/sessions")).json()) as Array<{ id: string }>;
    for (const session of sessions) await lab!.api(`api/sessions/${session.id}`, { method: "DELETE" });
  }, 240_000);

  test("nothing went wrong in the page", () => {
    const unexpected = consoleErrors.filter((e) => !/Kernel.*(shut ?down|dead)|WebSocket/i.test(e));
    expect(unexpected, unexpected.join("\n")).toEqual([]);
  });
});
