import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "vitest";
import { GraderError, parseNotebook, readNotebook } from "../../grader/index.js";

function failure(run: () => unknown): { code: string; message: string } {
  try {
    run();
  } catch (error) {
    if (error instanceof GraderError) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error("expected a GraderError");
}

test("the smoke notebook parses with joined sources and its kernelspec", () => {
  const notebook = readNotebook(join(import.meta.dirname, "..", "notebooks", "smoke.ipynb"));
  expect(notebook.metadata.kernelspec?.name).toBe("pardis");
  expect(notebook.cells.filter((c) => c.cell_type === "code")[1]?.source).toBe("const answer: number = 6 * 7;\nanswer");
});

test.each([
  ["not JSON", "{ cells: [", /not valid JSON/],
  ["an old format", JSON.stringify({ nbformat: 3, cells: [] }), /expected nbformat 4, got 3/],
  ["cells that are not a list", JSON.stringify({ nbformat: 4, cells: {} }), /"cells" must be a list/],
  ["an unknown cell type", JSON.stringify({ nbformat: 4, cells: [{ cell_type: "code" }, { cell_type: "sql", source: "" }] }), /cell 2: cell_type must be/],
  ["a source that is a number", JSON.stringify({ nbformat: 4, cells: [{ cell_type: "markdown", source: 7 }] }), /cell 1: source must be/],
])("a notebook with %s is refused with a message saying where", (_what, text, message) => {
  const { code, message: said } = failure(() => parseNotebook(text, "lab.ipynb"));
  expect(code).toBe("malformed-notebook");
  expect(said).toMatch(/^lab\.ipynb/);
  expect(said).toMatch(message);
});

test("a missing file is unreadable-file, not a crash", () => {
  const dir = mkdtempSync(join(tmpdir(), "pardis-nb-"));
  try {
    writeFileSync(join(dir, "ok.ipynb"), JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [] }));
    expect(readNotebook(join(dir, "ok.ipynb")).cells).toEqual([]);
    expect(failure(() => readNotebook(join(dir, "missing.ipynb"))).code).toBe("unreadable-file");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
