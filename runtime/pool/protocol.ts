/**
 * What the pool's main side and its workers say to each other. Both sides
 * import this file (the worker entry imports nothing else of the pool), so a
 * message shape or a shared-memory offset is written down exactly once.
 */

/** How a task names the code it runs. */
export type CodeRef =
  /** A function shipped as source: `code` evaluates to it; workers compile it once per `hash`. */
  | { kind: "source"; hash: string; code: string; filename: string }
  /** An export of a module file, imported once per worker. */
  | { kind: "module"; url: string; name: string };

/** One task as a worker receives it. */
export interface TaskRequest {
  /** Pool-wide task id (from 1): tags the task's output lines and its worker-board slot. */
  id: number;
  code: CodeRef;
  /** run: the function's argument; map and reduce: one chunk of items. */
  mode: "run" | "map" | "reduce";
  arg: unknown;
  /** map and reduce: index of the chunk's first item in the whole list. */
  first: number;
  /** reduce: the accumulator each chunk starts from. */
  initial?: unknown;
}

/** An error thrown by learner code, as data: structured clone keeps too little of an Error. */
export interface ThrownError {
  name: string;
  message: string;
  stack: string;
  /** Error.code when it is a string or number (Node's ERR_* codes, PardisError codes). */
  code?: string | number;
  /** For `throw 42` and other non-errors: how the value printed. */
  notAnError?: boolean;
}

/** A worker's answer. Errors of learner code are answers too; only a dying worker makes piscina reject. */
export interface TaskReply {
  ok: boolean;
  /** The result, or a ThrownError when !ok. */
  value: unknown;
  /** The worker's index in the pool (see WorkerBoard), for the trace. */
  worker: number;
  /** Worker-side clock, already converted to ms since the main side's performance.timeOrigin. */
  startedMs: number;
  endedMs: number;
  /** Output messages posted for this task; the main side waits for all of them before settling. */
  outputs: number;
}

/** One batch of console output of a task, posted on the pool's BroadcastChannel. */
export type OutputMessage = [taskId: number, stream: "stdout" | "stderr", text: string];

/** What every worker of one pool gets as workerData. */
export interface PoolWorkerData {
  /** Name of the BroadcastChannel carrying console output to the main side. */
  outputChannel: string;
  /** The main side's performance.timeOrigin, so worker timestamps use the same zero. */
  mainTimeOriginMs: number;
  /** SharedArrayBuffer of the worker board (layout below). */
  board: SharedArrayBuffer;
  /** Where `require` inside shipped functions resolves from (the notebook's directory). */
  cwd: string;
  /** This package's root, so `require("pardis")` inside a worker finds this copy. */
  pardisRoot: string;
}

/**
 * The worker board: which task each worker is running right now, in shared
 * memory. A worker writes its slot when a task starts and clears it when the
 * task ends; the main side reads it only when it cancels a running task, which
 * piscina does by terminating the worker, so no reply will ever say when (or
 * where) that task started.
 *
 * Layout (Int32 view): [BOARD_NEXT_WORKER] hands out worker indices; slot s
 * uses Int32 index BOARD_TASK_BASE + s (task id, 0 = idle). Float64 view: the
 * task's start time at BOARD_STARTED_BASE_F64 + s. A worker with index i uses
 * slot i % BOARD_SLOTS.
 */
export const BOARD_SLOTS = 1024;
export const BOARD_NEXT_WORKER = 0;
export const BOARD_TASK_BASE = 2;
/** Float64 index where start times begin: after the Int32 part, 8-byte aligned. */
export const BOARD_STARTED_BASE_F64 = Math.ceil(((BOARD_TASK_BASE + BOARD_SLOTS) * 4) / 8);
export const BOARD_BYTES = (BOARD_STARTED_BASE_F64 + BOARD_SLOTS) * 8;

/** Names learner functions may use in a pool worker without capturing anything. */
export const LOOP_GUARD_NAME = "__pardisLoopGuard";
export const LOOP_TICKS_NAME = "__pardisLoopTicks";
/** Helpers TypeScript's CommonJS output calls (dynamic import inside a function becomes __importStar(require(...))). */
export const TS_IMPORT_HELPERS = ["__importStar", "__importDefault"] as const;
