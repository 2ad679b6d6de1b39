import { PardisError } from "../core/index.js";
import { THIS_THREAD, checkFunction, checkTimeout, misuse } from "./checks.js";
import { deadlineAfter, sleepWhile, sleepWhileAsync, type Deadline } from "./futex.js";
import { CONTENDED, LOCKED, MUTEX, SPIN_LOADS, UNLOCKED } from "./layout.js";
import { Attach, allocate, attach, type PlacementOptions, type SharedHandle } from "./memory.js";

const INSPECT = Symbol.for("nodejs.util.inspect.custom");

/**
 * A mutual-exclusion lock shared by threads (Drepper, "Futexes are tricky",
 * mutex 2): an uncontended lock/unlock pair is one compareExchange and one
 * atomic subtract, with no system call; only a thread that finds the lock
 * taken sleeps (Atomics.wait), and only an unlock that may have sleepers wakes
 * one (Atomics.notify).
 *
 * Invariant: at most one thread holds the mutex; `state` is 0 exactly when
 * nobody holds it, and is 2 whenever a thread may be asleep waiting for it, so
 * an unlock never leaves a sleeper behind. The holder's identity (threadId + 1)
 * is recorded, so unlocking from the wrong thread and locking twice from the
 * same thread are reported instead of corrupting the lock.
 *
 * The owner slot is read and written with plain accesses, not Atomics: only
 * the holder writes it, after the acquiring compareExchange and before the
 * releasing subtract, and those sequentially consistent operations order it
 * for the next holder. Another thread may read a stale owner, but never its
 * own id unless it holds the lock, which is all the misuse checks need. (Two
 * atomic stores per pair more than doubled an uncontended lock/unlock.)
 *
 * Not fair (a running thread may take the lock ahead of a sleeper) and not
 * reentrant. Blocking methods are for worker threads; the main thread of a
 * notebook or server uses `lockAsync`, which lets its event loop run while it
 * waits. Threads are the unit of ownership: two async functions on one thread
 * both holding the "same" ownership is not detected.
 */
export class Mutex implements SharedHandle<"Mutex"> {
  readonly pardisSync = "Mutex" as const;
  readonly buffer: SharedArrayBuffer;
  readonly index: number;
  readonly #cells: Int32Array;
  readonly #state: number;
  readonly #owner: number;

  constructor(options?: PlacementOptions);
  constructor(options?: PlacementOptions | Attach) {
    const slots = options instanceof Attach ? options.slots : allocate("Mutex", MUTEX.slots, "new Mutex(options)", options);
    this.buffer = slots.buffer;
    this.index = slots.index;
    this.#cells = slots.cells;
    this.#state = slots.index + MUTEX.state;
    this.#owner = slots.index + MUTEX.owner;
  }

  /** Attaches to a Mutex that crossed postMessage (a plain `{ pardisSync: "Mutex", buffer, index }`). */
  static from(handle: SharedHandle<"Mutex">): Mutex {
    return new Mutex(new Attach(attach("Mutex", MUTEX.slots, handle, "Mutex.from")) as never);
  }

  /** Blocks until this thread holds the mutex. Throws PardisError "deadlock" if this thread already holds it. */
  lock(): void {
    if (Atomics.compareExchange(this.#cells, this.#state, UNLOCKED, LOCKED) !== UNLOCKED) {
      this.#checkNotHeldHere("Mutex.lock");
      this.#lockContended(Infinity);
    }
    this.#cells[this.#owner] = THIS_THREAD;
  }

  /**
   * Takes the mutex if it is free, or waits up to `timeoutMs` for it. Returns
   * whether this thread now holds it.
   * @default timeoutMs 0 (do not wait)
   */
  tryLock(timeoutMs = 0): boolean {
    checkTimeout("Mutex.tryLock", timeoutMs);
    if (Atomics.compareExchange(this.#cells, this.#state, UNLOCKED, LOCKED) !== UNLOCKED) {
      if (timeoutMs === 0) return false;
      this.#checkNotHeldHere("Mutex.tryLock");
      if (!this.#lockContended(deadlineAfter(timeoutMs))) return false;
    }
    this.#cells[this.#owner] = THIS_THREAD;
    return true;
  }

  /** Resolves when this thread holds the mutex; the thread's event loop keeps running meanwhile. */
  async lockAsync(): Promise<void> {
    if (Atomics.compareExchange(this.#cells, this.#state, UNLOCKED, LOCKED) !== UNLOCKED) {
      await this.#lockContendedAsync(Infinity);
    }
    this.#cells[this.#owner] = THIS_THREAD;
  }

  /** Like tryLock, without blocking the thread: resolves to whether this thread now holds the mutex. */
  async tryLockAsync(timeoutMs = 0): Promise<boolean> {
    checkTimeout("Mutex.tryLockAsync", timeoutMs);
    if (Atomics.compareExchange(this.#cells, this.#state, UNLOCKED, LOCKED) !== UNLOCKED) {
      if (timeoutMs === 0 || !(await this.#lockContendedAsync(deadlineAfter(timeoutMs)))) return false;
    }
    this.#cells[this.#owner] = THIS_THREAD;
    return true;
  }

  /** Releases the mutex and wakes one sleeping waiter if there may be one. Only the holding thread may unlock. */
  unlock(): void {
    const holder = this.#cells[this.#owner]!;
    if (holder !== THIS_THREAD) {
      if (Atomics.load(this.#cells, this.#state) === UNLOCKED) throw misuse("Mutex.unlock: expected a locked mutex, but it is not locked");
      throw misuse(
        `Mutex.unlock: expected the mutex to be held by this thread (thread ${THIS_THREAD - 1}), ` +
          `but it is held by ${holder === 0 ? "a thread that is just taking it" : `thread ${holder - 1}`}`,
      );
    }
    // Clear the owner before releasing: the next holder writes its own id only
    // after its compareExchange succeeds, so the two writes never cross.
    this.#cells[this.#owner] = 0;
    // 1 -> 0: nobody was waiting. 2 -> 1 means someone may sleep: finish the
    // release and wake exactly one (it will set 2 again if more are queued).
    if (Atomics.sub(this.#cells, this.#state, 1) !== LOCKED) {
      Atomics.store(this.#cells, this.#state, UNLOCKED);
      Atomics.notify(this.#cells, this.#state, 1);
    }
  }

  /** Runs `fn` holding the mutex and unlocks afterwards, also when it throws. */
  withLock<T>(fn: () => T): T {
    checkFunction("Mutex.withLock", "fn", fn);
    this.lock();
    try {
      return fn();
    } finally {
      this.unlock();
    }
  }

  /** Runs `fn` (sync or async) holding the mutex, taken with lockAsync, and unlocks when it settles. */
  async withLockAsync<T>(fn: () => T | Promise<T>): Promise<T> {
    checkFunction("Mutex.withLockAsync", "fn", fn);
    await this.lockAsync();
    try {
      return await fn();
    } finally {
      this.unlock();
    }
  }

  /** Whether some thread holds the mutex right now (a snapshot: it may change as soon as it is read). */
  get isLocked(): boolean {
    return Atomics.load(this.#cells, this.#state) !== UNLOCKED;
  }

  /** Whether this thread holds the mutex. */
  get isHeldByThisThread(): boolean {
    return this.#cells[this.#owner]! === THIS_THREAD;
  }

  toString(): string {
    const holder = this.#cells[this.#owner]!;
    if (!this.isLocked) return "Mutex(unlocked)";
    return `Mutex(locked${holder === 0 ? "" : ` by thread ${holder - 1}`}${Atomics.load(this.#cells, this.#state) === CONTENDED ? ", with waiters" : ""})`;
  }

  [INSPECT](): string {
    return this.toString();
  }

  #checkNotHeldHere(where: string): void {
    if (this.#cells[this.#owner]! === THIS_THREAD) {
      throw new PardisError("deadlock", `${where}: this thread (thread ${THIS_THREAD - 1}) already holds the mutex; a Mutex is not reentrant, so waiting would never end`);
    }
  }

  /** Spins briefly, then sleeps until the lock is taken (true) or the deadline passes (false). */
  #lockContended(deadline: Deadline): boolean {
    const cells = this.#cells;
    const state = this.#state;
    for (let spin = 0; spin < SPIN_LOADS; spin++) {
      if (Atomics.load(cells, state) === UNLOCKED && Atomics.compareExchange(cells, state, UNLOCKED, LOCKED) === UNLOCKED) return true;
    }
    // From here on the lock is taken with 2, not 1: this thread cannot know
    // whether others sleep, so its own unlock must wake one to be safe.
    while (Atomics.exchange(cells, state, CONTENDED) !== UNLOCKED) {
      if (!sleepWhile(cells, state, CONTENDED, deadline)) {
        // Timed out. Leaving 2 behind is harmless (the holder's unlock wakes
        // nobody, or a real sleeper), but the lock may have opened meanwhile.
        return Atomics.compareExchange(cells, state, UNLOCKED, CONTENDED) === UNLOCKED;
      }
    }
    return true;
  }

  async #lockContendedAsync(deadline: Deadline): Promise<boolean> {
    const cells = this.#cells;
    const state = this.#state;
    while (Atomics.exchange(cells, state, CONTENDED) !== UNLOCKED) {
      if (!(await sleepWhileAsync(cells, state, CONTENDED, deadline))) {
        return Atomics.compareExchange(cells, state, UNLOCKED, CONTENDED) === UNLOCKED;
      }
    }
    return true;
  }
}
