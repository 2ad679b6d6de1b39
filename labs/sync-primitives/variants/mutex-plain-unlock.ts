/**
 * Known-wrong: unlock() frees the mutex with a plain write. On x86 real
 * workers never show it (the stress run passes), but a plain write does not
 * synchronise: nothing orders one critical section before the next, so the
 * explorer reports a data race. Must lose the explored mutex scenarios only,
 * with "data race".
 */
import type { Barrier, Cells, Mutex, Semaphore } from "../exercise/api.js";

export function createMutex(cells: Cells): Mutex {
  return {
    async lock() {
      while ((await cells.compareExchange(0, 0, 1)) !== 0) {
        await cells.wait(0, 1);
      }
    },
    async unlock() {
      // BUG: a plain write, not Atomics.store: it releases nothing.
      await cells.write(0, 0);
      await cells.notify(0, 1);
    },
  };
}

export function createBarrier(cells: Cells, parties: number): Barrier {
  // Cell 0 counts the threads that arrived in this phase; cell 1 is the phase number (the generation).
  return {
    async wait() {
      // Read the phase before arriving: it cannot move on until this thread has arrived too.
      const phase = await cells.load(1);
      const arrived = (await cells.add(0, 1)) + 1;
      if (arrived === parties) {
        // The last one resets the count for the next phase, then opens this one and wakes everybody.
        await cells.store(0, 0);
        await cells.add(1, 1);
        await cells.notify(1);
        return;
      }
      // Sleep while the phase has not moved on; waiting on the phase (not the count) makes the barrier reusable.
      while ((await cells.load(1)) === phase) {
        await cells.wait(1, phase);
      }
    },
  };
}

export function createSemaphore(cells: Cells, permits: number): Semaphore {
  // Cell 0 counts the permits taken (cells start at 0, so nobody has to initialise it); cell 1 is spare.
  return {
    async acquire() {
      for (;;) {
        const taken = await cells.load(0);
        if (taken < permits) {
          // Take one only if nobody changed the count since we read it.
          if ((await cells.compareExchange(0, taken, taken + 1)) === taken) return;
        } else {
          // All taken: sleep until the count moves (a release between the load and here makes this return at once).
          await cells.wait(0, taken);
        }
      }
    },
    async release() {
      await cells.sub(0, 1);
      await cells.notify(0, 1);
    },
  };
}
