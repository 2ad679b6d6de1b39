/**
 * Barrier: reusable across many generations with nobody passing early, one
 * serial thread per generation, the main thread as a party through waitAsync,
 * timeouts that leave the barrier usable, misuse.
 */
import { afterEach, beforeAll, describe, expect, test, vi } from "vitest";
import { Barrier, Latch, SyncMemory, sharedArray } from "../../runtime/sync/index.js";
import { assertBuilt, isSettled, runWorkers, startWorker, stopWorkers, until } from "./sync-workers.js";

// A broken barrier strands threads: the timeout is the failure bound, never the sequencing.
vi.setConfig({ testTimeout: 30_000 });
beforeAll(assertBuilt);
afterEach(stopWorkers);

describe("Barrier across generations", () => {
  test("4 workers x 1000 generations: nobody passes before all arrive or runs a generation ahead; one serial thread each time", async () => {
    const parties = 4;
    const generations = 1000;
    // cells[0]: arrivals so far (all generations); cells[1]: serial returns; cells[2]: violations.
    const data = { barrier: new Barrier(parties), cells: sharedArray(Int32Array, 3), parties, generations };
    const violations = await runWorkers(parties, (_sync, { barrier, cells, parties, generations }) => {
      const seen: string[] = [];
      for (let g = 0; g < generations; g++) {
        Atomics.add(cells, 0, 1);
        if (barrier.wait()) Atomics.add(cells, 1, 1);
        // Passing generation g needs all arrivals of g; the others may already
        // have arrived in g + 1, but nobody in g + 2 (this thread is not there yet).
        const arrived = Atomics.load(cells, 0);
        if (arrived < (g + 1) * parties) seen.push(`passed generation ${g} with ${arrived} arrivals`);
        if (arrived > (g + 2) * parties - 1) seen.push(`generation ${g}: ${arrived} arrivals, someone ran ahead`);
      }
      return seen;
    }, data);
    expect(violations.flat()).toEqual([]);
    expect(data.cells[1]).toBe(generations);
    expect(data.barrier.generation).toBe(generations);
    expect(data.barrier.waiting).toBe(0);
  });

  test("the main thread is one of the parties through waitAsync, 200 generations", async () => {
    const generations = 200;
    const memory = new SyncMemory(16);
    const data = { barrier: new Barrier(3, { memory }), step: sharedArray(Int32Array, 3), generations };
    const done = runWorkers(2, (_sync, { barrier, step, generations }, { id }) => {
      let lagging = 0;
      let serial = 0;
      for (let g = 1; g <= generations; g++) {
        Atomics.store(step, id, g);
        if (barrier.wait()) serial++;
        // After the barrier every party has written generation g (or later) for itself.
        if (Atomics.load(step, 0) < g || Atomics.load(step, 1) < g || Atomics.load(step, 2) < g) lagging++;
      }
      return { lagging, serial };
    }, data);
    let serial = 0;
    for (let g = 1; g <= generations; g++) {
      Atomics.store(data.step, 2, g);
      if (await data.barrier.waitAsync()) serial++;
      expect(Math.min(Atomics.load(data.step, 0), Atomics.load(data.step, 1))).toBeGreaterThanOrEqual(g);
    }
    const workers = await done;
    expect(workers.map((w) => w.lagging)).toEqual([0, 0]);
    expect(serial + workers[0]!.serial + workers[1]!.serial).toBe(generations);
  });
});

describe("Barrier on the main thread (async)", () => {
  test("waitAsync returns to the event loop at once; the worker is let in only afterwards", async () => {
    const data = { barrier: new Barrier(2), go: new Latch(1) };
    const passed = data.barrier.waitAsync();
    const { result } = startWorker((_sync, { barrier, go }) => {
      go.wait();
      return barrier.wait();
    }, data);
    expect(await isSettled(passed)).toBe(false);
    data.go.countDown(); // unreachable had waitAsync blocked this thread
    const [mainSerial, workerSerial] = [await passed, await result];
    expect(mainSerial).toBe(false);
    expect(workerSerial).toBe(true);
  });
});

describe("Barrier timeouts", () => {
  test("a party that times out withdraws: the others still need a full set, and the barrier keeps working", async () => {
    const barrier = new Barrier(3);
    const first = startWorker((_sync, { barrier }) => barrier.tryWait(60_000), { barrier });
    await until(() => barrier.waiting === 1);
    expect(barrier.tryWait(15)).toBe(false); // main arrives, nobody else comes: it takes its arrival back
    expect(barrier.waiting).toBe(1);
    expect(await barrier.tryWaitAsync(15)).toBe(false);
    expect(barrier.waiting).toBe(1);
    const second = startWorker((_sync, { barrier }) => barrier.wait(), { barrier }, 1);
    await until(() => barrier.waiting === 2);
    expect(barrier.wait()).toBe(true); // main completes the set and is the serial thread
    expect(await first.result).toBe(true);
    expect(await second.result).toBe(false);
    expect(barrier.generation).toBe(1);
    expect(barrier.waiting).toBe(0);
  });

  test("a barrier of one never waits", () => {
    const barrier = new Barrier(1);
    expect(barrier.wait()).toBe(true);
    expect(barrier.tryWait(0)).toBe(true);
    expect(barrier.generation).toBe(2);
  });

  test("a worker blocked in wait() does not pass until the last party arrives", async () => {
    const barrier = new Barrier(2);
    const passed = new Latch(1);
    const { result } = startWorker((_sync, { barrier, passed }) => {
      barrier.wait();
      passed.countDown();
    }, { barrier, passed });
    await until(() => barrier.waiting === 1);
    expect(passed.tryWait(20)).toBe(false);
    expect(await barrier.waitAsync()).toBe(true);
    await result;
    expect(passed.isOpen).toBe(true);
  });
});

describe("Barrier misuse", () => {
  const misuse = (message: RegExp) => expect.objectContaining({ code: "sync-misuse", message: expect.stringMatching(message) });

  test("zero, fractional or too many parties, and wrong types", () => {
    expect(() => new Barrier(0)).toThrow(misuse(/new Barrier\(parties\): expected parties to be an integer from 1 to 65535, got 0/));
    expect(() => new Barrier(2.5)).toThrow(misuse(/got 2.5/));
    expect(() => new Barrier(70_000)).toThrow(misuse(/got 70000/));
    expect(() => new Barrier("2" as never)).toThrow(new TypeError('new Barrier(parties): expected parties to be a number, got "2" (string)'));
    expect(() => new Barrier(2).tryWait(Number.NaN)).toThrow(TypeError);
  });
});
