/**
 * The lost-update race with real worker threads. First with the interleaving
 * forced by a barrier between the read and the write (deterministic: every
 * round loses exactly one increment), then free-running as a learner would
 * write it, through raceDemo: the plain counter loses updates, the Mutex and
 * the AtomicCounter lose none.
 */
import { afterEach, beforeAll, describe, expect, test, vi } from "vitest";
import { Barrier, Mutex, sharedArray } from "../../runtime/sync/index.js";
import type { RaceDemoResult, raceDemo as RaceDemo } from "../../runtime/sync/index.js";
import { assertBuilt, runWorkers, stopWorkers } from "./sync-workers.js";

vi.setConfig({ testTimeout: 60_000 });
beforeAll(assertBuilt);
afterEach(stopWorkers);

describe("forced interleaving", () => {
  test("both workers read before either writes: each round of 2 increments leaves 1", async () => {
    const rounds = 1000;
    const data = { counter: sharedArray(Int32Array, 1), between: new Barrier(2), rounds };
    await runWorkers(2, (_sync, { counter, between, rounds }) => {
      for (let i = 0; i < rounds; i++) {
        const seen = counter[0]!; // read ...
        between.wait(); //            ... the other thread reads the same value ...
        counter[0] = seen + 1; //     ... and both write seen + 1
        between.wait();
      }
    }, data);
    expect(data.counter[0]).toBe(rounds); // 2 x rounds increments, half of them lost
  });

  test("the same schedule pressure with the read-modify-write under a Mutex loses nothing", async () => {
    const rounds = 1000;
    const data = { counter: sharedArray(Int32Array, 1), mutex: new Mutex(), between: new Barrier(2), rounds };
    await runWorkers(2, (_sync, { counter, mutex, between, rounds }) => {
      for (let i = 0; i < rounds; i++) {
        between.wait(); // both arrive at the increment together
        mutex.lock();
        const seen = counter[0]!;
        counter[0] = seen + 1;
        mutex.unlock();
      }
    }, data);
    expect(data.counter[0]).toBe(2 * rounds);
  });
});

describe("raceDemo (free-running workers)", () => {
  test("4 workers: the plain counter loses updates, the Mutex and the AtomicCounter lose none", async () => {
    const { raceDemo } = (await import(new URL("../../dist/runtime/sync/index.js", import.meta.url).href)) as { raceDemo: typeof RaceDemo };
    // Lost updates need the workers to really overlap; on a busy 2-core machine
    // one run may happen to serialise them, so allow a few runs for the plain
    // counter. The Mutex and the AtomicCounter must be exact every time.
    const results: RaceDemoResult[] = [];
    for (let attempt = 0; attempt < 5 && !results.some((r) => r.plain.lost > 0); attempt++) {
      const result = await raceDemo({ workers: 4, increments: 500_000 });
      expect(result.expected).toBe(2_000_000);
      expect(result.mutex).toMatchObject({ final: 2_000_000, lost: 0 });
      expect(result.atomic).toMatchObject({ final: 2_000_000, lost: 0 });
      expect(result.plain.final).toBeLessThanOrEqual(2_000_000);
      results.push(result);
    }
    expect(results.some((r) => r.plain.lost > 0)).toBe(true);
    const shown = (results[0] as unknown as Record<symbol, () => Record<string, string>>)[Symbol.for("Jupyter.display")]!();
    expect(shown["text/plain"]).toMatch(/^4 workers x 500000 increments = 2000000 expected\n/);
    expect(shown["text/html"]).toContain("<table>");
  });

  test("rejects nonsense options", async () => {
    const { raceDemo } = (await import(new URL("../../dist/runtime/sync/index.js", import.meta.url).href)) as { raceDemo: typeof RaceDemo };
    await expect(raceDemo({ workers: 0 })).rejects.toMatchObject({ code: "sync-misuse" });
    await expect(raceDemo({ increments: "many" as never })).rejects.toThrow(TypeError);
  });
});
