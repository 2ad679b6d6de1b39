/**
 * The student notebook `pardis publish` makes from an instructor notebook:
 * no solution text, no hidden tests, answer tags kept, outputs cleared,
 * instructor metadata gone; malformed markers refused with the cell number.
 * Checked on the fixture and on every lab's instructor notebook in labs/.
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { compileSubmission, notebookAnswer } from "../../grader/lab/submission.js";
import { parseNotebook, readNotebook, type Notebook, type NotebookCell } from "../../grader/notebook.js";
import { MarkerError, serializeNotebook, studentNotebook } from "../../grader/publish/index.js";
import { repoRoot } from "../support/kernel-client.js";

const FIXTURE = join(repoRoot, "tests", "fixtures", "publish", "labs", "demo-lab", "demo-lab.ipynb");
const LABS = join(repoRoot, "labs");

const tagsOf = (cell: NotebookCell): string[] => (Array.isArray(cell.metadata.tags) ? (cell.metadata.tags as string[]) : []);

/**
 * The instructor notebook's lines split into secret (inside solution or hidden
 * regions, or in hidden-tests cells) and public ones. Written independently of
 * the publisher's parser, so the test does not check the code with itself.
 */
function secretAndPublicLines(notebook: Notebook): { secret: string[]; public: Set<string>; regions: number } {
  const secret: string[] = [];
  const shown = new Set<string>();
  let regions = 0;
  for (const cell of notebook.cells) {
    const hiddenCell = tagsOf(cell).includes("hidden-tests");
    let inside = false;
    for (const line of cell.source.split("\n")) {
      const trimmed = line.trim();
      if (/^(\/\/|<!--) *BEGIN (SOLUTION|HIDDEN TESTS)/.test(trimmed)) {
        inside = true;
        regions++;
        continue;
      }
      if (/^(\/\/|<!--) *END (SOLUTION|HIDDEN TESTS)/.test(trimmed)) {
        inside = false;
        continue;
      }
      if (!trimmed) continue;
      if (inside || hiddenCell) secret.push(trimmed);
      else shown.add(trimmed);
    }
  }
  return { secret, public: shown, regions };
}

/**
 * Secret lines found in the student notebook: as a whole line, or (long enough
 * to mean something) anywhere in its text, metadata included. Text that also
 * appears outside every region (`expectHeartbeat(peer);` in a public loop) is
 * not secret.
 */
function leaks(instructor: Notebook, student: Notebook): string[] {
  const { secret, public: shown } = secretAndPublicLines(instructor);
  const publicText = [...shown].join("\n");
  const everything = [JSON.stringify(student.metadata), ...student.cells.map((cell) => `${cell.source}\n${JSON.stringify([cell.metadata, cell.outputs ?? []])}`)].join("\n");
  const studentLines = new Set(student.cells.flatMap((cell) => cell.source.split("\n").map((line) => line.trim())));
  return secret.filter(
    (line) => (studentLines.has(line) && !shown.has(line)) || (line.length >= 12 && everything.includes(line) && !publicText.includes(line)),
  );
}

function expectCleanStudent(instructor: Notebook, student: Notebook): void {
  expect(leaks(instructor, student)).toEqual([]);
  const answers = (nb: Notebook) => nb.cells.filter((cell) => tagsOf(cell).includes("answer")).length;
  expect(answers(student), "every answer cell kept with its tag").toBe(answers(instructor));
  expect(student.cells.some((cell) => tagsOf(cell).includes("hidden-tests"))).toBe(false);
  for (const cell of student.cells.filter((c) => c.cell_type === "code")) {
    expect(cell.outputs).toEqual([]);
    expect(cell.execution_count).toBeNull();
    expect(cell.source).not.toMatch(/(BEGIN|END) (SOLUTION|HIDDEN TESTS)/);
  }
  // The learner's file is a valid notebook that reads back the same.
  expect(parseNotebook(serializeNotebook(student))).toEqual(student);
}

function refusal(cells: Array<Partial<NotebookCell> & { source: string }>): MarkerError {
  const notebook: Notebook = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {},
    cells: cells.map((cell) => ({ cell_type: "code", metadata: {}, outputs: [], execution_count: null, ...cell })),
  };
  try {
    studentNotebook(notebook);
  } catch (error) {
    if (error instanceof MarkerError) return error;
    throw error;
  }
  throw new Error("expected the notebook to be refused");
}

describe("the fixture lab's student notebook", () => {
  const instructor = readNotebook(FIXTURE);
  const student = studentNotebook(instructor);
  const json = serializeNotebook(student);

  test("holds no solution and no hidden test, keeps the answer tags, clears outputs", () => {
    expect(secretAndPublicLines(instructor).regions).toBe(4);
    expectCleanStudent(instructor, student);
    for (const secret of ["secret-loop", "secret-increment", "secret-hidden-region", "secret-hidden-cell", "secret-hidden-counter", "secret-markdown-note"]) {
      expect(json).not.toContain(secret);
    }
    expect(json).not.toContain("instructor-saved-error");
    expect(json).not.toContain("image/png");
  });

  test("the leak check itself finds a solution line put back (guards the guard)", () => {
    const leaky = structuredClone(student);
    leaky.cells[1]!.source += "\n  for (let i = 1; i <= n; i++) total += i; // secret-loop";
    expect(leaks(instructor, leaky)).toEqual(["for (let i = 1; i <= n; i++) total += i; // secret-loop"]);
    leaky.cells[1]!.source = student.cells[1]!.source;
    leaky.metadata.note = "this.#count += 1; // secret-increment";
    expect(leaks(instructor, leaky)).toEqual(["this.#count += 1; // secret-increment"]);
  });

  test("replaces each solution by a stub at the region's indentation", () => {
    const answer = student.cells.find((cell) => tagsOf(cell).includes("answer"))!;
    expect(answer.source).toContain('function sumTo(n: number): number {\n  // YOUR CODE HERE\n  throw new Error("not implemented yet");\n}');
    expect(answer.source).toContain('  increment(): void {\n    // YOUR CODE HERE\n    throw new Error("not implemented yet");\n  }');
    // The stubbed answer still defines every name the lab takes.
    expect(() => compileSubmission(notebookAnswer(json, "demo-lab.ipynb"), ["sumTo", "Counter"])).not.toThrow();
  });

  test("drops instructor metadata, keeps what Jupyter needs", () => {
    expect(Object.keys(student.metadata).sort()).toEqual(["kernelspec", "language_info"]);
    expect(json).not.toContain("nbgrader");
    expect(json).not.toContain("grade generously");
    expect(student.cells.map((cell) => cell.id)).toEqual(instructor.cells.filter((cell) => !tagsOf(cell).includes("hidden-tests")).map((cell) => cell.id));
  });

  test("a markdown solution region disappears with its blank lines", () => {
    expect(student.cells[0]!.source).toBe("# Demo lab: sums and counters\n\nImplement `sumTo` and `Counter` in the answer cells, then run the checks.\n\nGood luck!");
  });
});

describe("malformed markers are refused with the cell and line", () => {
  test.each([
    ["a BEGIN never closed", [{ source: "function f() {\n  // BEGIN SOLUTION\n  return 1;\n}" }], "unbalanced-marker", 1, 2],
    ["an END without BEGIN", [{ source: "x" }, { source: "let a = 1;\n// END SOLUTION" }], "unbalanced-marker", 2, 2],
    ["END of the other kind", [{ source: "// BEGIN SOLUTION\nx\n// END HIDDEN TESTS" }], "unbalanced-marker", 1, 3],
    ["nested regions", [{ source: "// BEGIN SOLUTION\n// BEGIN HIDDEN TESTS\n// END HIDDEN TESTS\n// END SOLUTION" }], "nested-marker", 1, 2],
    ["a code marker in markdown", [{ cell_type: "markdown" as const, source: "# Task\n// BEGIN SOLUTION\nanswer\n// END SOLUTION" }], "misplaced-marker", 1, 2],
    ["a marker after code on its line", [{ source: "f(); // BEGIN SOLUTION\n// END SOLUTION" }], "misplaced-marker", 1, 1],
    ["a misspelt marker", [{ source: "// BEGIN SOLUTIONS\nx\n// END SOLUTION" }], "misplaced-marker", 1, 1],
    ["a hidden-tests cell that is an answer", [{ source: "x", metadata: { tags: ["answer", "hidden-tests"] } }], "hidden-answer-cell", 1, 1],
    ["a broken marker in a hidden-tests cell", [{ source: "// BEGIN HIDDEN TESTS\nx", metadata: { tags: ["hidden-tests"] } }], "unbalanced-marker", 1, 1],
  ])("%s", (_name, cells, code, cell, line) => {
    const error = refusal(cells as Array<Partial<NotebookCell> & { source: string }>);
    expect({ code: error.code, cell: error.cell, line: error.line }).toEqual({ code, cell, line });
    expect(error.message).toMatch(new RegExp(`^cell ${cell}, line ${line}: `));
  });

  test("stubs that would misbehave are warned about: code left after a region (unreachable once the stub throws), a region at the top level", () => {
    const warnings: string[] = [];
    const notebook = parseNotebook(
      JSON.stringify({
        nbformat: 4,
        nbformat_minor: 5,
        metadata: {},
        cells: [
          { cell_type: "code", metadata: {}, outputs: [], source: "function f(m: A | B) {\n  // BEGIN SOLUTION\n  check(m);\n  // END SOLUTION\n\n  switch (m.type) {}\n}" },
          { cell_type: "code", metadata: {}, outputs: [], source: "const g = () => {\n  // BEGIN SOLUTION\n  return 1;\n  // END SOLUTION\n};\nclass C {\n  m() {\n    // BEGIN SOLUTION\n    x();\n    // END SOLUTION\n  } // done\n}" },
        ],
      }),
    );
    studentNotebook(notebook, { warn: (message) => warnings.push(message) });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^cell 1, line 6: `switch \(m.type\) \{\}` follows the solution region that starts on line 2/);
    warnings.length = 0;
    studentNotebook({ ...notebook, cells: [{ cell_type: "code", metadata: {}, outputs: [], source: "// BEGIN SOLUTION\nconst k = 3;\n// END SOLUTION" }] }, { warn: (message) => warnings.push(message) });
    expect(warnings).toEqual([expect.stringMatching(/^cell 1, line 1: the solution region is at the top level of the cell/)]);
  });

  test("markers mentioned in a markdown cell's inline code are prose, not markers", () => {
    const notebook = parseNotebook(JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [{ cell_type: "markdown", metadata: {}, source: "Solutions sit between `// BEGIN SOLUTION` and `// END SOLUTION`." }] }));
    expect(studentNotebook(notebook).cells[0]!.source).toContain("`// BEGIN SOLUTION`");
  });
});

/** Every lab folder must have its instructor notebook; none is skipped. */
const labIds = existsSync(LABS) ? readdirSync(LABS, { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort() : [];

describe("every lab's instructor notebook publishes without leaking", () => {
  test("the labs checked", () => {
    console.log(`instructor notebooks checked: ${labIds.map((id) => `labs/${id}/${id}.ipynb`).join(", ") || "none (no lab folder yet)"}`);
    expect(labIds.every((id) => /^[a-z0-9-]+$/.test(id))).toBe(true);
  });

  test.each(labIds)("labs/%s", (id) => {
    const path = join(LABS, id, `${id}.ipynb`);
    expect(existsSync(path), `${path}: every lab has its instructor notebook`).toBe(true);
    const instructor = readNotebook(path);
    const warnings: string[] = [];
    const student = studentNotebook(instructor, { warn: (message) => warnings.push(message) });
    const { regions } = secretAndPublicLines(instructor);
    expect(warnings, "stubs that would misbehave in the kernel").toEqual([]);
    expect(regions, "the instructor notebook marks at least one solution region").toBeGreaterThan(0);
    expectCleanStudent(instructor, student);
    // The stubs still parse as TypeScript (a region cut across a statement would not).
    expect(() => compileSubmission(notebookAnswer(serializeNotebook(student), `${id}.ipynb`), [])).not.toThrow();
    console.log(`labs/${id}: ${regions} regions, ${instructor.cells.length - student.cells.length} hidden-tests cells removed`);
  });
});
