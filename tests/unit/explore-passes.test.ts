/**
 * The correct versions of the same primitives pass: across many seeds with
 * random and PCT scheduling, and exhaustively (every schedule up to
 * equivalence) where the program is small enough.
 */
import { describe, expect, test } from "vitest";
import { explore, exploreOrThrow, type SharedProgram } from "../../runtime/explore/index.js";
import {
  atomicCounter,
  barrierProgram,
  condVarProgram,
  futexLockOrder,
  lockOrder,
  mutexCounter,
  racyCounter,
  semaphoreProgram,
  spinLock,
} from "./explore-fixtures.js";

function spinLockProgram(): SharedProgram<any> {
  const lock = spinLock("lock");
  return {
    name: "test-and-set spin lock",
    memory: { lock: 0, counter: 0 },
    threads: [0, 1].map(() => async (t) => {
      await lock.lock(t);
      t.enter("cs");
      await t.store("counter", (await t.load("counter")) + 1);
      t.exit("cs");
      await lock.unlock(t);
    }),
    check: (m) => m.counter === 2,
  };
}

const correct: Array<[string, () => SharedProgram<any>]> = [
  ["atomic counter, 3 threads x 2", () => atomicCounter(3, 2)],
  ["futex mutex around a plain counter, 2 threads x 2", () => mutexCounter(2, 2)],
  ["built-in locks in one order", () => lockOrder(true)],
  ["futex mutexes in one order", () => futexLockOrder(true)],
  ["CAS semaphore, 3 threads, 2 permits", () => semaphoreProgram("cas", 3, 2)],
  ["generation barrier, 3 threads, 2 phases", () => barrierProgram("generation", 3, 2)],
  ["futex condition variable with a sequence counter", () => condVarProgram("seq")],
  ["test-and-set spin lock", spinLockProgram],
];

describe("correct primitives pass random and PCT exploration across seeds", () => {
  test.each(correct)("%s", async (_name, make) => {
    const program = make();
    for (const seed of [1, 2, 3]) {
      await exploreOrThrow(program, { strategy: "random", seed, runs: 150 });
      for (const depth of [2, 3]) await exploreOrThrow(program, { strategy: "pct", depth, seed, runs: 100 });
    }
  });
});

describe("correct primitives pass exhaustive exploration of small cases", () => {
  const small: Array<[string, () => SharedProgram<any>, number]> = [
    ["atomic counter, 3 threads x 1", () => atomicCounter(3, 1), 6],
    ["futex mutex around a plain counter, 2 threads x 1", () => mutexCounter(2, 1), 0],
    ["built-in locks in one order", () => lockOrder(true), 2],
    ["futex mutexes in one order", () => futexLockOrder(true), 0],
    ["CAS semaphore, 2 threads, 1 permit", () => semaphoreProgram("cas", 2, 1), 0],
    ["generation barrier, 2 threads, 2 phases", () => barrierProgram("generation", 2, 2), 0],
    ["generation barrier, 3 threads, 1 phase", () => barrierProgram("generation", 3, 1), 0],
    ["futex condition variable with a sequence counter", () => condVarProgram("seq"), 0],
    ["test-and-set spin lock", spinLockProgram, 0],
  ];
  test.each(small)("%s", async (_name, make, expected) => {
    const result = await exploreOrThrow(make(), { strategy: "exhaustive" });
    expect(result.complete).toBe(true);
    expect(result.schedulesExplored).toBeGreaterThan(1);
    // Where the count is known by hand: 3 atomic adds on one cell commute with nothing, 3! orders; two lock orders.
    if (expected > 0) expect(result.schedulesExplored).toBe(expected);
  });

  test("the CAS semaphore with 3 threads and 2 permits, every schedule", async () => {
    const result = await exploreOrThrow(semaphoreProgram("cas", 3, 2), { strategy: "exhaustive" });
    expect(result.complete).toBe(true);
    expect(result.schedulesExplored).toBeGreaterThan(1000);
  });

  test("the generation barrier with 3 threads and 2 phases, every schedule with at most 2 preemptions", async () => {
    const result = await exploreOrThrow(barrierProgram("generation", 3, 2), { strategy: "exhaustive", preemptions: 2 });
    expect(result.complete).toBe(true);
    expect(result.pruned).toBe(0);
  });
});

test("a correct spin lock does not end in a step limit, even where PCT would starve the holder", async () => {
  // Without the spin rule, the higher-priority spinner would run until maxSteps.
  const result = await explore(spinLockProgram(), { strategy: "pct", depth: 2, seed: 1, runs: 50, maxSteps: 200 });
  expect(result.failures).toEqual([]);
});

describe("Peterson's algorithm (two threads, spin loops over two cells)", () => {
  /** With `turnFirst`, a thread gives away the turn before raising its flag: the known-wrong order. */
  const peterson = (turnFirst: boolean): SharedProgram<any> => ({
    name: turnFirst ? "Peterson, turn before flag" : "Peterson",
    memory: { flag: [0, 0], turn: 0, x: 0 },
    threads: [0, 1].map((me) => async (t) => {
      const other = 1 - me;
      if (turnFirst) await t.atomic.store("turn", other);
      await t.atomic.store(`flag[${me}]`, 1);
      if (!turnFirst) await t.atomic.store("turn", other);
      while ((await t.atomic.load(`flag[${other}]`)) === 1 && (await t.atomic.load("turn")) === other) {
        // spin: the explorer notices the repeated reads of an unchanged state
      }
      t.enter("cs");
      await t.store("x", (await t.load("x")) + 1);
      t.exit("cs");
      await t.atomic.store(`flag[${me}]`, 0);
    }),
    check: (m) => m.x === 2,
  });

  test("with sequentially consistent atomics it is correct: every schedule, no race, no step limit", async () => {
    const result = await exploreOrThrow(peterson(false), { strategy: "exhaustive", maxSteps: 200 });
    expect(result.complete).toBe(true);
  });

  test("giving away the turn before raising the flag lets both threads in", async () => {
    const result = await explore(peterson(true), { strategy: "exhaustive", maxSteps: 200 });
    expect(result.failures.map((f) => f.kind)).toContain("mutual-exclusion");
  });
});

describe("PCT depth", () => {
  test("depth 1 never preempts, so the racy counter never loses an update; depth 2 does", async () => {
    const depth1 = await explore(racyCounter(2, 1), { strategy: "pct", depth: 1, seed: 1, runs: 100 });
    expect(depth1.failures.map((f) => f.kind)).toEqual(["data-race"]);
    const depth2 = await explore(racyCounter(2, 1), { strategy: "pct", depth: 2, seed: 1, runs: 100 });
    expect(depth2.failures.map((f) => f.kind)).toContain("check");
  });
});
