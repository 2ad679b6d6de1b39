/**
 * pool.map and pool.reduce: results in item order whatever the chunking,
 * chunks as tasks (visible in the trace), indices, async functions, typed
 * arrays and iterables. Uses the built package (`npm run build` first).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { createPool, type Pool } from "../../dist/runtime/index.js";

let pool: Pool;

beforeAll(() => {
  pool = createPool({ threads: 2 });
});
beforeEach(() => pool.trace.clear());
afterAll(() => pool?.close());

const itemsPerTask = () => [...pool.trace.records].sort((a, b) => a.id - b.id).map((r) => r.items);

describe("map", () => {
  test("results come back in item order, one task per chunk of chunkSize items", async () => {
    const items = Array.from({ length: 10 }, (_, i) => i);
    const doubled = await pool.map((x: number) => 2 * x, items, { chunkSize: 3 });
    expect(doubled).toEqual(items.map((x) => 2 * x));
    expect(itemsPerTask()).toEqual([3, 3, 3, 1]);
  });

  test("the function gets each item's index in the whole list, across chunks", async () => {
    const pairs = await pool.map((word: string, index: number) => `${index}:${word}`, ["a", "b", "c", "d", "e"], { chunkSize: 2 });
    expect(pairs).toEqual(["0:a", "1:b", "2:c", "3:d", "4:e"]);
  });

  test("chunkSize 1 makes one task per item", async () => {
    await pool.map((x: number) => x, [1, 2, 3, 4], { chunkSize: 1 });
    expect(itemsPerTask()).toEqual([1, 1, 1, 1]);
  });

  test("by default the items are split into four tasks per thread", async () => {
    const items = Array.from({ length: 1000 }, (_, i) => i);
    const out = await pool.map((x: number) => x + 1, items);
    expect(out[999]).toBe(1000);
    expect(itemsPerTask()).toEqual(Array.from({ length: 8 }, () => 125));
  });

  test("an empty list maps to an empty list without running a task", async () => {
    expect(await pool.map((x: number) => x, [])).toEqual([]);
    expect(pool.trace.records).toHaveLength(0);
  });

  test("async functions are awaited item by item, results still in order", async () => {
    const out = await pool.map(
      async (x: number) => {
        await new Promise((resolve) => setTimeout(resolve, (5 - x) % 3));
        return x * 10;
      },
      [1, 2, 3, 4, 5],
      { chunkSize: 2 },
    );
    expect(out).toEqual([10, 20, 30, 40, 50]);
  });

  test("typed arrays are split into typed-array chunks; the caller's array is untouched", async () => {
    const samples = Float64Array.from({ length: 100 }, (_, i) => i / 2);
    const kinds = await pool.map((_x: number, index: number) => index, samples, { chunkSize: 40 });
    expect(kinds).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(samples.length).toBe(100);
    expect(samples[99]).toBe(49.5);
    const chunkTypes = await pool.map((x: number) => typeof x, samples, { chunkSize: 50 });
    expect(new Set(chunkTypes)).toEqual(new Set(["number"]));
  });

  test("any iterable works as items (a Set, a generator)", async () => {
    expect(await pool.map((x: number) => x * x, new Set([1, 2, 3]))).toEqual([1, 4, 9]);
    function* three() {
      yield "x";
      yield "y";
      yield "z";
    }
    expect(await pool.map((s: string) => s.toUpperCase(), three())).toEqual(["X", "Y", "Z"]);
  });

  test("chunkSize must be a positive integer", async () => {
    await expect(pool.map((x: number) => x, [1], { chunkSize: 0 })).rejects.toThrow(TypeError);
    await expect(pool.map((x: number) => x, [1], { chunkSize: 2.5 })).rejects.toThrow(/chunkSize/);
  });

  test("items must be a list", async () => {
    await expect(pool.map((x: number) => x, 42 as unknown as number[])).rejects.toThrow(/expected `items`/);
  });
});

describe("reduce", () => {
  const numbers = Array.from({ length: 1000 }, (_, i) => i + 1);

  test("sums in chunks: each chunk is reduced in a worker from initial, the chunks combined in order", async () => {
    const add = (a: number, b: number) => a + b;
    const sum = await pool.reduce(add, numbers, add, 0, { chunkSize: 100 });
    expect(sum).toBe(500_500);
    expect(itemsPerTask()).toEqual(Array.from({ length: 10 }, () => 100));
  });

  test("counting: the reducer and combine differ (a reducer that ignores items cannot merge chunks)", async () => {
    const count = await pool.reduce((n: number) => n + 1, numbers, (a: number, b: number) => a + b, 0, { chunkSize: 64 });
    expect(count).toBe(1000);
  });

  test("combine merges chunk results whose type differs from the items", async () => {
    const words = ["apple", "avocado", "banana", "blueberry", "cherry", "apricot"];
    const countByLetter = (counts: Record<string, number>, word: string) => {
      counts[word[0]!] = (counts[word[0]!] ?? 0) + 1;
      return counts;
    };
    const merge = (left: Record<string, number>, right: Record<string, number>) => {
      for (const [letter, count] of Object.entries(right)) left[letter] = (left[letter] ?? 0) + count;
      return left;
    };
    const counts = await pool.reduce(countByLetter, words, merge, {} as Record<string, number>, { chunkSize: 2 });
    expect(counts).toEqual({ a: 3, b: 2, c: 1 });
  });

  test("chunks combine in item order (a non-commutative reduction stays correct)", async () => {
    const letters = "abcdefghijklmnopqrstuvwxyz".split("");
    const concat = (text: string, letter: string) => text + letter;
    const joined = await pool.reduce(concat, letters, concat, "", { chunkSize: 4 });
    expect(joined).toBe("abcdefghijklmnopqrstuvwxyz");
  });

  test("the reducer gets the item's index; async reducers are awaited", async () => {
    const weightedSum = async (total: number, x: number, index: number) => total + x * index;
    const weighted = await pool.reduce(weightedSum, [5, 5, 5], (a: number, b: number) => a + b, 0, { chunkSize: 2 });
    expect(weighted).toBe(5 * 0 + 5 * 1 + 5 * 2);
  });

  test("combine must be a function", async () => {
    const add = (a: number, b: number) => a + b;
    await expect(pool.reduce(add, [1, 2], 0 as unknown as typeof add, 0)).rejects.toThrow(/`combine`/);
  });

  test("an empty list reduces to initial without running a task", async () => {
    const add = (a: number, b: number) => a + b;
    expect(await pool.reduce(add, [], add, 7)).toBe(7);
    expect(pool.trace.records).toHaveLength(0);
  });
});
