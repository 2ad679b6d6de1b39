import { checkCount, checkTimeout } from "./checks.js";
import { deadlineAfter, sleepWhile, sleepWhileAsync, type Deadline } from "./futex.js";
import { BARRIER, BARRIER_ARRIVALS_MASK, BARRIER_GENERATION_MASK, BARRIER_GENERATION_SHIFT, BARRIER_PARTIES_MAX } from "./layout.js";
import { Attach, allocate, attach, type PlacementOptions, type SharedHandle } from "./memory.js";

const INSPECT = Symbol.for("nodejs.util.inspect.custom");

const generationOf = (phase: number) => (phase >>> BARRIER_GENERATION_SHIFT) & BARRIER_GENERATION_MASK;
const arrivalsOf = (phase: number) => phase & BARRIER_ARRIVALS_MASK;
const firstPhaseOf = (generation: number) => ((generation + 1) & BARRIER_GENERATION_MASK) << BARRIER_GENERATION_SHIFT;

/** Where a thread stands after arriving: the generation it waits to see end, and whether its arrival ended it. */
interface Arrival {
  generation: number;
  tripped: boolean;
}

/**
 * A reusable barrier for a fixed number of parties: each wait() returns only
 * when all `parties` threads have called it, then the barrier resets for the
 * next round (generation) by itself.
 *
 * Invariant: a generation ends exactly when its arrival count reaches
 * `parties`; ending it starts the next generation with zero arrivals in the
 * same compareExchange, and a thread returns from wait() only after the
 * generation it arrived in has ended. So nobody passes early, and a fast thread
 * that arrives again is counted in the next generation, never the current one.
 *
 * The generation and the arrival count share one word (see layout.ts), which
 * lets a waiter that times out take its arrival back atomically, only if its
 * generation has not ended: the barrier stays usable after a timeout (unlike
 * Java's and Python's, which break). Generations count modulo 2^15.
 *
 * Waiters sleep at once instead of spinning first: a barrier's last arriver is
 * often a thread still computing, and with more runnable threads than cores
 * (a notebook's kernel next to its pool) a spinning waiter takes the core it
 * needs. Measured on the shared 2-core machine, spinning 1000 to 5000 loads
 * before sleeping made 2-thread crossings 1.5 to 6x slower.
 */
export class Barrier implements SharedHandle<"Barrier"> {
  readonly pardisSync = "Barrier" as const;
  readonly buffer: SharedArrayBuffer;
  readonly index: number;
  readonly #cells: Int32Array;
  readonly #phase: number;
  readonly #parties: number;

  /** @param parties How many threads must arrive before any passes (1 to 65535). */
  constructor(parties: number, options?: PlacementOptions);
  constructor(parties: number | Attach, options?: PlacementOptions) {
    let slots;
    if (parties instanceof Attach) {
      slots = parties.slots;
      this.#parties = Atomics.load(slots.cells, slots.index + BARRIER.parties);
    } else {
      this.#parties = checkCount("new Barrier(parties)", "parties", parties, 1, BARRIER_PARTIES_MAX);
      slots = allocate("Barrier", BARRIER.slots, "new Barrier(parties, options)", options);
      Atomics.store(slots.cells, slots.index + BARRIER.parties, parties);
    }
    this.buffer = slots.buffer;
    this.index = slots.index;
    this.#cells = slots.cells;
    this.#phase = slots.index + BARRIER.phase;
  }

  /** Attaches to a Barrier that crossed postMessage (a plain `{ pardisSync: "Barrier", buffer, index }`). */
  static from(handle: SharedHandle<"Barrier">): Barrier {
    return new Barrier(new Attach(attach("Barrier", BARRIER.slots, handle, "Barrier.from")) as never);
  }

  /**
   * Blocks until all parties have arrived. Returns true in exactly one thread
   * per generation, the last to arrive (like PTHREAD_BARRIER_SERIAL_THREAD), so
   * one thread can do the serial step between two parallel phases.
   */
  wait(): boolean {
    const arrival = this.#arrive();
    if (!arrival.tripped) this.#awaitEnd(arrival.generation, Infinity);
    return arrival.tripped;
  }

  /**
   * Waits up to `timeoutMs` for all parties. Returns true if the generation
   * ended (this thread passed); false if the time ran out, in which case this
   * thread's arrival was taken back and the others keep waiting.
   */
  tryWait(timeoutMs: number): boolean {
    checkTimeout("Barrier.tryWait", timeoutMs);
    const arrival = this.#arrive();
    return arrival.tripped || this.#awaitEnd(arrival.generation, deadlineAfter(timeoutMs));
  }

  /** Resolves when all parties have arrived (true in the last to arrive); the thread's event loop keeps running. */
  async waitAsync(): Promise<boolean> {
    const arrival = this.#arrive();
    if (!arrival.tripped) await this.#awaitEndAsync(arrival.generation, Infinity);
    return arrival.tripped;
  }

  /** Like tryWait, without blocking the thread. */
  async tryWaitAsync(timeoutMs: number): Promise<boolean> {
    checkTimeout("Barrier.tryWaitAsync", timeoutMs);
    const arrival = this.#arrive();
    return arrival.tripped || (await this.#awaitEndAsync(arrival.generation, deadlineAfter(timeoutMs)));
  }

  get parties(): number {
    return this.#parties;
  }

  /** Threads waiting in the current generation (a snapshot). */
  get waiting(): number {
    return arrivalsOf(Atomics.load(this.#cells, this.#phase));
  }

  /** How many generations have ended, modulo 2^15. */
  get generation(): number {
    return generationOf(Atomics.load(this.#cells, this.#phase));
  }

  toString(): string {
    return `Barrier(${this.waiting} of ${this.#parties} arrived, generation ${this.generation})`;
  }

  [INSPECT](): string {
    return this.toString();
  }

  #arrive(): Arrival {
    const cells = this.#cells;
    for (;;) {
      const phase = Atomics.load(cells, this.#phase);
      const generation = generationOf(phase);
      const tripped = arrivalsOf(phase) + 1 === this.#parties;
      const next = tripped ? firstPhaseOf(generation) : phase + 1;
      if (Atomics.compareExchange(cells, this.#phase, phase, next) === phase) {
        if (tripped) Atomics.notify(cells, this.#phase);
        return { generation, tripped };
      }
    }
  }

  /** Sleeps until `generation` ends (true) or the deadline passes and the arrival is taken back (false). */
  #awaitEnd(generation: number, deadline: Deadline): boolean {
    const cells = this.#cells;
    for (;;) {
      // Arrivals after ours change the word without a notify; the sleep then
      // returns at once and re-checks, and only the trip wakes sleepers.
      const phase = Atomics.load(cells, this.#phase);
      if (generationOf(phase) !== generation) return true;
      if (!sleepWhile(cells, this.#phase, phase, deadline) && this.#withdraw(generation)) return false;
    }
  }

  async #awaitEndAsync(generation: number, deadline: Deadline): Promise<boolean> {
    const cells = this.#cells;
    for (;;) {
      const phase = Atomics.load(cells, this.#phase);
      if (generationOf(phase) !== generation) return true;
      if (!(await sleepWhileAsync(cells, this.#phase, phase, deadline)) && this.#withdraw(generation)) return false;
    }
  }

  /** Takes this thread's arrival back, unless the generation ended first (then the thread has passed). */
  #withdraw(generation: number): boolean {
    const cells = this.#cells;
    for (;;) {
      const phase = Atomics.load(cells, this.#phase);
      if (generationOf(phase) !== generation) return false;
      if (Atomics.compareExchange(cells, this.#phase, phase, phase - 1) === phase) return true;
    }
  }
}
