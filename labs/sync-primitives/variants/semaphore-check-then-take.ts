/**
 * Known-wrong: acquire() checks for a free permit, then takes it, in two
 * separate steps. Two threads can both see the last permit free and both
 * take it. Must lose every semaphore scenario, with "more threads than permits".
 */
import type { Barrier, Cells, Mutex, Semaphore } from "../exercise/api.js";

export function createMutex(cells: Cells): Mutex {
  // Cell 0 is the lock word: 0 when the mutex is free, 1 while a thread holds it.
  return {
    async lock() {
      // Take it in one atomic step (0 → 1); if another thread holds it, sleep until the word changes.
      while ((await cells.compareExchange(0, 0, 1)) !== 0) {
        // Sleeps only if the word still holds 1: an unlock between the CAS and here is not missed.
        await cells.wait(0, 1);
      }
    },
    async unlock() {
      await cells.store(0, 0);
      // Wake one sleeper; it retries the compareExchange (another thread may get there first, which is fine).
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
  return {
    async acquire() {
      let taken: number;
      while ((taken = await cells.load(0)) >= permits) {
        await cells.wait(0, taken);
      }
      // BUG: another thread may have taken the last permit since our load.
      await cells.add(0, 1);
    },
    async release() {
      await cells.sub(0, 1);
      await cells.notify(0, 1);
    },
  };
}
