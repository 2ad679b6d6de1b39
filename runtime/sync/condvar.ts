import { checkCount, checkTimeout, describe, misuse } from "./checks.js";
import { deadlineAfter, sleepWhile, sleepWhileAsync } from "./futex.js";
import { CONDVAR } from "./layout.js";
import { Attach, allocate, attach, type PlacementOptions, type SharedHandle } from "./memory.js";
import { Mutex } from "./mutex.js";

const INSPECT = Symbol.for("nodejs.util.inspect.custom");

/**
 * A condition variable: a thread holding a Mutex waits until another thread
 * changes the state the mutex protects and notifies.
 *
 * Invariant (no lost wake-ups): a waiter reads the notify sequence number
 * *before* it releases the mutex and then sleeps only while the sequence is
 * unchanged; every notify increments the sequence. A notify that happens after
 * the waiter released the mutex therefore either wakes it or makes its sleep
 * return at once. Waiters also count themselves before reading the sequence,
 * so notify skips the wake-up call only when nobody can be waiting.
 *
 * Wake-ups may be spurious (a notify meant for others, or one that raced with
 * the start of the wait), so always wait in a loop on the condition itself:
 *
 * ```ts
 * mutex.lock();
 * while (queue.length === 0) notEmpty.wait(mutex);
 * const item = queue.shift();
 * mutex.unlock();
 * ```
 */
export class CondVar implements SharedHandle<"CondVar"> {
  readonly pardisSync = "CondVar" as const;
  readonly buffer: SharedArrayBuffer;
  readonly index: number;
  readonly #cells: Int32Array;
  readonly #sequence: number;
  readonly #waiters: number;

  constructor(options?: PlacementOptions);
  constructor(options?: PlacementOptions | Attach) {
    const slots = options instanceof Attach ? options.slots : allocate("CondVar", CONDVAR.slots, "new CondVar(options)", options);
    this.buffer = slots.buffer;
    this.index = slots.index;
    this.#cells = slots.cells;
    this.#sequence = slots.index + CONDVAR.sequence;
    this.#waiters = slots.index + CONDVAR.waiters;
  }

  /** Attaches to a CondVar that crossed postMessage (a plain `{ pardisSync: "CondVar", buffer, index }`). */
  static from(handle: SharedHandle<"CondVar">): CondVar {
    return new CondVar(new Attach(attach("CondVar", CONDVAR.slots, handle, "CondVar.from")) as never);
  }

  /** Releases `mutex` (held by this thread), sleeps until notified, and takes `mutex` again before returning. */
  wait(mutex: Mutex): void {
    const seen = this.#beginWait("CondVar.wait", mutex);
    try {
      sleepWhile(this.#cells, this.#sequence, seen, Infinity);
    } finally {
      this.#endWait();
      mutex.lock();
    }
  }

  /** Like wait, giving up after `timeoutMs`. Returns false if it timed out; `mutex` is held again either way. */
  tryWait(mutex: Mutex, timeoutMs: number): boolean {
    checkTimeout("CondVar.tryWait", timeoutMs);
    const seen = this.#beginWait("CondVar.tryWait", mutex);
    try {
      return sleepWhile(this.#cells, this.#sequence, seen, deadlineAfter(timeoutMs));
    } finally {
      this.#endWait();
      mutex.lock();
    }
  }

  /** Like wait, without blocking the thread: the sleep and the re-lock use Atomics.waitAsync. */
  async waitAsync(mutex: Mutex): Promise<void> {
    const seen = this.#beginWait("CondVar.waitAsync", mutex);
    try {
      await sleepWhileAsync(this.#cells, this.#sequence, seen, Infinity);
    } finally {
      this.#endWait();
      await mutex.lockAsync();
    }
  }

  /** Like tryWait, without blocking the thread. */
  async tryWaitAsync(mutex: Mutex, timeoutMs: number): Promise<boolean> {
    checkTimeout("CondVar.tryWaitAsync", timeoutMs);
    const seen = this.#beginWait("CondVar.tryWaitAsync", mutex);
    try {
      return await sleepWhileAsync(this.#cells, this.#sequence, seen, deadlineAfter(timeoutMs));
    } finally {
      this.#endWait();
      await mutex.lockAsync();
    }
  }

  /** Wakes up to `count` waiters (default one). Call it after changing the state, holding the mutex or not. */
  notify(count = 1): void {
    checkCount("CondVar.notify", "count", count, 1);
    Atomics.add(this.#cells, this.#sequence, 1);
    if (Atomics.load(this.#cells, this.#waiters) > 0) Atomics.notify(this.#cells, this.#sequence, count);
  }

  /** Wakes every waiter. */
  notifyAll(): void {
    Atomics.add(this.#cells, this.#sequence, 1);
    if (Atomics.load(this.#cells, this.#waiters) > 0) Atomics.notify(this.#cells, this.#sequence);
  }

  /** Threads between the start and the end of a wait (a snapshot). */
  get waiting(): number {
    return Atomics.load(this.#cells, this.#waiters);
  }

  toString(): string {
    return `CondVar(${this.waiting} waiting)`;
  }

  [INSPECT](): string {
    return this.toString();
  }

  /** Counts this thread as a waiter, reads the sequence, then releases the mutex: in that order (see the invariant). */
  #beginWait(where: string, mutex: Mutex): number {
    if (!(mutex instanceof Mutex)) {
      throw new TypeError(`${where}: expected a Mutex (revived with reviveShared or Mutex.from if it crossed postMessage), got ${describe(mutex)}`);
    }
    if (!mutex.isHeldByThisThread) throw misuse(`${where}: expected the mutex to be held by this thread; lock it before waiting`);
    Atomics.add(this.#cells, this.#waiters, 1);
    const seen = Atomics.load(this.#cells, this.#sequence);
    mutex.unlock();
    return seen;
  }

  #endWait(): void {
    Atomics.sub(this.#cells, this.#waiters, 1);
  }
}
