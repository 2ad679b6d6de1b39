/**
 * The explorer's programs: virtual threads that use the answer's primitive
 * the way a real program would, with markers the explorer's oracles check
 * (section occupancy, barrier phases) and plain memory the primitive must
 * order (a data race on it means the primitive does not synchronise).
 */
import type { SharedProgram, VirtualThread } from "../../../runtime/index.js";
import type { Cells } from "./api.js";
import { makeBarrier, makeMutex, makeSemaphore } from "./handles.js";
import { CELL_COUNTS } from "./layout.js";
import type { ExploreParams } from "./params.js";
import { virtualCells } from "./virtual-cells.js";

type Factory = (cells: Cells, size: number) => unknown;

/** The primitive's cells come first in every program's memory, so they start at index 0. */
function cellsOf(t: VirtualThread, length: number): Cells {
  return virtualCells(t, 0, length);
}

/** Each thread increments a plain counter `rounds` times inside lock/unlock: no overlap, no race, no lost update. */
function mutexProgram(factory: Factory, p: ExploreParams): SharedProgram {
  const expected = p.threads * p.rounds;
  return {
    name: `mutex, ${p.threads} threads × ${p.rounds} rounds`,
    memory: { mutex: new Array<number>(CELL_COUNTS.mutex).fill(0), counter: 0 },
    threads: Array.from({ length: p.threads }, () => async (t: VirtualThread) => {
      const mutex = makeMutex(factory, cellsOf(t, CELL_COUNTS.mutex));
      for (let round = 0; round < p.rounds; round++) {
        await mutex.lock();
        t.enter("critical section");
        const value = await t.load("counter");
        await t.store("counter", value + 1);
        t.exit("critical section");
        await mutex.unlock();
      }
    }),
    check: (final) => final.counter === expected || `the counter guarded by the mutex is ${String(final.counter)}, expected ${expected}: updates were lost`,
  };
}

/**
 * Each thread writes its own slot, waits at the barrier, then reads its
 * neighbour's slot of the same phase. Slots alternate between two buffers,
 * so a correct barrier makes every read see the phase's value.
 */
function barrierProgram(factory: Factory, p: ExploreParams): SharedProgram {
  const n = p.threads;
  return {
    name: `barrier, ${n} threads × ${p.rounds} phase${p.rounds > 1 ? "s" : ""}`,
    memory: { barrier: new Array<number>(CELL_COUNTS.barrier).fill(0), slot: new Array<number>(2 * n).fill(0) },
    barriers: { barrier: n },
    threads: Array.from({ length: n }, (_, id) => async (t: VirtualThread) => {
      const barrier = makeBarrier(factory, cellsOf(t, CELL_COUNTS.barrier), n);
      const neighbour = (id + 1) % n;
      for (let phase = 0; phase < p.rounds; phase++) {
        await t.store(`slot[${2 * id + (phase % 2)}]`, phase + 1);
        t.arrive("barrier");
        await barrier.wait();
        t.depart("barrier");
        const seen = await t.load(`slot[${2 * neighbour + (phase % 2)}]`);
        t.assert(seen === phase + 1, `after phase ${phase} T${id} read ${seen} in T${neighbour}'s slot, expected ${phase + 1}`);
      }
    }),
  };
}

/** Inside the semaphore: wait (on a harness cell) until `permits` threads are inside together. */
async function meetInside(t: VirtualThread, permits: number): Promise<void> {
  if ((await t.atomic.add("together", 1)) + 1 >= permits) {
    await t.notify("together");
    return;
  }
  for (let inside = await t.atomic.load("together"); inside < permits; inside = await t.atomic.load("together")) await t.wait("together", inside);
}

/**
 * Each thread takes and gives back a permit `rounds` times; the section's
 * capacity is the permits. With `together`, each holds its permit until all
 * permits are taken at once: a semaphore that admits fewer deadlocks there.
 */
function semaphoreProgram(factory: Factory, p: ExploreParams): SharedProgram {
  const permits = p.permits ?? 1;
  return {
    name: `semaphore (${permits} permit${permits > 1 ? "s" : ""}), ${p.threads} threads × ${p.rounds} round${p.rounds > 1 ? "s" : ""}${p.together ? ", all permits held at once" : ""}`,
    memory: { semaphore: new Array<number>(CELL_COUNTS.semaphore).fill(0), together: 0 },
    sections: { permits },
    threads: Array.from({ length: p.threads }, () => async (t: VirtualThread) => {
      const semaphore = makeSemaphore(factory, cellsOf(t, CELL_COUNTS.semaphore), permits);
      for (let round = 0; round < p.rounds; round++) {
        await semaphore.acquire();
        t.enter("permits");
        if (p.together) await meetInside(t, permits);
        t.exit("permits");
        await semaphore.release();
      }
    }),
  };
}

export function programFor(factory: Factory, params: ExploreParams): SharedProgram {
  switch (params.primitive) {
    case "mutex":
      return mutexProgram(factory, params);
    case "barrier":
      return barrierProgram(factory, params);
    case "semaphore":
      return semaphoreProgram(factory, params);
  }
}
