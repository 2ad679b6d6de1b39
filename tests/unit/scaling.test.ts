import { describe, expect, test } from "vitest";
import { seededRandom } from "../../runtime/core/random.js";
import { amdahlSpeedup, fitSerialFraction, gustafsonSpeedup, median } from "../../runtime/core/scaling.js";

describe("Amdahl and Gustafson", () => {
  test("Amdahl: a 10% serial part gives 5.26x on 10 threads and never passes 10x", () => {
    expect(amdahlSpeedup(0.1, 10)).toBeCloseTo(1 / 0.19, 12);
    expect(amdahlSpeedup(0.1, 1e9)).toBeLessThan(10);
    expect(amdahlSpeedup(0.1, 1e9)).toBeGreaterThan(9.999);
    expect(amdahlSpeedup(0, 8)).toBe(8);
    expect(amdahlSpeedup(1, 8)).toBe(1);
    expect(amdahlSpeedup(0.3, 1)).toBe(1);
  });

  test("Gustafson: the same 10% serial part gives 9.1x on 10 threads when the problem grows", () => {
    expect(gustafsonSpeedup(0.1, 10)).toBeCloseTo(9.1, 12);
    expect(gustafsonSpeedup(0, 10)).toBe(10);
    expect(gustafsonSpeedup(1, 10)).toBe(1);
  });

  test("a fraction outside [0, 1] or fewer than one thread is a TypeError", () => {
    expect(() => amdahlSpeedup(1.2, 4)).toThrow(TypeError);
    expect(() => gustafsonSpeedup(-0.1, 4)).toThrow(TypeError);
    expect(() => amdahlSpeedup(0.1, 0)).toThrow(/at least 1/);
    expect(() => amdahlSpeedup(Number.NaN, 2)).toThrow(TypeError);
  });
});

describe("fitSerialFraction", () => {
  test("recovers f exactly from speedups that follow Amdahl's law", () => {
    for (const f of [0, 0.02, 0.07, 0.5, 1]) {
      const samples = [1, 2, 4, 8, 16].map((threads) => ({ threads, speedup: amdahlSpeedup(f, threads) }));
      expect(fitSerialFraction(samples)).toBeCloseTo(f, 12);
    }
  });

  test("stays within 0.01 of f when run times carry 3% noise", () => {
    const random = seededRandom(42);
    const f = 0.15;
    const samples = [1, 2, 3, 4, 6, 8].flatMap((threads) =>
      Array.from({ length: 5 }, () => ({ threads, speedup: amdahlSpeedup(f, threads) * (1 + 0.06 * (random.next() - 0.5)) })),
    );
    const fitted = fitSerialFraction(samples)!;
    expect(Math.abs(fitted - f)).toBeLessThan(0.01);
    expect(fitted).not.toBe(f);
  });

  test("one point with more than one thread determines f by itself", () => {
    const f = fitSerialFraction([{ threads: 2, speedup: 1.6 }])!;
    expect(f).toBeCloseTo(0.25, 12);
    expect(amdahlSpeedup(f, 2)).toBeCloseTo(1.6, 12);
  });

  test("is least squares on 1/S - 1/n = f (1 - 1/n): two disagreeing points give the weighted compromise", () => {
    // Alone, 2 threads says f = 0.1 and 4 threads says f = 0.3; 4 threads has the larger x = 1 - 1/n, so more pull.
    const samples = [
      { threads: 2, speedup: amdahlSpeedup(0.1, 2) },
      { threads: 4, speedup: amdahlSpeedup(0.3, 4) },
    ];
    // x = 0.5, 0.75; y = 0.05, 0.225; f = Σxy / Σx² = 0.19375 / 0.8125
    expect(fitSerialFraction(samples)).toBeCloseTo(0.19375 / 0.8125, 12);
  });

  test("superlinear speedup clamps to 0, a slowdown clamps to 1", () => {
    expect(fitSerialFraction([{ threads: 2, speedup: 2.3 }, { threads: 4, speedup: 4.8 }])).toBe(0);
    expect(fitSerialFraction([{ threads: 2, speedup: 0.7 }, { threads: 4, speedup: 0.5 }])).toBe(1);
  });

  test("without a sample above one thread there is nothing to fit", () => {
    expect(fitSerialFraction([])).toBeUndefined();
    expect(fitSerialFraction([{ threads: 1, speedup: 1 }])).toBeUndefined();
  });

  test("a speedup that is not a positive number is a TypeError naming the thread count", () => {
    expect(() => fitSerialFraction([{ threads: 3, speedup: 0 }])).toThrow(/at 3 threads/);
    expect(() => fitSerialFraction([{ threads: 2, speedup: Number.POSITIVE_INFINITY }])).toThrow(TypeError);
    expect(() => fitSerialFraction([{ threads: 0.5, speedup: 1 }])).toThrow(TypeError);
  });
});

test("median: the middle of unsorted values, the mean of the two middles for an even count", () => {
  expect(median([90, 50, 52])).toBe(52);
  expect(median([4, 1, 3, 2])).toBe(2.5);
  expect(median([7])).toBe(7);
  const values = [3, 1, 2];
  median(values);
  expect(values).toEqual([3, 1, 2]);
  expect(() => median([])).toThrow(TypeError);
});
