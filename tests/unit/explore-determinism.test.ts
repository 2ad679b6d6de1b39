/**
 * A seed is the whole exploration: the same program, options and seed give a
 * byte-identical result, and every reported failure names a seed (its run's)
 * and a schedule that bring it back.
 */
import { describe, expect, test } from "vitest";
import {
  ExplorationError,
  explore,
  exploreOrThrow,
  formatExploration,
  type ExploreOptions,
  type ExploreStrategy,
} from "../../runtime/explore/index.js";
import { barrierProgram, condVarProgram, mutexCounter, semaphoreProgram } from "./explore-fixtures.js";

describe("same seed, same result", () => {
  const cases: Array<[ExploreStrategy, ExploreOptions]> = [
    ["random", { strategy: "random", seed: 42, runs: 200 }],
    ["pct", { strategy: "pct", depth: 3, seed: 42, runs: 200 }],
    ["exhaustive", { strategy: "exhaustive", seed: 42, runs: 3000 }],
  ];

  test.each(cases)("%s: two explorations of a failing program are byte-identical", async (_name, options) => {
    const first = JSON.stringify(await explore(barrierProgram("gate", 3, 2), options));
    const second = JSON.stringify(await explore(barrierProgram("gate", 3, 2), options));
    expect(second).toBe(first);
    expect(JSON.parse(first).failures.length).toBeGreaterThan(0);
  });

  test("a passing program too", async () => {
    const options: ExploreOptions = { strategy: "pct", seed: 7, runs: 100 };
    expect(JSON.stringify(await explore(mutexCounter(2, 2), options))).toBe(JSON.stringify(await explore(mutexCounter(2, 2), options)));
  });

  test("another seed explores other schedules", async () => {
    const a = await explore(semaphoreProgram("check-then-decrement"), { strategy: "random", seed: 1, runs: 100 });
    const b = await explore(semaphoreProgram("check-then-decrement"), { strategy: "random", seed: 2, runs: 100 });
    expect(JSON.stringify(a.failures)).not.toBe(JSON.stringify(b.failures));
  });

  test("without a seed, a fresh one is chosen and reported, and repeats the exploration", async () => {
    const first = await explore(semaphoreProgram("check-then-decrement"), { strategy: "random", runs: 50 });
    expect(Number.isInteger(first.seed)).toBe(true);
    const again = await explore(semaphoreProgram("check-then-decrement"), { strategy: "random", runs: 50, seed: first.seed });
    expect(JSON.stringify(again)).toBe(JSON.stringify(first));
  });
});

describe("every failure carries what reproduces it", () => {
  test("seed, strategy, run, schedule, per-thread log and one replay line", async () => {
    const result = await explore(condVarProgram("constant"), { strategy: "pct", depth: 2, seed: 12, runs: 200 });
    const failure = result.failures[0]!;
    expect(failure).toMatchObject({ kind: "lost-wakeup", code: "deadlock", strategy: "pct", depth: 2, program: "constant condition variable" });
    expect(Number.isInteger(failure.seed)).toBe(true);
    expect(failure.schedule.length).toBeGreaterThan(0);
    expect(failure.events.length).toBeGreaterThan(failure.schedule.length - 1);
    expect(new Set(failure.events.map((e) => e.thread))).toEqual(new Set([0, 1]));
    expect(failure.replay).toBe(
      `replaySchedule(program, "${failure.scheduleText}")  or  explore(program, { strategy: "pct", depth: 2, seed: ${failure.seed}, runs: 1 })`,
    );
  });

  test("exploreOrThrow throws a PardisError with the code, the failure and the replay line", async () => {
    const error = await exploreOrThrow(semaphoreProgram("check-then-decrement"), { strategy: "random", seed: 3, runs: 200 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExplorationError);
    const e = error as ExplorationError;
    expect(e.code).toBe("explore-violation");
    expect(e.failure.kind).toBe("mutual-exclusion");
    const [first, second, ...rest] = e.message.split("\n");
    expect(first).toMatch(/^check-then-decrement semaphore, 3 threads, 2 permits: mutual-exclusion: 3 threads inside section "pool" \(capacity 2\)/);
    expect(second).toBe(`  ${e.failure.replay}`);
    expect(rest).toEqual([]);
    expect(e.table).toContain("step │ T0");
  });

  test("a result shows as its summary when it is a cell's value, and stays plain data in JSON", async () => {
    const result = await explore(semaphoreProgram("check-then-decrement"), { strategy: "random", seed: 3, runs: 50 });
    const bundle = (result as unknown as Record<symbol, () => Record<string, string>>)[Symbol.for("Jupyter.display")]!();
    expect(bundle["text/plain"]).toBe(formatExploration(result));
    expect(bundle["text/plain"]).toMatch(/^explore "check-then-decrement semaphore, 3 threads, 2 permits": random, seed 3, maxSteps 10000: 50 runs, \d+ distinct schedules; 1 distinct failure\n  ✗ mutual-exclusion/);
    expect(Object.keys(JSON.parse(JSON.stringify(result)))).not.toContain("Symbol(Jupyter.display)");
  });
});
