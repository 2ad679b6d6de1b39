/**
 * Known-wrong: the barrier counts arrivals and opens when the count reaches
 * the parties, but never resets it. The first phase works; in every later
 * phase the count is already past the parties and threads walk straight
 * through. Must lose the multi-phase barrier scenarios only, with
 * "barrier phases mixed".
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
  return {
    async wait() {
      const arrived = (await cells.add(0, 1)) + 1;
      if (arrived === parties) {
        await cells.notify(0);
        return;
      }
      // BUG: from the second phase on, the count is already >= parties.
      let seen: number;
      while ((seen = await cells.load(0)) < parties) {
        await cells.wait(0, seen);
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
