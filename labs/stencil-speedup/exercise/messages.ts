/** What the exercise's main thread and its worker threads say to each other (trusted both ends). */
import type { SubmissionCode } from "../../../grader/lab/types.js";

export interface WorkerSetup {
  readonly id: number;
  readonly workers: number;
  readonly code: SubmissionCode;
  readonly confined: boolean;
  /** The step barrier's cells (BARRIER_CELLS Int32 cells), shared by the team. */
  readonly barrier: SharedArrayBuffer;
}

/** One run: the grid, the result cells and the mailboxes are fresh shared buffers every time. */
export interface RunOrder {
  readonly type: "run";
  readonly rows: number;
  readonly cols: number;
  readonly steps: number;
  readonly staggerMs: number;
  readonly initial: SharedArrayBuffer;
  readonly result: SharedArrayBuffer;
  readonly mailboxes: SharedArrayBuffer;
}

export type WorkerReport =
  | { readonly type: "ready" }
  | { readonly type: "done" }
  | { readonly type: "failed"; readonly message: string; readonly brokenBarrier: boolean };
