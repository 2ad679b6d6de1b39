/**
 * What the grader and the sandboxed runner say to each other. The spec goes
 * in on stdin; records come back as JSON lines on fd 3, each carrying the
 * job's nonce. stdout and stderr are the submission's and are never read as
 * results.
 */
import type { JsonValue, ScenarioSpec, SubmissionCode } from "../lab/types.js";

export interface RunnerSpec {
  readonly nonce: string;
  /** Absolute path of the exercise module (inside the sandbox it is bound at the same place). */
  readonly exercise: string;
  readonly scenario: ScenarioSpec;
  readonly code: SubmissionCode;
  readonly confined: boolean;
}

export type RunnerRecord =
  | { readonly nonce: string; readonly kind: "observation"; readonly data: JsonValue }
  | { readonly nonce: string; readonly kind: "error"; readonly message: string }
  | { readonly nonce: string; readonly kind: "done" };

/** The file descriptor of the trusted channel. */
export const CHANNEL_FD = 3;
