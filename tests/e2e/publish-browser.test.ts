/**
 * A learner's first session with a lab: the student notebook `pardis publish`
 * wrote, opened in JupyterLab 4 in headless chromium with the pardis kernel,
 * run from the top with the toolbar's ▶ down to the public-checks cell, which
 * must show the checks' table (failing, since nothing is written yet) and no
 * error. Screenshots in tests/artifacts/lab-<id>.png.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import { publish } from "../../dist/grader/index.js";
import { repoRoot } from "../support/kernel-client.js";
import { BROWSER_WAIT, leaveNotebook, openLabInBrowser, runDownTo, unexpectedPageErrors, type LabInBrowser } from "../support/lab-in-browser.js";

const ARTIFACTS = join(repoRoot, "tests", "artifacts");
/** One parallel lab and one distributed lab: all four run through nbclient in publish-notebooks.test.ts. */
const LABS = ["sync-primitives", "fault-tolerance"];

interface StudentNotebook {
  cells: Array<{ cell_type: string; source: string | string[] }>;
}
const sourceOf = (cell: StudentNotebook["cells"][number]) => (Array.isArray(cell.source) ? cell.source.join("") : cell.source);

let work: string;
let session: LabInBrowser | undefined;
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
  session = await openLabInBrowser(files);
}, 180_000);

afterEach(async ({ task }) => {
  if (task.result?.state !== "fail") return;
  const shot = join(ARTIFACTS, "publish-browser-failure.png");
  await session?.page.screenshot({ path: shot, fullPage: true }).catch(() => undefined);
  console.error(`[${task.name}] failed; screenshot in ${shot}\n--- server log ---\n${session?.lab.log().slice(-5000)}`);
});

afterAll(async () => {
  try {
    await session?.close();
  } finally {
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

    const { notebook, cells: rendered } = await runDownTo(session!, file, cells!.map((cell) => cell.cell_type), checkIndex);
    const checks = rendered.nth(checkIndex);
    await checks.locator(".jp-RenderedMarkdown", { hasText: /public checks: 0\/\d+ passed · hidden checks run when you submit/ }).waitFor(BROWSER_WAIT);
    expect(await checks.locator(".jp-RenderedMarkdown table").count()).toBe(1);
    // Every code cell up to here ran without an error output: the stubs compile and the checks report, not throw.
    const errors = notebook.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr'], .jp-OutputArea-output.jp-mod-error");
    expect(await errors.allInnerTexts()).toEqual([]);
    await checks.scrollIntoViewIfNeeded();
    await checks.screenshot({ path: join(ARTIFACTS, `lab-${id}.png`) });
    await leaveNotebook(session!);
  }, 300_000);

  test("nothing went wrong in the page", () => {
    const unexpected = unexpectedPageErrors(session);
    expect(unexpected, unexpected.join("\n")).toEqual([]);
  });
});
