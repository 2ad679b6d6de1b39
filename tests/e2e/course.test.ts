/**
 * Every course notebook runs top to bottom with nbclient and the pardis
 * kernel, as a learner running it would: no error outputs except in cells
 * tagged `raises-exception`, every cell tagged `plot` shows a plotly figure,
 * every check-yourself cell shows its verdict, and each notebook finishes
 * within 3 minutes (the bound on 2 cores; measured, reported).
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { courseFiles, notebooksDir, tags, text, type CourseNotebook } from "../support/course.js";
import { repoRoot } from "../support/kernel-client.js";
import { runVenv } from "../support/python.js";

const PLOTLY = "application/vnd.plotly.v1+json";
const dir = mkdtempSync(join(tmpdir(), "pardis-course-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the course runs top to bottom", () => {
  test.each(courseFiles())("%s", async (file) => {
    const executed = join(dir, file);
    const result = await runVenv("python", [join(repoRoot, "tests/support/run-notebook.py"), join(notebooksDir, file), executed, notebooksDir]);
    expect(result.code, result.stderr.slice(-3000)).toBe(0);
    const summary = JSON.parse(result.stdout.trim().split("\n").at(-1)!) as { seconds: number; error: string | null };
    expect(summary.error, summary.error ?? "").toBeNull();
    console.log(`${file}: ${summary.seconds.toFixed(1)} s`);
    expect(summary.seconds, "each notebook finishes within 3 minutes").toBeLessThan(180);

    const notebook = JSON.parse(readFileSync(executed, "utf8")) as CourseNotebook;
    for (const cell of notebook.cells.filter((c) => c.cell_type === "code")) {
      const where = `${file}: ${text(cell.source).slice(0, 80)}`;
      const outputs = cell.outputs ?? [];
      if (!tags(cell).includes("raises-exception")) {
        expect(outputs.filter((o) => o.output_type === "error").map((o) => `${o.ename}: ${o.evalue}`), where).toEqual([]);
      }
      if (tags(cell).includes("plot")) expect(outputs.some((o) => o.data?.[PLOTLY] !== undefined), `${where}: a plot`).toBe(true);
      if (tags(cell).includes("check-yourself")) {
        expect(outputs.some((o) => String(o.data?.["text/html"] ?? "").includes("pardis-check")), `${where}: a verdict`).toBe(true);
      }
    }
  }, 240_000);
});
