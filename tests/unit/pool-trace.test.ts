/**
 * pool.trace: a record per task with times from the workers' own clocks,
 * converted to the caller's clock, the worker index and the outcome; and the
 * Gantt chart drawn from it. Uses the built package (`npm run build` first).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { createPool, type Pool } from "../../dist/runtime/index.js";
import { PLOTLY_MIME } from "../../dist/runtime/viz/index.js";

let pool: Pool;

beforeAll(() => {
  pool = createPool({ threads: 2 });
});
beforeEach(() => pool.trace.clear());
afterAll(() => pool?.close());

const byId = () => [...pool.trace.records].sort((a, b) => a.id - b.id);

/** Each chunk announces itself and waits until `expected` chunks run at once: proof that they overlap. */
const rendezvous = (cells: Int32Array, index: number) => {
  Atomics.add(cells, 0, 1);
  Atomics.notify(cells, 0);
  while (Atomics.load(cells, 0) < 2) Atomics.wait(cells, 0, Atomics.load(cells, 0));
  return index;
};

describe("task records", () => {
  test("times are on the caller's clock: submitted <= started <= ended, all within the call", async () => {
    const before = performance.now();
    await pool.run((n: number) => {
      let s = 0;
      for (let i = 0; i < n; i++) s += i;
      return s;
    }, 100_000);
    const after = performance.now();
    const [record] = byId();
    expect(record!.queuedMs).toBeGreaterThanOrEqual(before);
    expect(record!.startedMs!).toBeGreaterThanOrEqual(record!.queuedMs);
    expect(record!.endedMs).toBeGreaterThanOrEqual(record!.startedMs!);
    expect(record!.endedMs).toBeLessThanOrEqual(after);
    expect(pool.trace.createdMs).toBeLessThan(before);
  });

  test("a map records one task per chunk: ids in submission order, item ranges in labels, counts in items", async () => {
    const double = (x: number) => 2 * x;
    await pool.map(double, [1, 2, 3, 4, 5], { chunkSize: 2 });
    const records = byId();
    expect(records.map((r) => [r.label, r.items, r.status])).toEqual([
      ["double [0..1]", 2, "ok"],
      ["double [2..3]", 2, "ok"],
      ["double [4..4]", 1, "ok"],
    ]);
    const ids = records.map((r) => r.id);
    expect(ids).toEqual([ids[0]!, ids[0]! + 1, ids[0]! + 2]);
  });

  test("chunks that ran at the same time are on different workers, with overlapping intervals", async () => {
    const cells = new Int32Array(new SharedArrayBuffer(4));
    await pool.map(rendezvous, [cells, cells], { chunkSize: 1 });
    const [a, b] = byId();
    expect(new Set([a!.worker, b!.worker])).toEqual(new Set([0, 1]));
    expect(a!.startedMs!).toBeLessThan(b!.endedMs);
    expect(b!.startedMs!).toBeLessThan(a!.endedMs);
  });

  test("failed tasks are recorded as errors", async () => {
    await pool.run(() => {
      throw new Error("x");
    }).catch(() => undefined);
    expect(byId().map((r) => r.status)).toEqual(["error"]);
  });

  test("the trace is PoolTraceData: threads, createdMs, records; snapshot() does not change later", async () => {
    await pool.run((x: number) => x, 1);
    const snapshot = pool.trace.snapshot();
    await pool.run((x: number) => x, 2);
    expect(snapshot.threads).toBe(2);
    expect(snapshot.records).toHaveLength(1);
    expect(pool.trace.records).toHaveLength(2);
    expect(JSON.parse(JSON.stringify(pool.trace)).records).toHaveLength(2);
  });

  test("a trace keeps at most about traceLimit records, always the newest", async () => {
    const small = createPool({ threads: 1, traceLimit: 10 });
    try {
      await small.map((x: number) => x, Array.from({ length: 100 }, (_, i) => i), { chunkSize: 1 });
      const records = small.trace.records;
      expect(records.length).toBeGreaterThanOrEqual(10);
      expect(records.length).toBeLessThanOrEqual(13);
      expect(Math.max(...records.map((r) => r.items === 1 ? Number(/\[(\d+)/.exec(r.label)![1]) : -1))).toBe(99);
    } finally {
      await small.close();
    }
  });
});

describe("gantt", () => {
  test("draws a lane per worker with a bar per task", async () => {
    const cells = new Int32Array(new SharedArrayBuffer(4));
    await pool.map(rendezvous, [cells, cells], { chunkSize: 1 });
    const figure = pool.trace.gantt({ title: "two workers" });
    const bars = figure.data.filter((trace) => trace.type === "bar");
    expect(bars.flatMap((trace) => trace.y as string[]).sort()).toEqual(["worker 0", "worker 1"]);
    const bundle = (figure as unknown as Record<symbol, () => Record<string, unknown>>)[Symbol.for("Jupyter.display")]!();
    expect(bundle[PLOTLY_MIME]).toBeDefined();
  });
});
