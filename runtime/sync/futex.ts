/**
 * The two ways to sleep on a shared slot, with deadlines. Every primitive's slow
 * path is "re-check the slot, then sleep while it still holds the value just
 * seen": Atomics.wait compares and enqueues atomically, so a change (and its
 * notify) between the check and the sleep makes the sleep return at once
 * instead of being lost.
 *
 * Atomics.wait is looked up at each call, not captured at load: the kernel
 * wraps it to flush a cell's output before the thread blocks.
 */

/** An absolute deadline on performance.now() (Infinity: none). */
export type Deadline = number;

export function deadlineAfter(timeoutMs: number): Deadline {
  return timeoutMs === Infinity ? Infinity : performance.now() + timeoutMs;
}

function remainingMs(deadline: Deadline): number {
  return deadline === Infinity ? Infinity : Math.max(0, deadline - performance.now());
}

/**
 * Blocks this thread while `cells[index] === expected`, until notified or the
 * deadline. Returns false when it gave up because the deadline passed; true
 * otherwise (woken, value already different, or a spurious wake-up): the
 * caller re-checks its condition either way.
 */
export function sleepWhile(cells: Int32Array, index: number, expected: number, deadline: Deadline): boolean {
  return Atomics.wait(cells, index, expected, remainingMs(deadline)) !== "timed-out";
}

interface WaitAsyncResult {
  async: boolean;
  value: "not-equal" | "timed-out" | "ok" | Promise<"ok" | "timed-out">;
}
type WaitAsync = (cells: Int32Array, index: number, expected: number, timeoutMs: number) => WaitAsyncResult;

/**
 * The same without blocking: the thread's event loop keeps running (a
 * notebook's main thread keeps answering) and the promise settles when the
 * slot is notified or the deadline passes.
 */
export async function sleepWhileAsync(cells: Int32Array, index: number, expected: number, deadline: Deadline): Promise<boolean> {
  // Atomics.waitAsync is ES2024; Node 20 has it, the ES2023 lib types do not.
  const result = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync(cells, index, expected, remainingMs(deadline));
  const outcome = result.async ? await result.value : result.value;
  return outcome !== "timed-out";
}
