/** Failures of the grader and publisher, with stable codes a caller can switch on. */
export type GraderErrorCode = "malformed-notebook" | "unreadable-file";

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
