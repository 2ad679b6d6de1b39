/**
 * Errors a checker throws when its input is malformed (not when the history is
 * bad: a bad history is a verdict, never an exception). The code says which
 * rule the input broke so a grader can tell a broken recorder from a broken
 * learner.
 */
export type CheckInputErrorCode =
  | "unknown-model"
  | "bad-operation"
  | "bad-observation";

export class CheckInputError extends Error {
  override name = "CheckInputError";
  constructor(
    readonly code: CheckInputErrorCode,
    message: string,
  ) {
    super(message);
  }
}
