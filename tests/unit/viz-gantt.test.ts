import { describe, expect, test } from "vitest";
import type { PoolTraceData, TaskRecord } from "../../runtime/core/trace.js";
import { GANTT_MERGE_ABOVE_TASKS, gantt, STATUS_COLOURS } from "../../runtime/viz/gantt.js";
import { JUPYTER_DISPLAY } from "../../runtime/viz/kernel-bridge.js";
import { occupancy } from "../../runtime/viz/occupancy.js";
import { PLOTLY_MIME } from "../../runtime/viz/plotly.js";

type Trace = Record<string, unknown>;

/**
 * Two workers, created at 1000 ms; five tasks submitted together at 1010 ms,
 * one of them cancelled while still queued, one cancelled while running, one
 * failing, and a late task on worker 2, which replaced a crashed worker.
 * Window 10..90 ms after creation (80 ms).
 */
const CREATED = 1000;
const records: TaskRecord[] = [
  { id: 0, worker: 0, label: "square [0, 10)", queuedMs: 1010, startedMs: 1010, endedMs: 1050, status: "ok", items: 10 },
  { id: 1, worker: 1, label: "square [10, 20)", queuedMs: 1010, startedMs: 1012, endedMs: 1040, status: "ok", items: 10 },
  { id: 2, worker: 0, label: "square<T> [20, 30)", queuedMs: 1010, startedMs: 1050, endedMs: 1070, status: "error", items: 10 },
  { id: 3, worker: 1, label: "square [30, 40)", queuedMs: 1010, startedMs: 1040, endedMs: 1060, status: "cancelled", items: 10 },
  { id: 4, worker: -1, label: "square [40, 50)", queuedMs: 1010, endedMs: 1065, status: "cancelled", items: 10 },
  { id: 5, worker: 2, label: "late", queuedMs: 1060, startedMs: 1062, endedMs: 1090, status: "ok" },
];
const trace: PoolTraceData = { threads: 2, createdMs: CREATED, records };

const byName = (traces: Trace[], name: string) => traces.find((t) => t.name === name);
const bars = (t: Trace | undefined) =>
  t ? (t.y as string[]).map((lane, i) => [lane, (t.base as number[])[i], (t.x as number[])[i]] as const) : [];

describe("gantt figure", () => {
  const figure = gantt(trace);
  const layout = figure.layout as Record<string, Record<string, unknown>>;

  test("one lane per worker, top to bottom, then the replacement, then tasks that never started", () => {
    expect(layout.yaxis!.categoryarray).toEqual(["worker 0", "worker 1", "worker 2 (replacement)", "never started"]);
    expect(layout.yaxis!.autorange).toBe("reversed");
  });

  test("each task is a horizontal bar whose base and width are its start and run time after the pool's creation", () => {
    const ok = byName(figure.data, "ok")!;
    expect(ok.type).toBe("bar");
    expect(ok.orientation).toBe("h");
    expect(bars(ok)).toEqual([
      ["worker 0", 10, 40],
      ["worker 1", 12, 28],
      ["worker 2 (replacement)", 62, 28],
    ]);
    expect(bars(byName(figure.data, "error"))).toEqual([["worker 0", 50, 20]]);
    expect(bars(byName(figure.data, "cancelled"))).toEqual([["worker 1", 40, 20]]);
  });

  test("statuses are one trace each, in three different colours, overlaid rather than side by side", () => {
    const colours = ["ok", "error", "cancelled"].map((name) => (byName(figure.data, name)!.marker as { color: string }).color);
    expect(colours).toEqual([STATUS_COLOURS.ok, STATUS_COLOURS.error, STATUS_COLOURS.cancelled]);
    expect(new Set(colours).size).toBe(3);
    expect(layout.barmode).toBe("overlay");
    expect(figure.data.filter((t) => t.type === "bar")).toHaveLength(4);
  });

  test("a task cancelled while queued spans its time in the queue on the 'never started' lane", () => {
    const queued = byName(figure.data, "cancelled while queued")!;
    expect(bars(queued)).toEqual([["never started", 10, 55]]);
    expect((queued.hovertext as string[])[0]).toContain("cancelled after 55.0 ms in the queue");
  });

  test("hover text tells label, queue wait, run time and items, with the label kept as text", () => {
    const hover = (byName(figure.data, "error")!.hovertext as string[])[0]!;
    expect(hover).toContain("square&lt;T&gt; [20, 30)");
    expect(hover).toContain("task #2, error");
    expect(hover).toContain("waited 40.0 ms in the queue");
    expect(hover).toContain("ran 20.0 ms");
    expect(hover).toContain("10 items");
    expect((byName(figure.data, "ok")!.hovertext as string[])[2]).not.toContain("items");
  });

  test("the strip below counts tasks waiting for a worker, stepping at each submission and start", () => {
    const queue = byName(figure.data, "waiting in queue")!;
    expect(queue.yaxis).toBe("y2");
    expect((queue.line as { shape: string }).shape).toBe("hv");
    const steps = (queue.x as number[]).map((t, i) => [t, (queue.y as number[])[i]]);
    // Five submitted at 10 (one starts at once), starts at 12, 40, 50, one more submitted at 60 and started at 62, the queued one cancelled at 65.
    expect(steps).toEqual([[10, 0], [10, 4], [12, 3], [40, 2], [50, 1], [60, 2], [62, 1], [65, 0]]);
  });

  test("the title names the pool and the custom title replaces it", () => {
    expect(layout.title).toBe("Pool of 2 workers: 6 tasks");
    const titled = gantt(trace, { title: "squares" });
    expect((titled.layout as { title: string }).title).toBe("squares");
    expect(titled[JUPYTER_DISPLAY]()["text/plain"]).toMatch(/^squares: 6 tasks, 3 ok/);
  });
});

describe("occupancy and the text fallback", () => {
  test("busy time per worker over the window from first submission to last end", () => {
    const stats = occupancy(trace);
    expect([stats.windowStartMs, stats.windowEndMs, stats.makespanMs]).toEqual([10, 90, 80]);
    expect(stats.workers.map((w) => [w.worker, w.replacement, w.tasks, w.busyMs, w.busyFraction])).toEqual([
      [0, false, 2, 60, 0.75],
      [1, false, 2, 48, 0.6],
      [2, true, 1, 28, 0.35],
    ]);
    expect(stats.tasks).toEqual({ total: 6, ok: 3, error: 1, cancelled: 2, neverStarted: 1 });
    // Waits of the five started tasks: 0, 2, 40, 30, 2.
    expect(stats.meanQueueWaitMs).toBeCloseTo(74 / 5, 12);
    expect(stats.maxQueueWaitMs).toBe(40);
  });

  test("the text/plain of the displayed figure is that summary, and the plotly MIME is still there", () => {
    const bundle = gantt(trace)[JUPYTER_DISPLAY]();
    expect(bundle["text/plain"]).toBe(
      [
        "Pool of 2 workers: 6 tasks, 3 ok, 1 failed, 2 cancelled; 1 never reached a worker",
        "makespan 80.0 ms (first submission at 10.0 ms, last end at 90.0 ms after the pool was created)",
        "queue wait: mean 14.8 ms, max 40.0 ms",
        "worker 0: busy 75.0%, 60.0 ms, 2 tasks",
        "worker 1: busy 60.0%, 48.0 ms, 2 tasks",
        "worker 2 (replacement): busy 35.0%, 28.0 ms, 1 task",
      ].join("\n"),
    );
    expect(bundle["text/html"]).toContain("worker 2 (replacement): busy 35.0%");
    expect((bundle[PLOTLY_MIME] as { layout: { title: unknown } }).layout.title).toEqual({ text: "Pool of 2 workers: 6 tasks" });
    expect(gantt(trace).occupancy.makespanMs).toBe(80);
  });

  test("an idle worker keeps its lane and shows 0% busy", () => {
    const idle = gantt({ threads: 3, createdMs: 0, records: [records[0]!].map((r) => ({ ...r, queuedMs: 0, startedMs: 0, endedMs: 10 })) });
    expect((idle.layout as { yaxis: { categoryarray: string[] } }).yaxis.categoryarray).toEqual(["worker 0", "worker 1", "worker 2"]);
    const lanes = idle.data.find((t) => t.type === "scatter" && t.showlegend === false)!;
    expect(lanes.y).toEqual(["worker 0", "worker 1", "worker 2"]);
    expect(idle[JUPYTER_DISPLAY]()["text/plain"]).toContain("worker 2: busy 0.0%, 0.0 ms, 0 tasks");
  });

  test("overlapping tasks on one worker count their shared time once", () => {
    const overlapping = occupancy({
      threads: 1,
      createdMs: 0,
      records: [
        { id: 0, worker: 0, label: "a", queuedMs: 0, startedMs: 0, endedMs: 10, status: "ok" },
        { id: 1, worker: 0, label: "b", queuedMs: 0, startedMs: 5, endedMs: 20, status: "ok" },
      ],
    });
    expect(overlapping.workers[0]!.busyMs).toBe(20);
    expect(overlapping.workers[0]!.busyFraction).toBe(1);
  });

  test("a pool without tasks still renders, and says so", () => {
    const empty = gantt({ threads: 2, createdMs: 5, records: [] });
    expect(empty[JUPYTER_DISPLAY]()["text/plain"]).toBe("Pool of 2 workers: no tasks recorded yet");
    expect(empty.data.filter((t) => t.type === "bar")).toEqual([]);
  });
});

describe("large traces", () => {
  /** `count` back-to-back 1 ms tasks alternating between two workers, all submitted at 0. */
  function busyTrace(count: number, failing?: number): PoolTraceData {
    const records = Array.from({ length: count }, (_, id): TaskRecord => {
      const start = Math.floor(id / 2);
      return { id, worker: id % 2, label: "tiny", queuedMs: 0, startedMs: start, endedMs: start + 1, status: id === failing ? "error" : "ok", items: 1 };
    });
    return { threads: 2, createdMs: 0, records };
  }

  test(`above ${GANTT_MERGE_ABOVE_TASKS} tasks, touching bars merge and the title says how many tasks became how many bars`, () => {
    const big = gantt(busyTrace(10_000));
    expect(bars(byName(big.data, "ok"))).toEqual([
      ["worker 0", 0, 5000],
      ["worker 1", 0, 5000],
    ]);
    expect((big.layout as { title: string }).title).toMatch(/10000 tasks drawn as 2 bars/);
    expect((byName(big.data, "ok")!.hovertext as string[])[0]).toMatch(/5000 tasks merged.*5000 items/s);
    expect(big.data.length).toBeLessThanOrEqual(5);
    // The numbers are computed from every task, not from the merged bars.
    expect(big.occupancy.workers.map((w) => [w.tasks, w.busyFraction])).toEqual([
      [5000, 1],
      [5000, 1],
    ]);
  });

  test("a task of another status splits a merged run, so a failure stays visible", () => {
    const big = gantt(busyTrace(10_000, 4000));
    expect(bars(byName(big.data, "error"))).toEqual([["worker 0", 2000, 1]]);
    expect(bars(byName(big.data, "ok"))).toEqual([
      ["worker 0", 0, 2000],
      ["worker 0", 2001, 2999],
      ["worker 1", 0, 5000],
    ]);
  });

  test(`up to ${GANTT_MERGE_ABOVE_TASKS} tasks every task keeps its own bar`, () => {
    const small = gantt(busyTrace(GANTT_MERGE_ABOVE_TASKS));
    expect(byName(small.data, "ok")!.x as number[]).toHaveLength(GANTT_MERGE_ABOVE_TASKS);
    expect((small.layout as { title: string }).title).not.toMatch(/merged/);
  });
});
