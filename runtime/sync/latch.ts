import { checkCount, checkTimeout, misuse } from "./checks.js";
import { deadlineAfter, sleepWhile, sleepWhileAsync, type Deadline } from "./futex.js";
import { LATCH } from "./layout.js";
import { Attach, allocate, attach, type PlacementOptions, type SharedHandle } from "./memory.js";

const INSPECT = Symbol.for("nodejs.util.inspect.custom");

/**
 * A one-shot gate: it opens when `count` countDown() calls have happened, and
 * then stays open. Use it to wait until N workers are ready or done.
 *
 * Invariant: the count only decreases, never below zero (counting down more
 * than is left is reported as misuse), and waiters return only once it is zero.
 * Only the countDown that reaches zero wakes anybody, so counting down costs no
 * system call until then.
 */
export class Latch implements SharedHandle<"Latch"> {
  readonly pardisSync = "Latch" as const;
  readonly buffer: SharedArrayBuffer;
  readonly index: number;
  readonly #cells: Int32Array;
  readonly #count: number;

  /** @param count countDown() calls needed to open the latch (0 creates it open). */
  constructor(count: number, options?: PlacementOptions);
  constructor(count: number | Attach, options?: PlacementOptions) {
    let slots;
    if (count instanceof Attach) {
      slots = count.slots;
    } else {
      checkCount("new Latch(count)", "count", count, 0);
      slots = allocate("Latch", LATCH.slots, "new Latch(count, options)", options);
      Atomics.store(slots.cells, slots.index + LATCH.count, count);
    }
    this.buffer = slots.buffer;
    this.index = slots.index;
    this.#cells = slots.cells;
    this.#count = slots.index + LATCH.count;
  }

  /** Attaches to a Latch that crossed postMessage (a plain `{ pardisSync: "Latch", buffer, index }`). */
  static from(handle: SharedHandle<"Latch">): Latch {
    return new Latch(new Attach(attach("Latch", LATCH.slots, handle, "Latch.from")) as never);
  }

  /** Decreases the count by `n` (default 1); the call that reaches zero opens the latch and wakes all waiters. */
  countDown(n = 1): void {
    checkCount("Latch.countDown", "n", n, 1);
    const cells = this.#cells;
    for (;;) {
      const count = Atomics.load(cells, this.#count);
      if (count < n) {
        throw misuse(`Latch.countDown: expected at most ${count} more count-downs, got one of ${n}${count === 0 ? " (the latch is already open)" : ""}`);
      }
      if (Atomics.compareExchange(cells, this.#count, count, count - n) === count) {
        if (count === n) Atomics.notify(cells, this.#count);
        return;
      }
    }
  }

  /** Blocks until the latch is open. */
  wait(): void {
    this.#awaitOpen(Infinity);
  }

  /** Waits up to `timeoutMs` for the latch to open; returns whether it is open. */
  tryWait(timeoutMs: number): boolean {
    checkTimeout("Latch.tryWait", timeoutMs);
    return this.#awaitOpen(deadlineAfter(timeoutMs));
  }

  /** Resolves when the latch is open; the thread's event loop keeps running meanwhile. */
  async waitAsync(): Promise<void> {
    await this.#awaitOpenAsync(Infinity);
  }

  /** Like tryWait, without blocking the thread. */
  async tryWaitAsync(timeoutMs: number): Promise<boolean> {
    checkTimeout("Latch.tryWaitAsync", timeoutMs);
    return this.#awaitOpenAsync(deadlineAfter(timeoutMs));
  }

  /** Count-downs still needed (a snapshot; 0 = open). */
  get count(): number {
    return Atomics.load(this.#cells, this.#count);
  }

  get isOpen(): boolean {
    return this.count === 0;
  }

  toString(): string {
    const count = this.count;
    return count === 0 ? "Latch(open)" : `Latch(${count} to go)`;
  }

  [INSPECT](): string {
    return this.toString();
  }

  #awaitOpen(deadline: Deadline): boolean {
    for (;;) {
      const count = Atomics.load(this.#cells, this.#count);
      if (count === 0) return true;
      // Intermediate count-downs change the word without a notify: the sleep
      // returns "not-equal" and re-reads. Only reaching zero wakes sleepers.
      if (!sleepWhile(this.#cells, this.#count, count, deadline)) return Atomics.load(this.#cells, this.#count) === 0;
    }
  }

  async #awaitOpenAsync(deadline: Deadline): Promise<boolean> {
    for (;;) {
      const count = Atomics.load(this.#cells, this.#count);
      if (count === 0) return true;
      if (!(await sleepWhileAsync(this.#cells, this.#count, count, deadline))) return Atomics.load(this.#cells, this.#count) === 0;
    }
  }
}
