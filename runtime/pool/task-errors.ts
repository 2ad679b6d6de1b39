/**
 * What a failed task looks like to the caller. Every rejection of a pool is a
 * PardisError with one of four codes:
 *
 *   task-failed     the function threw (or its argument/result could not be
 *                   copied between threads); the original error is the cause,
 *                   and the stack shows the function's own frames with lines
 *                   counted from the function's first line
 *   task-cancelled  an AbortSignal (or a kernel interrupt) cancelled it
 *   worker-crashed  the worker died under it (process.exit, out of memory);
 *                   the pool has already started a replacement
 *   pool-closed     submitted after close()
 */
import { PardisError } from "../core/index.js";
import type { ThrownError } from "./protocol.js";
import { spoken } from "./captured-error.js";
import { SHIPPED_FILENAME_PREFIX } from "./shipped-function.js";

/** Frames of the pool's own machinery in a worker stack: noise to a learner. */
const MACHINERY_FRAME = /node:internal|\/piscina\/|\/runtime\/pool\/worker-entry\.|\bnode:vm\b/;

/** The error as thrown in the worker, rebuilt with its name, message, stack and code. */
export function rebuildError(thrown: ThrownError): Error {
  const error = new Error(thrown.message);
  Object.defineProperty(error, "name", { value: thrown.name, configurable: true, writable: true, enumerable: false });
  error.stack = thrown.stack || `${thrown.name}: ${thrown.message}`;
  if (thrown.code !== undefined) Object.assign(error, { code: thrown.code });
  return error;
}

function learnerFrames(stack: string): string[] {
  return stack
    .split("\n")
    .filter((line) => /^\s+at /.test(line))
    .filter((line) => !MACHINERY_FRAME.test(line));
}

/** "line 3 of the function" from the first frame inside the shipped function, if any. */
function lineInFunction(stack: string, label: string): string {
  const escaped = (SHIPPED_FILENAME_PREFIX + label).replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const match = new RegExp(`${escaped}:(\\d+):\\d+`).exec(stack);
  return match ? `, line ${match[1]} of the function` : "";
}

export function taskFailed(label: string, thrown: ThrownError & { item?: number }): PardisError {
  const cause = rebuildError(thrown);
  const where = thrown.item !== undefined ? ` at item ${thrown.item}` : "";
  const error = new PardisError(
    "task-failed",
    `${spoken(label)} threw ${thrown.name}: ${thrown.message} (in a pool worker${where}${lineInFunction(thrown.stack, label)})`,
    { cause },
  );
  // The main thread's frames would only show the pool's callbacks; the worker's
  // frames of the learner's code are the ones that say where it went wrong.
  error.stack = [`${error.name}: ${error.message}`, ...learnerFrames(thrown.stack)].join("\n");
  return error;
}

export function taskCancelled(label: string, reason: unknown): PardisError {
  const why =
    reason instanceof Error && reason.name === "InterruptError"
      ? "the kernel was interrupted"
      : reason instanceof Error
        ? `${reason.name}: ${reason.message}`
        : reason === undefined
          ? "its signal was aborted"
          : String(reason);
  const error = new PardisError("task-cancelled", `${spoken(label)} was cancelled: ${why}`, { cause: reason });
  error.stack = `${error.name}: ${error.message}`;
  return error;
}

export function poolClosed(label: string): PardisError {
  return new PardisError("pool-closed", `Cannot run ${spoken(label)}: the pool is closed. Create a new pool with createPool().`);
}

/**
 * piscina rejected the task: the signal aborted it, a value could not be
 * copied between threads, or the worker died under it.
 */
export function fromRejection(label: string, error: unknown, signal: AbortSignal | undefined): PardisError {
  if (error instanceof Error && error.name === "AbortError") return taskCancelled(label, signal?.reason ?? (error as { cause?: unknown }).cause);
  if (error instanceof Error && error.name === "DataCloneError") {
    const failure = new PardisError(
      "task-failed",
      `${spoken(label)}: a value could not be copied between threads (${error.message}). Arguments, items and results travel by structured clone: ` +
        `plain objects, arrays, numbers, strings, Map, Set, typed arrays and SharedArrayBuffer do; functions, class instances' methods and sockets do not.`,
      { cause: error },
    );
    failure.stack = `${failure.name}: ${failure.message}`;
    return failure;
  }
  const code = (error as { code?: unknown } | null)?.code;
  const what =
    code === "ERR_WORKER_OUT_OF_MEMORY"
      ? "ran out of memory"
      : error instanceof Error && /exited with code/.test(error.message)
        ? `exited (${error.message.replace(/^worker /, "")}: process.exit or a fatal error)`
        : error instanceof Error
          ? `died (${error.message})`
          : // Errors that cannot be cloned arrive as {}: in practice a result holding a function or symbol.
            "died of an error that could not be reported (usually a result that cannot be copied between threads: an object holding a function or a symbol)";
  const crashed = new PardisError("worker-crashed", `The worker running ${spoken(label)} ${what}; the pool started a new worker in its place.`, { cause: error });
  crashed.stack = `${crashed.name}: ${crashed.message}`;
  return crashed;
}
