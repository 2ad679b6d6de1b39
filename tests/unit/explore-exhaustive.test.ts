/**
 * Exhaustive search explores exactly the schedules it should. Without
 * reduction, threads of a, b, c operations have (a+b+c)!/(a!·b!·c!)
 * interleavings; with sleep sets, one schedule per Mazurkiewicz trace (orders
 * of the conflicting operations); with a preemption bound, the schedules with
 * at most that many switches away from a thread that could go on.
 */
import { describe, expect, test } from "vitest";
import { explore, type SharedProgram, type VirtualThread } from "../../runtime/explore/index.js";
import { racyCounter } from "./explore-fixtures.js";

type Step = (t: VirtualThread) => Promise<unknown>;

/** Each thread runs its list of operations in order. */
function program(...threads: Step[][]): SharedProgram<any> {
  return {
    memory: { x: 0, y: 0, z: 0, w: 0 },
    threads: threads.map((steps) => async (t: VirtualThread) => {
      for (const step of steps) await step(t);
    }),
  };
}

const store = (cell: string) => (t: VirtualThread) => t.store(cell, t.id + 1);
const load = (cell: string) => (t: VirtualThread) => t.load(cell);
/** Two operations: a load of `from`, then a store of what it read to `to`. */
const copy = (from: string, to: string) => async (t: VirtualThread) => t.store(to, await t.load(from));

async function count(p: SharedProgram<any>, options: { sleepSets?: boolean; preemptions?: number } = {}): Promise<number> {
  const result = await explore(p, { strategy: "exhaustive", ...options });
  expect(result.complete).toBe(true);
  return result.schedulesExplored;
}

describe("without reduction: every interleaving", () => {
  test("two threads of two operations: 4!/(2!·2!) = 6", async () => {
    expect(await count(program([store("x"), store("y")], [store("z"), store("w")]), { sleepSets: false })).toBe(6);
  });

  test("three threads of one operation: 3! = 6", async () => {
    expect(await count(program([store("x")], [store("y")], [store("z")]), { sleepSets: false })).toBe(6);
  });

  test("threads of three and two operations: 5!/(3!·2!) = 10", async () => {
    expect(await count(program([load("x"), load("y"), load("z")], [store("w"), store("w")]), { sleepSets: false })).toBe(10);
  });

  test("three threads of two operations: 6!/(2!·2!·2!) = 90", async () => {
    const two = [store("x"), load("y")];
    expect(await count(program(two, two, two), { sleepSets: false })).toBe(90);
  });

  test("steps of each schedule add up: 6 schedules of 4 steps", async () => {
    const result = await explore(program([store("x"), store("y")], [store("z"), store("w")]), { strategy: "exhaustive", sleepSets: false });
    expect(result.steps).toBe(24);
    expect(result.runs).toBe(6);
    expect(result.pruned).toBe(0);
  });
});

describe("with sleep sets: one schedule per equivalence class", () => {
  test("operations on different cells all commute: 1", async () => {
    expect(await count(program([store("x"), store("y")], [store("z"), store("w")]))).toBe(1);
  });

  test("loads of one cell commute: 1", async () => {
    expect(await count(program([load("x"), load("x")], [load("x")], [load("x")]))).toBe(1);
  });

  test("three stores to one cell: 3! = 6 orders", async () => {
    expect(await count(program([store("x")], [store("x")], [store("x")]))).toBe(6);
  });

  test("T0 stores x then y, T1 stores y: only the order of the two stores to y matters: 2", async () => {
    expect(await count(program([store("x"), store("y")], [store("y")]))).toBe(2);
  });

  test("the racy counter (load, store by two threads): the two loads commute, 6 interleavings fall into 4 classes", async () => {
    expect(await count(racyCounter(2, 1), { sleepSets: false })).toBe(6);
    expect(await count(racyCounter(2, 1))).toBe(4);
  });

  test("two markers of one section do not commute, even with independent memory operations", async () => {
    // Each thread: store its own cell, then enter and leave section s. Without the marker dependency this would be 1 class.
    const marked = (cell: string) => async (t: VirtualThread) => {
      await t.store(cell, 1);
      t.enter("s");
      await t.store(cell, 2);
      t.exit("s");
      await t.store(cell, 3);
    };
    const p: SharedProgram<any> = { memory: { x: 0, y: 0 }, sections: { s: 2 }, threads: [marked("x"), marked("y")] };
    expect(await count(p)).toBeGreaterThan(1);
  });
});

describe("sleep sets lose nothing", () => {
  /** The final memories a search reaches, collected by the program's check. */
  async function finals(make: () => SharedProgram<any>, sleepSets: boolean): Promise<string[]> {
    const seen = new Set<string>();
    const p = make();
    const result = await explore({ ...p, check: (m) => void seen.add(JSON.stringify(m)) }, { strategy: "exhaustive", sleepSets });
    expect(result.complete).toBe(true);
    return [...seen].sort();
  }

  test.each([
    ["the racy counter, 2 threads x 2", () => racyCounter(2, 2)],
    ["3 threads storing their id to x then y", () => program([store("x"), store("y")], [store("y"), store("x")], [store("x")])],
    ["store buffering: each thread stores one cell, then copies the other's", () => program([store("x"), copy("y", "z")], [store("y"), copy("x", "w")])],
  ])("%s: the same final memories as every interleaving", async (_name, make) => {
    const reduced = await finals(make, true);
    expect(reduced).toEqual(await finals(make, false));
    expect(reduced.length).toBeGreaterThan(1);
  });
});

describe("with a preemption bound (two threads of two operations)", () => {
  const p = program([store("x"), store("y")], [store("z"), store("w")]);
  test("0 preemptions: each thread runs to its end, 2 schedules", async () => {
    expect(await count(p, { preemptions: 0 })).toBe(2);
  });
  test("1 preemption: 0011, 0110, 1001, 1100", async () => {
    expect(await count(p, { preemptions: 1 })).toBe(4);
  });
  test("2 preemptions: all 6", async () => {
    expect(await count(p, { preemptions: 2 })).toBe(6);
  });
});

describe("bounds", () => {
  test("a schedule that reaches maxSteps ends there, as a step-limit failure", async () => {
    const forever: SharedProgram<any> = {
      memory: { x: 0 },
      threads: [
        async (t) => {
          for (;;) await t.atomic.add("x", 1);
        },
      ],
    };
    const result = await explore(forever, { strategy: "exhaustive", maxSteps: 5 });
    expect(result.complete).toBe(true);
    expect(result.schedulesExplored).toBe(1);
    expect(result.failures.map((f) => f.kind)).toEqual(["step-limit"]);
    expect(result.failures[0]!.schedule).toEqual([0, 0, 0, 0, 0]);
    expect(result.failures[0]!.replay).toBe('replaySchedule(program, "0*5", { maxSteps: 5 })');
  });

  test("runs caps the search and says it is not complete", async () => {
    const two = [store("x"), load("y")];
    const result = await explore(program(two, two, two), { strategy: "exhaustive", sleepSets: false, runs: 10 });
    expect(result.complete).toBe(false);
    expect(result.schedulesExplored).toBe(10);
  });
});
