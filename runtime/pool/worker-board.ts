import { BOARD_BYTES, BOARD_NEXT_WORKER, BOARD_SLOTS, BOARD_STARTED_BASE_F64, BOARD_TASK_BASE } from "./protocol.js";

/**
 * Main side of the worker board (layout in protocol.ts): where a task was
 * running when it got no reply, because it was cancelled (piscina terminates
 * the worker) or its worker died.
 */
export class WorkerBoard {
  readonly buffer = new SharedArrayBuffer(BOARD_BYTES);
  readonly #tasks = new Int32Array(this.buffer);
  readonly #started = new Float64Array(this.buffer);

  /** The worker running `taskId` and when it started it, or undefined if no worker had started it. */
  find(taskId: number): { worker: number; startedMs: number } | undefined {
    const workers = Atomics.load(this.#tasks, BOARD_NEXT_WORKER);
    for (let worker = Math.max(0, workers - BOARD_SLOTS); worker < workers; worker++) {
      const slot = worker % BOARD_SLOTS;
      // Acquire: pairs with the worker's Atomics.store of the id, after it wrote the start time.
      if (Atomics.load(this.#tasks, BOARD_TASK_BASE + slot) === taskId) {
        return { worker, startedMs: this.#started[BOARD_STARTED_BASE_F64 + slot]! };
      }
    }
    return undefined;
  }
}
