/**
 * The barrier the harness hands every worker (`ctx.barrier()`): this lab is
 * about where the synchronisation goes, not how to build it (the
 * sync-primitives lab builds barriers). It can be broken from outside, so a
 * run that goes wrong (one worker threw, the clock ran out) ends with every
 * worker thrown out of its wait instead of a hung thread.
 */

const ARRIVED = 0;
const GENERATION = 1;
const BROKEN = 2;
export const BARRIER_CELLS = 3;

/** Thrown in a worker waiting at a barrier the harness broke. */
export class BarrierBroken extends Error {
  override readonly name = "BarrierBroken";
}

/** Waiting sleeps in slices, so a broken barrier is noticed even if a wake-up is lost to a dying worker. */
const SLICE_MS = 50;
/**
 * Reads of the generation before going to sleep: a step of a well-balanced team
 * ends within microseconds of the others, and waking a sleeping thread costs
 * tens of microseconds, more than a small step's work.
 */
const SPINS = 2000;

export function stepBarrier(cells: Int32Array, parties: number): () => void {
  return function barrier(): void {
    if (Atomics.load(cells, BROKEN) !== 0) throw new BarrierBroken("the run was stopped (another worker failed, or time ran out)");
    const generation = Atomics.load(cells, GENERATION);
    if (Atomics.add(cells, ARRIVED, 1) === parties - 1) {
      // Last to arrive: reset the count before opening, so early leavers count afresh for the next step.
      Atomics.store(cells, ARRIVED, 0);
      Atomics.add(cells, GENERATION, 1);
      Atomics.notify(cells, GENERATION);
      return;
    }
    for (let spin = 0; spin < SPINS; spin++) if (Atomics.load(cells, GENERATION) !== generation) return;
    while (Atomics.load(cells, GENERATION) === generation) {
      if (Atomics.load(cells, BROKEN) !== 0) throw new BarrierBroken("the run was stopped (another worker failed, or time ran out)");
      Atomics.wait(cells, GENERATION, generation, SLICE_MS);
    }
  };
}

/** Main thread, between runs (no worker inside): a fresh, unbroken barrier. */
export function resetBarrier(cells: Int32Array): void {
  Atomics.store(cells, ARRIVED, 0);
  Atomics.store(cells, BROKEN, 0);
}

/** Main thread: every waiting worker throws BarrierBroken. */
export function breakBarrier(cells: Int32Array): void {
  Atomics.store(cells, BROKEN, 1);
  Atomics.notify(cells, GENERATION);
}
