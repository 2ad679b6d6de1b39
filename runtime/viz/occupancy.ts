/**
 * How busy a pool's workers were, computed from its task records: what the
 * Gantt chart draws and what its text fallback prints. Times are ms relative to
 * the pool's creation, like the chart's x axis.
 */
import type { PoolTraceData, TaskRecord } from "../core/trace.js";

export interface WorkerOccupancy {
  worker: number;
  /** Workers numbered from `threads` up replaced crashed or terminated ones. */
  replacement: boolean;
  /** Tasks this worker started (whatever their outcome). */
  tasks: number;
  /** Time spent running tasks (overlaps counted once). */
  busyMs: number;
  /** busyMs over the trace's window: the share of the window this worker was working. */
  busyFraction: number;
}

export interface Occupancy {
  threads: number;
  /** From the first submission to the last end, relative to the pool's creation; 0..0 without tasks. */
  windowStartMs: number;
  windowEndMs: number;
  /** windowEndMs - windowStartMs: how long the traced work took from the caller's point of view. */
  makespanMs: number;
  /** One entry per lane: every worker 0..threads-1 (idle ones too), then replacements, by index. */
  workers: WorkerOccupancy[];
  /** By status; `neverStarted` counts those that left the queue without reaching a worker (cancelled while queued), whatever their status. */
  tasks: { total: number; ok: number; error: number; cancelled: number; neverStarted: number };
  /** Over tasks that started: startedMs - queuedMs. 0 when none started. */
  meanQueueWaitMs: number;
  maxQueueWaitMs: number;
}

export function hasStarted(record: TaskRecord): record is TaskRecord & { startedMs: number } {
  return record.startedMs !== undefined && record.worker >= 0;
}

/** Total length of a set of intervals, counting overlapping stretches once. */
function unionLength(intervals: Array<[number, number]>): number {
  intervals.sort((a, b) => a[0] - b[0]);
  let total = 0;
  let [runStart, runEnd] = [-Infinity, -Infinity];
  for (const [start, end] of intervals) {
    if (start > runEnd) {
      if (runEnd > runStart) total += runEnd - runStart;
      [runStart, runEnd] = [start, end];
    } else {
      runEnd = Math.max(runEnd, end);
    }
  }
  if (runEnd > runStart) total += runEnd - runStart;
  return total;
}

/**
 * The window is the traced work itself (first submission to last end), not the
 * pool's lifetime: a pool created cells earlier and idle since would otherwise
 * show every worker as nearly idle.
 */
export function occupancy(trace: PoolTraceData): Occupancy {
  const { records, createdMs, threads } = trace;
  const tasks = { total: records.length, ok: 0, error: 0, cancelled: 0, neverStarted: 0 };
  const busy = new Map<number, Array<[number, number]>>();
  for (let worker = 0; worker < threads; worker++) busy.set(worker, []);
  let windowStartMs = Infinity;
  let windowEndMs = -Infinity;
  let waitSumMs = 0;
  let waitMaxMs = 0;
  let started = 0;
  for (const record of records) {
    tasks[record.status]++;
    windowStartMs = Math.min(windowStartMs, record.queuedMs - createdMs);
    windowEndMs = Math.max(windowEndMs, record.endedMs - createdMs);
    if (!hasStarted(record)) {
      tasks.neverStarted++;
      continue;
    }
    const waitMs = record.startedMs - record.queuedMs;
    waitSumMs += waitMs;
    waitMaxMs = Math.max(waitMaxMs, waitMs);
    started++;
    const lane = busy.get(record.worker) ?? [];
    lane.push([record.startedMs - createdMs, record.endedMs - createdMs]);
    busy.set(record.worker, lane);
  }
  if (records.length === 0) [windowStartMs, windowEndMs] = [0, 0];
  const makespanMs = windowEndMs - windowStartMs;
  const workers = [...busy.entries()]
    .sort(([a], [b]) => a - b)
    .map(([worker, intervals]): WorkerOccupancy => {
      const busyMs = unionLength(intervals);
      return { worker, replacement: worker >= threads, tasks: intervals.length, busyMs, busyFraction: makespanMs > 0 ? busyMs / makespanMs : 0 };
    });
  return {
    threads,
    windowStartMs,
    windowEndMs,
    makespanMs,
    workers,
    tasks,
    meanQueueWaitMs: started > 0 ? waitSumMs / started : 0,
    maxQueueWaitMs: waitMaxMs,
  };
}

const ms = (value: number) => `${value.toFixed(1)} ms`;
const percent = (fraction: number) => `${(fraction * 100).toFixed(1)}%`;

/** The Gantt chart's text fallback: the numbers a reader would otherwise read off the chart. */
export function describeOccupancy(stats: Occupancy, title?: string): string {
  const { tasks } = stats;
  const header = title ?? `Pool of ${stats.threads} worker${stats.threads === 1 ? "" : "s"}`;
  if (tasks.total === 0) return `${header}: no tasks recorded yet`;
  const outcomes = [`${tasks.ok} ok`];
  if (tasks.error > 0) outcomes.push(`${tasks.error} failed`);
  if (tasks.cancelled > 0) outcomes.push(`${tasks.cancelled} cancelled`);
  const neverStarted = tasks.neverStarted > 0 ? `; ${tasks.neverStarted} never reached a worker` : "";
  const lines = [
    `${header}: ${tasks.total} task${tasks.total === 1 ? "" : "s"}, ${outcomes.join(", ")}${neverStarted}`,
    `makespan ${ms(stats.makespanMs)} (first submission at ${ms(stats.windowStartMs)}, last end at ${ms(stats.windowEndMs)} after the pool was created)`,
    `queue wait: mean ${ms(stats.meanQueueWaitMs)}, max ${ms(stats.maxQueueWaitMs)}`,
  ];
  const width = Math.max(...stats.workers.map((w) => String(w.worker).length));
  for (const w of stats.workers) {
    lines.push(
      `worker ${String(w.worker).padStart(width)}${w.replacement ? " (replacement)" : ""}: busy ${percent(w.busyFraction)}, ${ms(w.busyMs)}, ${w.tasks} task${w.tasks === 1 ? "" : "s"}`,
    );
  }
  return lines.join("\n");
}
