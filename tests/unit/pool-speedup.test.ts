/**
 * speedup(job, { threads }): a fresh pool per thread count, warm-up runs, then
 * timed runs whose median is the point; the result is the speedup plot with
 * its numbers. No assertion on how fast anything is: that is for the bench.
 * Uses the built package (`npm run build` first).
 */
import { afterEach, describe, expect, test } from "vitest";
import { defaultThreadCounts, speedup, type Pool } from "../../dist/runtime/index.js";

const BRIDGE = Symbol.for("pardis.kernel");
const globals = globalThis as Record<symbol, unknown>;
afterEach(() => {
  delete globals[BRIDGE];
});

const burn = (n: number) => {
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.sqrt(i);
  return s;
};

describe("speedup", () => {
  test("runs the job warmup + repeat times on a fresh pool of each size, 1 included, and plots the medians", async () => {
    const seen: Array<{ threads: number; pool: Pool }> = [];
    const job = async (pool: Pool) => {
      seen.push({ threads: pool.threads, pool });
      await pool.map(burn, [10_000, 10_000, 10_000, 10_000], { chunkSize: 1 });
    };
    const figure = await speedup(job, { threads: [2], repeat: 3, warmup: 2, label: "burn" });
    expect(seen.map((s) => s.threads)).toEqual([1, 1, 1, 1, 1, 2, 2, 2, 2, 2]);
    // One pool per thread count, closed afterwards.
    expect(new Set(seen.map((s) => s.pool)).size).toBe(2);
    expect(seen.every((s) => s.pool.closed)).toBe(true);
    expect(figure.threads).toEqual([1, 2]);
    expect(figure.rows.map((row) => row.runs)).toEqual([3, 3]);
    expect(figure.speedups[0]).toBe(1);
    expect(figure.cores).toBeGreaterThan(0);
  });

  test("default thread counts: powers of two up to the cores, and the core count", () => {
    expect(defaultThreadCounts(1)).toEqual([1]);
    expect(defaultThreadCounts(2)).toEqual([1, 2]);
    expect(defaultThreadCounts(6)).toEqual([1, 2, 4, 6]);
    expect(defaultThreadCounts(8)).toEqual([1, 2, 4, 8]);
  });

  test("misuse is a TypeError", async () => {
    await expect(speedup("job" as never)).rejects.toThrow(TypeError);
    await expect(speedup(async () => undefined, { threads: [0] })).rejects.toThrow(/`threads`/);
    await expect(speedup(async () => undefined, { repeat: 0 })).rejects.toThrow(/`repeat`/);
  });

  test("a failing job fails the measurement and closes its pool", async () => {
    let used: Pool | undefined;
    const failing = async (pool: Pool) => {
      used = pool;
      throw new Error("job broke");
    };
    await expect(speedup(failing, { threads: [1] })).rejects.toThrow("job broke");
    expect(used?.closed).toBe(true);
  });

  test("in a kernel, a progress bar counts the runs, and an interrupt stops the measurement", async () => {
    const controller = new AbortController();
    const shown: string[] = [];
    globals[BRIDGE] = {
      interruptSignal: controller.signal,
      display(bundle: Record<string, unknown>) {
        shown.push(String(bundle["text/plain"]));
      },
    };
    let runs = 0;
    const job = async (pool: Pool) => {
      if (++runs === 3) controller.abort(Object.assign(new Error("interrupted"), { name: "InterruptError" }));
      await pool.run((x: number) => x, 1);
    };
    await expect(speedup(job, { threads: [1, 2], repeat: 2, warmup: 1, label: "tiny" })).rejects.toMatchObject({ code: "task-cancelled" });
    expect(shown[0]).toMatch(/^speedup of tiny .*0\/6/);
  });
});
