import { checkCount, checkTimeout, misuse } from "./checks.js";
import { deadlineAfter, sleepWhile, sleepWhileAsync, type Deadline } from "./futex.js";
import { SEMAPHORE } from "./layout.js";
import { Attach, allocate, attach, type PlacementOptions, type SharedHandle } from "./memory.js";

const INSPECT = Symbol.for("nodejs.util.inspect.custom");
const PERMITS_MAX = 0x7fff_ffff;

/**
 * A counting semaphore shared by threads: `permits` can be taken (acquire) and
 * given back (release); a thread that asks for more than are available waits.
 *
 * Invariant: `permits` never goes below zero, and it only decreases by a
 * compareExchange that saw enough permits; so a semaphore created with N
 * permits (and released as often as acquired) never has more than N holders
 * at once.
 *
 * Waiters announce themselves (a count) before they re-check and sleep, and
 * release() adds permits before it reads that count: with sequentially
 * consistent atomics one of the two sees the other, so a release never misses
 * a sleeper. release() makes no system call when nobody waits. Not fair: a
 * running thread may take permits ahead of a sleeper.
 */
export class Semaphore implements SharedHandle<"Semaphore"> {
  readonly pardisSync = "Semaphore" as const;
  readonly buffer: SharedArrayBuffer;
  readonly index: number;
  readonly #cells: Int32Array;
  readonly #permits: number;
  readonly #waiters: number;
  readonly #bulkWaiters: number;

  /** @param permits How many holders may hold the semaphore at once (a non-negative integer). */
  constructor(permits: number, options?: PlacementOptions);
  constructor(permits: number | Attach, options?: PlacementOptions) {
    let slots;
    if (permits instanceof Attach) {
      slots = permits.slots;
    } else {
      checkCount("new Semaphore(permits)", "permits", permits, 0, PERMITS_MAX);
      slots = allocate("Semaphore", SEMAPHORE.slots, "new Semaphore(permits, options)", options);
      Atomics.store(slots.cells, slots.index + SEMAPHORE.permits, permits);
    }
    this.buffer = slots.buffer;
    this.index = slots.index;
    this.#cells = slots.cells;
    this.#permits = slots.index + SEMAPHORE.permits;
    this.#waiters = slots.index + SEMAPHORE.waiters;
    this.#bulkWaiters = slots.index + SEMAPHORE.bulkWaiters;
  }

  /** Attaches to a Semaphore that crossed postMessage (a plain `{ pardisSync: "Semaphore", buffer, index }`). */
  static from(handle: SharedHandle<"Semaphore">): Semaphore {
    return new Semaphore(new Attach(attach("Semaphore", SEMAPHORE.slots, handle, "Semaphore.from")) as never);
  }

  /** Blocks until `permits` permits are taken. @default permits 1 */
  acquire(permits = 1): void {
    checkCount("Semaphore.acquire", "permits", permits, 1);
    if (!this.#take(permits)) this.#acquireSlow(permits, Infinity);
  }

  /** Takes `permits` permits if available, or waits up to `timeoutMs` for them; returns whether it took them. */
  tryAcquire(permits = 1, timeoutMs = 0): boolean {
    checkCount("Semaphore.tryAcquire", "permits", permits, 1);
    checkTimeout("Semaphore.tryAcquire", timeoutMs);
    return this.#take(permits) || (timeoutMs > 0 && this.#acquireSlow(permits, deadlineAfter(timeoutMs)));
  }

  /** Resolves when `permits` permits are taken; the thread's event loop keeps running meanwhile. */
  async acquireAsync(permits = 1): Promise<void> {
    checkCount("Semaphore.acquireAsync", "permits", permits, 1);
    if (!this.#take(permits)) await this.#acquireSlowAsync(permits, Infinity);
  }

  /** Like tryAcquire, without blocking the thread. */
  async tryAcquireAsync(permits = 1, timeoutMs = 0): Promise<boolean> {
    checkCount("Semaphore.tryAcquireAsync", "permits", permits, 1);
    checkTimeout("Semaphore.tryAcquireAsync", timeoutMs);
    return this.#take(permits) || (timeoutMs > 0 && (await this.#acquireSlowAsync(permits, deadlineAfter(timeoutMs))));
  }

  /** Gives back `permits` permits and wakes waiters that may now proceed. @default permits 1 */
  release(permits = 1): void {
    checkCount("Semaphore.release", "permits", permits, 1);
    const cells = this.#cells;
    for (;;) {
      const available = Atomics.load(cells, this.#permits);
      if (available > PERMITS_MAX - permits) {
        throw misuse(`Semaphore.release: releasing ${permits} permits onto ${available} would pass ${PERMITS_MAX}; is release called more often than acquire?`);
      }
      if (Atomics.compareExchange(cells, this.#permits, available, available + permits) === available) break;
    }
    // A waiter for several permits may need this release and the next ones;
    // waking only `permits` sleepers could wake the wrong ones and strand it,
    // so when any bulk waiter exists, everyone re-checks.
    if (Atomics.load(cells, this.#bulkWaiters) > 0) Atomics.notify(cells, this.#permits);
    else if (Atomics.load(cells, this.#waiters) > 0) Atomics.notify(cells, this.#permits, permits);
  }

  /** Runs `fn` holding one permit and releases it afterwards, also when it throws. */
  withPermit<T>(fn: () => T): T {
    this.acquire();
    try {
      return fn();
    } finally {
      this.release();
    }
  }

  /** Permits available right now (a snapshot). */
  get available(): number {
    return Atomics.load(this.#cells, this.#permits);
  }

  toString(): string {
    const waiting = Atomics.load(this.#cells, this.#waiters);
    return `Semaphore(${this.available} available${waiting > 0 ? `, ${waiting} waiting` : ""})`;
  }

  [INSPECT](): string {
    return this.toString();
  }

  /** One attempt without waiting: takes the permits only if enough are there. */
  #take(permits: number): boolean {
    const cells = this.#cells;
    for (;;) {
      const available = Atomics.load(cells, this.#permits);
      if (available < permits) return false;
      if (Atomics.compareExchange(cells, this.#permits, available, available - permits) === available) return true;
    }
  }

  #announce(permits: number, delta: 1 | -1): void {
    Atomics.add(this.#cells, this.#waiters, delta);
    if (permits > 1) Atomics.add(this.#cells, this.#bulkWaiters, delta);
  }

  #acquireSlow(permits: number, deadline: Deadline): boolean {
    const cells = this.#cells;
    this.#announce(permits, 1);
    try {
      for (;;) {
        const available = Atomics.load(cells, this.#permits);
        if (available >= permits) {
          if (Atomics.compareExchange(cells, this.#permits, available, available - permits) === available) return true;
        } else if (!sleepWhile(cells, this.#permits, available, deadline)) {
          return this.#take(permits);
        }
      }
    } finally {
      this.#announce(permits, -1);
    }
  }

  async #acquireSlowAsync(permits: number, deadline: Deadline): Promise<boolean> {
    const cells = this.#cells;
    this.#announce(permits, 1);
    try {
      for (;;) {
        const available = Atomics.load(cells, this.#permits);
        if (available >= permits) {
          if (Atomics.compareExchange(cells, this.#permits, available, available - permits) === available) return true;
        } else if (!(await sleepWhileAsync(cells, this.#permits, available, deadline))) {
          return this.#take(permits);
        }
      }
    } finally {
      this.#announce(permits, -1);
    }
  }
}
