import { checkFunction, checkInt32, checkTimeout } from "./checks.js";
import { deadlineAfter, sleepWhile, sleepWhileAsync, type Deadline } from "./futex.js";
import { COUNTER } from "./layout.js";
import { Attach, allocate, attach, type PlacementOptions, type SharedHandle } from "./memory.js";

const INSPECT = Symbol.for("nodejs.util.inspect.custom");

/**
 * A shared 32-bit integer updated with single atomic instructions: no lock, no
 * lost updates, never blocks to update. Values wrap around like Int32 (2^31 - 1
 * plus 1 is -2^31).
 *
 * Invariant: every change is one read-modify-write (Atomics.add, exchange or
 * compareExchange), so concurrent changes all take effect, in some order; the
 * value equals the initial value plus the sum of all add() deltas since the
 * last store()/exchange().
 *
 * waitUntil() sleeps until the value satisfies a predicate. Sleepers count
 * themselves before re-reading the value, and writers read that count after
 * writing, so a writer wakes them whenever one may sleep, and pays only one
 * extra load otherwise.
 */
export class AtomicCounter implements SharedHandle<"AtomicCounter"> {
  readonly pardisSync = "AtomicCounter" as const;
  readonly buffer: SharedArrayBuffer;
  readonly index: number;
  readonly #cells: Int32Array;
  readonly #value: number;
  readonly #waiters: number;

  /** @param initial the starting value @default 0 */
  constructor(initial?: number, options?: PlacementOptions);
  constructor(initial: number | Attach = 0, options?: PlacementOptions) {
    let slots;
    if (initial instanceof Attach) {
      slots = initial.slots;
    } else {
      checkInt32("new AtomicCounter(initial)", "initial", initial);
      slots = allocate("AtomicCounter", COUNTER.slots, "new AtomicCounter(initial, options)", options);
      Atomics.store(slots.cells, slots.index + COUNTER.value, initial);
    }
    this.buffer = slots.buffer;
    this.index = slots.index;
    this.#cells = slots.cells;
    this.#value = slots.index + COUNTER.value;
    this.#waiters = slots.index + COUNTER.waiters;
  }

  /** Attaches to an AtomicCounter that crossed postMessage (a plain `{ pardisSync: "AtomicCounter", buffer, index }`). */
  static from(handle: SharedHandle<"AtomicCounter">): AtomicCounter {
    return new AtomicCounter(new Attach(attach("AtomicCounter", COUNTER.slots, handle, "AtomicCounter.from")) as never);
  }

  /** The current value. */
  get value(): number {
    return Atomics.load(this.#cells, this.#value);
  }

  load(): number {
    return Atomics.load(this.#cells, this.#value);
  }

  /** Adds `delta` (default 1) and returns the new value. */
  add(delta = 1): number {
    checkInt32("AtomicCounter.add", "delta", delta);
    const updated = (Atomics.add(this.#cells, this.#value, delta) + delta) | 0;
    this.#wake();
    return updated;
  }

  /** Adds one and returns the new value. */
  increment(): number {
    const updated = (Atomics.add(this.#cells, this.#value, 1) + 1) | 0;
    this.#wake();
    return updated;
  }

  /** Subtracts one and returns the new value. */
  decrement(): number {
    const updated = (Atomics.sub(this.#cells, this.#value, 1) - 1) | 0;
    this.#wake();
    return updated;
  }

  store(value: number): void {
    checkInt32("AtomicCounter.store", "value", value);
    Atomics.store(this.#cells, this.#value, value);
    this.#wake();
  }

  /** Sets the value and returns the previous one. */
  exchange(value: number): number {
    checkInt32("AtomicCounter.exchange", "value", value);
    const previous = Atomics.exchange(this.#cells, this.#value, value);
    this.#wake();
    return previous;
  }

  /** Sets the value to `replacement` only if it is `expected`; returns whether it did. */
  compareAndSet(expected: number, replacement: number): boolean {
    checkInt32("AtomicCounter.compareAndSet", "expected", expected);
    checkInt32("AtomicCounter.compareAndSet", "replacement", replacement);
    const swapped = Atomics.compareExchange(this.#cells, this.#value, expected, replacement) === expected;
    if (swapped) this.#wake();
    return swapped;
  }

  /** Blocks until `predicate(value)` holds and returns that value. */
  waitUntil(predicate: (value: number) => boolean): number {
    checkFunction("AtomicCounter.waitUntil", "predicate", predicate);
    return this.#awaitValue(predicate, Infinity)!;
  }

  /** Waits up to `timeoutMs` for `predicate(value)`; returns the value that satisfied it, or undefined on timeout. */
  tryWaitUntil(predicate: (value: number) => boolean, timeoutMs: number): number | undefined {
    checkFunction("AtomicCounter.tryWaitUntil", "predicate", predicate);
    checkTimeout("AtomicCounter.tryWaitUntil", timeoutMs);
    return this.#awaitValue(predicate, deadlineAfter(timeoutMs));
  }

  /** Resolves with the first value seen that satisfies `predicate`; the thread's event loop keeps running meanwhile. */
  async waitUntilAsync(predicate: (value: number) => boolean): Promise<number> {
    checkFunction("AtomicCounter.waitUntilAsync", "predicate", predicate);
    return (await this.#awaitValueAsync(predicate, Infinity))!;
  }

  /** Like tryWaitUntil, without blocking the thread. */
  async tryWaitUntilAsync(predicate: (value: number) => boolean, timeoutMs: number): Promise<number | undefined> {
    checkFunction("AtomicCounter.tryWaitUntilAsync", "predicate", predicate);
    checkTimeout("AtomicCounter.tryWaitUntilAsync", timeoutMs);
    return this.#awaitValueAsync(predicate, deadlineAfter(timeoutMs));
  }

  toString(): string {
    return `AtomicCounter(${this.value})`;
  }

  [INSPECT](): string {
    return this.toString();
  }

  #wake(): void {
    if (Atomics.load(this.#cells, this.#waiters) !== 0) Atomics.notify(this.#cells, this.#value);
  }

  #awaitValue(predicate: (value: number) => boolean, deadline: Deadline): number | undefined {
    let value = Atomics.load(this.#cells, this.#value);
    if (predicate(value)) return value;
    Atomics.add(this.#cells, this.#waiters, 1);
    try {
      for (;;) {
        value = Atomics.load(this.#cells, this.#value);
        if (predicate(value)) return value;
        if (!sleepWhile(this.#cells, this.#value, value, deadline)) {
          value = Atomics.load(this.#cells, this.#value);
          return predicate(value) ? value : undefined;
        }
      }
    } finally {
      Atomics.sub(this.#cells, this.#waiters, 1);
    }
  }

  async #awaitValueAsync(predicate: (value: number) => boolean, deadline: Deadline): Promise<number | undefined> {
    let value = Atomics.load(this.#cells, this.#value);
    if (predicate(value)) return value;
    Atomics.add(this.#cells, this.#waiters, 1);
    try {
      for (;;) {
        value = Atomics.load(this.#cells, this.#value);
        if (predicate(value)) return value;
        if (!(await sleepWhileAsync(this.#cells, this.#value, value, deadline))) {
          value = Atomics.load(this.#cells, this.#value);
          return predicate(value) ? value : undefined;
        }
      }
    } finally {
      Atomics.sub(this.#cells, this.#waiters, 1);
    }
  }
}
