/**
 * What a learner's answer to the sync-primitives lab implements. Types only:
 * an answer may `import type` from here (type imports vanish when it is
 * compiled); the values it needs arrive as arguments.
 *
 * One answer runs in two worlds. In the schedule explorer every operation on
 * a cell is a scheduling point and returns a promise; on real worker threads
 * it is a plain `Atomics` call and returns the value itself. `await` works on
 * both, so an answer awaits every cell operation and is written once.
 */

/** A value, or a promise of it: what a cell operation returns. Always `await` it. */
export type Awaitable<T> = T | Promise<T>;

/** What `Atomics.wait` returns. */
export type WaitResult = "ok" | "not-equal" | "timed-out";

/**
 * A few Int32 cells of shared memory, indexed from 0 to `length - 1`, each
 * starting at 0. Every thread gets its own `Cells` over the same memory.
 *
 * The methods named like `Atomics` functions are atomic and sequentially
 * consistent, as `Atomics.load(view, i)` and friends. `read` and `write` are
 * plain accesses (`view[i]`, `view[i] = v`): they do not synchronise, and two
 * of them on one cell, not ordered by synchronisation, are a data race.
 */
export interface Cells {
  /** How many cells this primitive owns. */
  readonly length: number;
  /** A plain read (`view[i]`). */
  read(index: number): Awaitable<number>;
  /** A plain write (`view[i] = value`). */
  write(index: number, value: number): Awaitable<void>;
  /** `Atomics.load`. */
  load(index: number): Awaitable<number>;
  /** `Atomics.store`: returns the value stored. */
  store(index: number, value: number): Awaitable<number>;
  /** `Atomics.add`: returns the old value. */
  add(index: number, value: number): Awaitable<number>;
  /** `Atomics.sub`: returns the old value. */
  sub(index: number, value: number): Awaitable<number>;
  /** `Atomics.exchange`: returns the old value. */
  exchange(index: number, value: number): Awaitable<number>;
  /** `Atomics.compareExchange`: stores `replacement` only if the cell holds `expected`; returns what the cell held. */
  compareExchange(index: number, expected: number, replacement: number): Awaitable<number>;
  /**
   * `Atomics.wait`: if the cell holds `expected`, sleep until a `notify` on it
   * (or the timeout, in ms); otherwise return "not-equal" at once.
   * @default timeoutMs Infinity
   */
  wait(index: number, expected: number, timeoutMs?: number): Awaitable<WaitResult>;
  /** `Atomics.notify`: wakes up to `count` threads sleeping in `wait` on the cell; returns how many woke. @default count Infinity */
  notify(index: number, count?: number): Awaitable<number>;
}

/** One thread's handle on a shared mutex. */
export interface Mutex {
  /** Returns once this thread holds the mutex; meanwhile no other thread does. */
  lock(): Promise<void>;
  /** Releases it (called only by the thread that holds it). */
  unlock(): Promise<void>;
}

/** One thread's handle on a shared, reusable barrier. */
export interface Barrier {
  /** Returns once all `parties` threads have called `wait` for this phase; then the barrier is ready for the next phase. */
  wait(): Promise<void>;
}

/** One thread's handle on a shared counting semaphore. */
export interface Semaphore {
  /** Takes a permit, sleeping while all `permits` are taken. */
  acquire(): Promise<void>;
  /** Gives a permit back (called only by a thread that took one). */
  release(): Promise<void>;
}

/**
 * The factories an answer defines. Each is called once in every thread, with
 * that thread's `Cells` over the primitive's shared cells (all 0 at the start):
 * keep every piece of shared state in the cells. A handle may keep
 * thread-local state (a barrier's local sense, for instance).
 */
export type CreateMutex = (cells: Cells) => Mutex;
export type CreateBarrier = (cells: Cells, parties: number) => Barrier;
export type CreateSemaphore = (cells: Cells, permits: number) => Semaphore;

/** How many cells each primitive gets. */
export interface CellCounts {
  readonly mutex: 1;
  readonly barrier: 2;
  readonly semaphore: 2;
}
