/** Failures of the grader and publisher, with stable codes a caller can switch on. */
export type GraderErrorCode =
  | "malformed-notebook"
  | "unreadable-file"
  | "no-answer" // a notebook without answer cells
  | "submission-syntax" // the submission does not parse
  | "missing-export" // the submission lacks a name the lab needs
  | "unknown-lab"
  | "unknown-scenario"
  | "bad-arguments"
  // pardis publish: the instructor notebook's markers (the message names the cell and line)
  | "unbalanced-marker" // a BEGIN without its END, or an END without a BEGIN
  | "nested-marker" // a region opened inside another one
  | "misplaced-marker" // a marker that is not alone on its line, or in a markdown/raw cell
  | "hidden-answer-cell" // a cell tagged both hidden-tests and answer
  | "notebook-execution"; // running a notebook to save its outputs failed

export class GraderError extends Error {
  override readonly name = "GraderError";
  constructor(
    readonly code: GraderErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
