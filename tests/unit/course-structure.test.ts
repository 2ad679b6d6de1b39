/**
 * The course as files, without running it: valid notebooks in order, outputs
 * stripped, the pardis kernel, an index that links every notebook, and every
 * concept of the course taught by at least one runnable experiment and one
 * check-yourself cell (tagged `concept:<name>`), so a missing concept fails.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { CONCEPTS, courseFiles, readCourseNotebook, tags, text, type Concept } from "../support/course.js";
import { repoRoot } from "../support/kernel-client.js";

const files = courseFiles();
const notebooks = files.map(readCourseNotebook);

describe("the course's notebooks", () => {
  test("an index and one notebook per concept, in order", () => {
    expect(files[0]).toBe("00-start-here.ipynb");
    expect(files.length).toBeGreaterThanOrEqual(Object.keys(CONCEPTS).length + 1);
  });

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

  test.each(Object.keys(CONCEPTS) as Concept[])("concept %s has a runnable experiment and a check-yourself cell", (concept) => {
    const cells = notebooks.flatMap((n) => n.cells.map((cell) => ({ file: n.file, cell })));
    const teaching = cells.filter(({ cell }) => cell.cell_type === "code" && tags(cell).includes(`concept:${concept}`));
    expect(teaching.filter(({ cell }) => tags(cell).includes("experiment")).length, `${concept}: experiment cells`).toBeGreaterThan(0);
    expect(teaching.filter(({ cell }) => tags(cell).includes("check-yourself")).length, `${concept}: check-yourself cells`).toBeGreaterThan(0);
  });

  test("check-yourself cells call checkYourself", () => {
    for (const { file, cells } of notebooks) {
      for (const cell of cells.filter((c) => tags(c).includes("check-yourself"))) {
        expect(text(cell.source), `${file}: a check-yourself cell`).toContain("checkYourself(");
      }
    }
  });
});
