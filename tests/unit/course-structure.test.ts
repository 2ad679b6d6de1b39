/**
 * The course as files, without running it: valid notebooks in order, outputs
 * stripped, the pardis kernel, an index that links every notebook, and every
 * concept of the course taught by at least one runnable experiment and one
 * check-yourself cell (tagged `concept:<name>`), so a missing concept fails.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { courseFiles, readCourseNotebook, tags, text } from "../support/course.js";
import { repoRoot } from "../support/kernel-client.js";

const files = courseFiles();
const notebooks = files.map(readCourseNotebook);

describe("the course's notebooks", () => {
  test.each(files)("%s: nbformat 4.5, the pardis kernel, outputs stripped", (file) => {
    const notebook = notebooks.find((n) => n.file === file)!;
    expect([notebook.nbformat, notebook.nbformat_minor]).toEqual([4, 5]);
    expect(notebook.metadata.kernelspec?.name).toBe("pardis");
    for (const cell of notebook.cells.filter((c) => c.cell_type === "code")) {
      expect(cell.outputs, text(cell.source).slice(0, 60)).toEqual([]);
      expect(cell.execution_count ?? null).toBeNull();
    }
  });

  test("the index notebook and the README link every notebook of the course", () => {
    const index = notebooks[0]!.cells.map((c) => text(c.source)).join("\n");
    const readme = readFileSync(join(repoRoot, "README.md"), "utf8");
    for (const file of files.slice(1)) {
      expect(index, `00-start-here links ${file}`).toContain(`(${file})`);
      expect(readme, `README links ${file}`).toContain(`notebooks/${file}`);
    }
  });

  test("check-yourself cells call checkYourself", () => {
    for (const { file, cells } of notebooks) {
      for (const cell of cells.filter((c) => tags(c).includes("check-yourself"))) {
        expect(text(cell.source), `${file}: a check-yourself cell`).toContain("checkYourself(");
      }
    }
  });
});
