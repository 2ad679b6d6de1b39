/**
 * The course as a new learner meets it: each notebook opened in JupyterLab 4
 * in headless chromium, run from the top with the toolbar's ▶ down to its first
 * cell tagged `plot`, which must draw a plotly chart. A screenshot of that
 * chart per notebook is kept in tests/artifacts/course-NN.png. Every wait is
 * on a page condition, never a sleep.
 */
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import { courseFiles, notebooksDir, readCourseNotebook, tags } from "../support/course.js";
import { repoRoot } from "../support/kernel-client.js";
import { BROWSER_WAIT, leaveNotebook, openLabInBrowser, runDownTo, unexpectedPageErrors, type LabInBrowser } from "../support/lab-in-browser.js";

const ARTIFACTS = join(repoRoot, "tests", "artifacts");
const files = courseFiles().filter((file) => readCourseNotebook(file).cells.some((cell) => tags(cell).includes("plot")));

let session: LabInBrowser | undefined;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  session = await openLabInBrowser(Object.fromEntries(courseFiles().map((file) => [file, readFileSync(join(notebooksDir, file), "utf8")])));
}, 180_000);

afterEach(async ({ task }) => {
  if (task.result?.state !== "fail") return;
  const shot = join(ARTIFACTS, "course-browser-failure.png");
  await session?.page.screenshot({ path: shot, fullPage: true }).catch(() => undefined);
  console.error(`[${task.name}] failed; screenshot in ${shot}\n--- server log ---\n${session?.lab.log().slice(-5000)}`);
});

afterAll(async () => {
  await session?.close();
}, 60_000);

describe("each course notebook opened in JupyterLab draws its first plot", () => {
  test.each(files)("%s", async (file) => {
    const source = readCourseNotebook(file).cells;
    const plotIndex = source.findIndex((cell) => tags(cell).includes("plot"));
    const { cells } = await runDownTo(session!, file, source.map((cell) => cell.cell_type), plotIndex);
    const plotCell = cells.nth(plotIndex);
    const chart = plotCell.locator(".jp-RenderedPlotly.js-plotly-plot svg.main-svg").first();
    await chart.waitFor(BROWSER_WAIT);
    await plotCell.scrollIntoViewIfNeeded();
    await plotCell.screenshot({ path: join(ARTIFACTS, `course-${file.slice(0, 2)}.png`) });
    expect(await plotCell.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']").count()).toBe(0);
    await leaveNotebook(session!);
  }, 240_000);

  test("nothing went wrong in the page", () => {
    const unexpected = unexpectedPageErrors(session);
    expect(unexpected, unexpected.join("\n")).toEqual([]);
  });
});
