/**
 * What the pool's main side and its workers say to each other. Both sides
 * import this file (the worker entry imports only this and worker-output.ts
 * of the pool, to start fast), so a message shape or a shared-memory offset
 * is written down exactly once.
 */

/** How a worker gets the function a task runs. `key` names it on the main side (the pool numbers keys for its requests). */
export type CodeRef =
  /** A function shipped as source: `code` evaluates to it. `key` is a hash of `code`. */
  | { kind: "source"; key: string; code: string; filename: string }
  /** An export of a module file. */
  | { kind: "module"; key: string; url: string; name: string };

/**
 * How a task runs its function. run: `arg` is the argument. map, reduce: `arg`
 * is a chunk of items, and the reply's value the chunk's results or its
 * accumulator. item: a map chunk of exactly one item, sent as the item itself
 * and answered with its result (a map of one task per item is bound by
 * per-task costs: no arrays either way).
 */
export type RequestMode = "run" | "item" | "map" | "reduce";

/**
 * One task as a worker receives it. Requests and replies are tuples, not
 * objects: structured clone writes every property name of an object again
 * with every message, and at tens of thousands of tasks per second an object
 * costs about 1 µs more per message than the same fields in an array.
 */
export type TaskRequest = [
  /** Pool-wide task id (from 1): tags the task's output and its worker-board slot. */
  id: number,
  /** The pool's number for the function (one per CodeRef key): a number clones and looks up faster than the key. */
  fn: number,
  mode: RequestMode,
  arg: unknown,
  /** item, map and reduce: index of the (chunk's first) item in the whole list. */
  first: number,
  /**
   * How to load `fn`: sent until every worker has loaded it, then left out
   * (cloning the source with every task would cost every task). A worker
   * that meets an unknown `fn` without it answers REPLY_MISSING_CODE.
   */
  code?: CodeRef,
  /** reduce: the accumulator each chunk starts from. */
  initial?: unknown,
];

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

/** Positions in a TaskRequest, for code that reads single fields (destructuring a tuple runs the iterator protocol: slower). */
export const REQUEST_ID = 0;
export const REQUEST_FN = 1;
export const REQUEST_MODE = 2;
export const REQUEST_ARG = 3;
export const REQUEST_FIRST = 4;
export const REQUEST_CODE = 5;
export const REQUEST_INITIAL = 6;

/** The function returned (value = its result). */
export const REPLY_OK = 1;
/** The function threw (value = a ThrownError). Errors of learner code are answers; only a dying worker makes piscina reject. */
export const REPLY_THREW = 0;
/** The worker has not loaded `fn` and the request did not carry its code: send it again with the code. */
export const REPLY_MISSING_CODE = 2;
export type ReplyStatus = typeof REPLY_OK | typeof REPLY_THREW | typeof REPLY_MISSING_CODE;

/** A worker's answer (a tuple for the same reason as TaskRequest). */
export type TaskReply = [
  status: ReplyStatus,
  value: unknown,
  /** The worker's index in the pool (see the worker board), for the trace. */
  worker: number,
  /** Worker-side clock, already converted to ms since the main side's performance.timeOrigin. */
  startedMs: number,
  endedMs: number,
  /** Output messages posted for this task; the main side waits for all of them before settling. */
  outputs: number,
];

/** Positions in a TaskReply. */
export const REPLY_STATUS = 0;
export const REPLY_VALUE = 1;
export const REPLY_WORKER = 2;
export const REPLY_STARTED_MS = 3;
export const REPLY_ENDED_MS = 4;
export const REPLY_OUTPUTS = 5;

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
