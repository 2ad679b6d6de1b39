/**
 * A learner's first session with a lab: the student notebook `pardis publish`
 * wrote, opened in JupyterLab 4 in headless chromium with the pardis kernel,
 * run from the top with the toolbar's ▶ down to the public-checks cell, which
 * must show the checks' table (failing, since nothing is written yet) and no
 * error. Screenshots in tests/artifacts/lab-<id>.png. Every wait is on a page
 * condition, never a sleep.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import { publish } from "../../dist/grader/index.js";
import { launchBrowser } from "../support/browser.js";
import { startJupyterLab, type JupyterLab } from "../support/jupyter-server.js";
import { repoRoot } from "../support/kernel-client.js";

const ARTIFACTS = join(repoRoot, "tests", "artifacts");
const WAIT = { timeout: Number(process.env.COURSE_BROWSER_WAIT_MS ?? 150_000) };
/** One parallel lab and one distributed lab: the other two run through nbclient in publish-notebooks.test.ts. */
const LABS = ["sync-primitives", "fault-tolerance"];

interface StudentNotebook {
  cells: Array<{ cell_type: string; source: string | string[] }>;
}
const sourceOf = (cell: StudentNotebook["cells"][number]) => (Array.isArray(cell.source) ? cell.source.join("") : cell.source);

let work: string;
let lab: JupyterLab | undefined;
let context: BrowserContext | undefined;
let page: Page;
let consoleErrors: string[] = [];
const notebooks = new Map<string, StudentNotebook>();

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  work = mkdtempSync(join(tmpdir(), "pardis-publish-browser-"));
  mkdirSync(join(work, "course"));
  const published = await publish({ labsDir: join(repoRoot, "labs"), courseDir: join(work, "course"), out: join(work, "out"), labs: LABS, grader: false });
  const files: Record<string, string> = {};
  for (const file of published.student) {
    files[basename(file)] = readFileSync(file, "utf8");
    notebooks.set(basename(file), JSON.parse(files[basename(file)]!) as StudentNotebook);
  }
  const results = await Promise.allSettled([
    startJupyterLab({ files }).then((started) => (lab = started)),
    launchBrowser(join(work, "chromium")).then((started) => {
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
  const shot = join(ARTIFACTS, "publish-browser-failure.png");
  await page?.screenshot({ path: shot, fullPage: true }).catch(() => undefined);
  console.error(`[${task.name}] failed; screenshot in ${shot}\n--- server log ---\n${lab?.log().slice(-5000)}`);
});

afterAll(async () => {
  try {
    await context?.close().catch(() => undefined);
  } finally {
    await lab?.stop();
    if (work) rmSync(work, { recursive: true, force: true, maxRetries: 3 });
  }
}, 60_000);

describe("a published student lab notebook, opened in JupyterLab, runs down to its public checks", () => {
  test.each(LABS)("%s", async (id) => {
    const file = `${id}.ipynb`;
    const cells = notebooks.get(file)?.cells;
    expect(cells, `publish wrote no ${file}`).toBeDefined();
    const checkIndex = cells!.findIndex((cell) => cell.cell_type === "code" && sourceOf(cell).includes("await checkLab("));
    expect(checkIndex, "the student notebook has a public-checks cell").toBeGreaterThan(0);

    await page.goto(lab!.url(`lab/tree/${file}?reset`), WAIT);
    const notebook = page.locator(".jp-NotebookPanel:visible");
    await notebook.locator(".jp-Toolbar-kernelName", { hasText: "TypeScript (pardis)" }).waitFor(WAIT);
    await notebook.locator('.jp-Notebook-ExecutionIndicator[data-status="idle"]').waitFor(WAIT);
    const rendered = notebook.locator(".jp-Notebook .jp-Cell");
    await rendered.first().click(WAIT);
    const run = notebook.locator('.jp-Toolbar [data-command="notebook:run-cell-and-select-next"]');
    for (let i = 0; i <= checkIndex; i++) {
      await run.click(WAIT);
      if (cells![i]!.cell_type === "code") await rendered.nth(i).locator(".jp-InputPrompt", { hasText: /\[\d+\]/ }).waitFor(WAIT);
    }
    // Every code cell up to here ran without an error output: the stubs compile and the checks report, not throw.
    const errors = notebook.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr'], .jp-OutputArea-output.jp-mod-error");
    expect(await errors.allInnerTexts()).toEqual([]);
    const checks = rendered.nth(checkIndex);
    const table = checks.locator(".jp-RenderedMarkdown", { hasText: /public checks: 0\/\d+ passed · hidden checks run when you submit/ });
    await table.waitFor(WAIT);
    expect(await checks.locator(".jp-RenderedMarkdown table").count()).toBe(1);
    await checks.scrollIntoViewIfNeeded();
    await checks.screenshot({ path: join(ARTIFACTS, `lab-${id}.png`) });

    const noted = consoleErrors.length;
    await page.goto("about:blank");
    consoleErrors.splice(noted);
    const sessions = (await (await lab!.api("api/sessions")).json()) as Array<{ id: string }>;
    for (const session of sessions) await lab!.api(`api/sessions/${session.id}`, { method: "DELETE" });
  }, 300_000);

  test("nothing went wrong in the page", () => {
    const unexpected = consoleErrors.filter((e) => !/Kernel.*(shut ?down|dead)|WebSocket/i.test(e));
    expect(unexpected, unexpected.join("\n")).toEqual([]);
  });
});
