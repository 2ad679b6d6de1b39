/**
 * The learner's copy of an instructor notebook: solutions replaced by stubs,
 * hidden tests removed, outputs cleared, instructor-only metadata dropped. The
 * answer tags stay: the grader takes the learner's code from those cells.
 */
import { ANSWER_TAG } from "../lab/submission.js";
import type { Notebook, NotebookCell } from "../notebook.js";
import { findRegions, MarkerError, type Region } from "./markers.js";

export { MarkerError };

/** Cells with this tag are the instructor's tests: removed from the learner's copy. */
export const HIDDEN_TESTS_TAG = "hidden-tests";

/** Tags that only mean something to the instructor's tools; the learner's copy drops them. */
const INSTRUCTOR_TAGS = new Set([HIDDEN_TESTS_TAG, "solution", "instructor"]);
/** Cell metadata Jupyter itself uses (editing, collapsing); everything else may be the instructor's. */
const CELL_METADATA_KEPT = new Set(["tags", "editable", "deletable", "collapsed", "scrolled", "jupyter", "slideshow"]);
/** Notebook metadata a learner's Jupyter needs. */
const NOTEBOOK_METADATA_KEPT = new Set(["kernelspec", "language_info"]);

export interface StudentOptions {
  /** The statement the stub throws. @default `throw new Error("not implemented yet");` */
  readonly stub?: string;
  /**
   * Told about stubs that will not behave well, with the cell and line: code
   * after a solution region in the same block becomes unreachable once the
   * stub throws, and TypeScript stops narrowing types there (a `switch` on a
   * union then fails to type-check in the kernel).
   */
  readonly warn?: (message: string) => void;
}

/** Lines that may follow a region's END: blanks, comments and closing brackets, nothing that runs. */
const HARMLESS_AFTER_REGION = /^\s*(\/\/.*|[)}\]]+[;,)]*\s*(\/\/.*)?)?$/;

function warnUnreachable(lines: readonly string[], regions: readonly Region[], cell: number, warn: (message: string) => void): void {
  for (const region of regions.filter((r) => r.kind === "solution")) {
    if (region.indent === "") {
      warn(`cell ${cell}, line ${region.begin + 1}: the solution region is at the top level of the cell, so the student version throws as soon as the cell runs; put regions inside function or method bodies`);
      continue;
    }
    const next = lines.slice(region.end + 1).findIndex((line) => line.trim() !== "");
    if (next < 0) continue;
    const line = lines[region.end + 1 + next]!;
    if (!HARMLESS_AFTER_REGION.test(line)) {
      warn(
        `cell ${cell}, line ${region.end + 2 + next}: \`${line.trim()}\` follows the solution region that starts on line ${region.begin + 1}; ` +
          "in the student version it comes after the stub's throw, so it never runs and TypeScript stops narrowing types there. End the region at the end of its block (move that code inside the region or into a helper).",
      );
    }
  }
}

const DEFAULT_STUB = 'throw new Error("not implemented yet");';

function tagsOf(cell: NotebookCell): string[] {
  const tags = cell.metadata.tags;
  return Array.isArray(tags) ? tags.filter((tag): tag is string => typeof tag === "string") : [];
}

/** Splits keeping line ends, so joining the result gives the text back exactly. */
function splitLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

function replaceRegions(lines: string[], regions: readonly Region[], stub: string, markdown: boolean): string {
  const out: string[] = [];
  let next = 0;
  for (const region of regions) {
    out.push(...lines.slice(next, region.begin));
    if (region.kind === "solution" && !markdown) {
      const newline = lines[region.end]!.endsWith("\n") ? "\n" : "";
      out.push(`${region.indent}// YOUR CODE HERE\n`, `${region.indent}${stub}${newline}`);
    }
    next = region.end + 1;
  }
  out.push(...lines.slice(next));
  // A region removed from the end of a cell leaves its trailing newline on the line before;
  // one removed from between paragraphs leaves a run of blank lines.
  const text = out.join("").replace(/\n+$/, "");
  return markdown ? text.replace(/\n{3,}/g, "\n\n") : text;
}

function studentCell(cell: NotebookCell, number: number, stub: string, warn: (message: string) => void): NotebookCell {
  const lines = splitLines(cell.source).map((line) => line.replace(/\r?\n$/, ""));
  const regions = findRegions(lines, cell.cell_type, number);
  if (cell.cell_type === "code") warnUnreachable(lines, regions, number, warn);
  const source = regions.length ? replaceRegions(splitLines(cell.source), regions, stub, cell.cell_type === "markdown") : cell.source;
  const metadata: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(cell.metadata)) {
    if (CELL_METADATA_KEPT.has(key)) metadata[key] = value;
  }
  const tags = tagsOf(cell).filter((tag) => !INSTRUCTOR_TAGS.has(tag));
  if (tags.length) metadata.tags = tags;
  else delete metadata.tags;
  const student: NotebookCell = { cell_type: cell.cell_type, source, metadata };
  if (cell.id !== undefined) student.id = cell.id;
  if (cell.cell_type === "code") {
    student.outputs = [];
    student.execution_count = null;
  }
  return student;
}

/**
 * The student version of an instructor notebook. Throws a MarkerError (code and
 * cell number) for markers that do not pair up, nest, sit where they would be
 * shown, or a cell that is both hidden tests and an answer.
 */
export function studentNotebook(instructor: Notebook, options: StudentOptions = {}): Notebook {
  const stub = options.stub ?? DEFAULT_STUB;
  const cells: NotebookCell[] = [];
  instructor.cells.forEach((cell, index) => {
    const tags = tagsOf(cell);
    if (tags.includes(HIDDEN_TESTS_TAG)) {
      if (tags.includes(ANSWER_TAG)) {
        throw new MarkerError("hidden-answer-cell", index + 1, 1, `tagged both "${HIDDEN_TESTS_TAG}" and "${ANSWER_TAG}": an answer cell is the learner's, hidden tests are not`);
      }
      // Still checked: a broken marker in a removed cell is a mistake the instructor wants to hear about.
      findRegions(cell.source.split("\n"), cell.cell_type, index + 1);
      return;
    }
    cells.push(studentCell(cell, index + 1, stub, options.warn ?? (() => undefined)));
  });
  const metadata: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(instructor.metadata)) {
    if (NOTEBOOK_METADATA_KEPT.has(key)) metadata[key] = value;
  }
  return { nbformat: 4, nbformat_minor: instructor.nbformat_minor, metadata: metadata as Notebook["metadata"], cells };
}

/** nbformat's on-disk form: sources as lists of lines, one-space indent, as Jupyter writes them. */
export function serializeNotebook(notebook: Notebook): string {
  const cells = notebook.cells.map((cell) => ({ ...cell, source: splitLines(cell.source) }));
  return `${JSON.stringify({ ...notebook, cells }, null, 1)}\n`;
}
