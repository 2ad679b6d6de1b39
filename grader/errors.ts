/** Failures of the grader and publisher, with stable codes a caller can switch on. */
export type GraderErrorCode =
  | "malformed-notebook"
  | "unreadable-file"
  | "no-answer" // a notebook without answer cells
  | "submission-syntax" // the submission does not parse
  | "missing-export" // the submission lacks a name the lab needs
  | "unknown-lab"
  | "unknown-scenario"
  | "bad-arguments";

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
