/**
 * The worker-occupancy timeline of a pool: one lane per worker, a bar per task
 * from its start to its end, coloured by outcome, and under it how many tasks
 * were waiting in the queue. Idle gaps in a lane are where the pool lost time.
 */
import type { PoolTraceData, TaskRecord, TaskStatus } from "../core/trace.js";
import { describeOccupancy, hasStarted, occupancy, type Occupancy } from "./occupancy.js";
import type { Figure } from "./plotly.js";
import { figureWithSummary } from "./summary-figure.js";

export interface GanttOptions {
  title?: string;
}

export type GanttFigure = Figure & { readonly occupancy: Occupancy };

export const STATUS_COLOURS: Readonly<Record<TaskStatus, string>> = { ok: "#4c78a8", error: "#e45756", cancelled: "#9d9d9d" };

/** The lane of tasks that were cancelled before any worker picked them up. */
export const NEVER_STARTED_LANE = "never started";

/**
 * Up to this many tasks every task is its own bar. Above it, bars of the same
 * status in one lane that are less than one screen column apart are merged into
 * one bar (and the title says so): a lane then holds at most about
 * SCREEN_COLUMNS bars, so a 100k-task trace draws as fast as a small one and
 * looks the same, since bars closer than a pixel cannot be told apart anyway.
 * Every statistic (hover of merged bars, text summary) still uses every task.
 */
export const GANTT_MERGE_ABOVE_TASKS = 2000;
/** Roughly the chart's width in pixels in a notebook. */
const SCREEN_COLUMNS = 1200;

export function laneName(worker: number, threads: number): string {
  return worker >= threads ? `worker ${worker} (replacement)` : `worker ${worker}`;
}

/** One drawn bar: a task, or a run of neighbouring tasks merged in a large trace. */
interface Bar {
  lane: string;
  status: TaskStatus;
  startMs: number;
  endMs: number;
  tasks: TaskRecord[];
}

/** Plotly reads hover text as a little HTML; a label like `f<T>` must stay text. */
function escapeHover(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

const ms = (value: number) => `${value.toFixed(1)} ms`;

function hoverOf(bar: Bar): string {
  const first = bar.tasks[0]!;
  const items = bar.tasks.reduce((sum, task) => sum + (task.items ?? 0), 0);
  const itemsLine = bar.tasks.some((task) => task.items !== undefined) ? `<br>${items} item${items === 1 ? "" : "s"}` : "";
  const span = `${ms(bar.startMs)} → ${ms(bar.endMs)} after the pool was created`;
  if (bar.tasks.length === 1) {
    const wait = (first.startedMs ?? first.endedMs) - first.queuedMs;
    const waited = hasStarted(first) ? `waited ${ms(wait)} in the queue` : `cancelled after ${ms(wait)} in the queue`;
    const ran = hasStarted(first) ? `<br>ran ${ms(first.endedMs - first.startedMs)}` : "";
    return `<b>${escapeHover(first.label)}</b><br>task #${first.id}, ${first.status}<br>${waited}${ran}${itemsLine}<br>${span}`;
  }
  const last = bar.tasks[bar.tasks.length - 1]!;
  const waits = bar.tasks.map((task) => (task.startedMs ?? task.endedMs) - task.queuedMs);
  const busy = bar.tasks.reduce((sum, task) => sum + (hasStarted(task) ? task.endedMs - task.startedMs : 0), 0);
  const ran = hasStarted(first) ? `<br>ran ${ms(busy)} in total` : "";
  return (
    `<b>${bar.tasks.length} tasks merged</b> (#${first.id} ${escapeHover(first.label)} … #${last.id} ${escapeHover(last.label)}), ${bar.status}` +
    `<br>mean queue wait ${ms(waits.reduce((a, b) => a + b, 0) / waits.length)}${ran}${itemsLine}<br>${span}`
  );
}

/** Neighbouring bars in a lane, same status, at most `gapMs` apart (or overlapping) become one. */
function mergeBars(bars: Bar[], gapMs: number): Bar[] {
  const merged: Bar[] = [];
  for (const bar of bars) {
    const run = merged[merged.length - 1];
    if (run && run.lane === bar.lane && run.status === bar.status && bar.startMs - run.endMs <= gapMs) {
      run.endMs = Math.max(run.endMs, bar.endMs);
      run.tasks.push(...bar.tasks);
    } else {
      merged.push({ ...bar, tasks: [...bar.tasks] });
    }
  }
  return merged;
}

/** Tasks waiting for a worker over time, as steps: +1 at submission, -1 when a worker starts it (or it is cancelled). */
function queueDepth(records: readonly TaskRecord[], createdMs: number): { t: number[]; depth: number[] } {
  const events = records.flatMap((r): Array<[number, number]> => [
    [r.queuedMs - createdMs, 1],
    [(hasStarted(r) ? r.startedMs : r.endedMs) - createdMs, -1],
  ]);
  events.sort((a, b) => a[0] - b[0]);
  // Starts from an empty queue at the first submission, so the first step rises from 0.
  const t = [events[0]?.[0] ?? 0];
  const depth = [0];
  let current = 0;
  for (const [time, delta] of events) {
    current += delta;
    const last = t.length - 1;
    // Simultaneous events collapse into one step (the first point stays the 0 it started from).
    if (last > 0 && t[last] === time) depth[last] = current;
    else {
      t.push(time);
      depth.push(current);
    }
  }
  return { t, depth };
}

function barTrace(name: string, bars: Bar[], colour: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: "bar",
    orientation: "h",
    name,
    y: bars.map((bar) => bar.lane),
    base: bars.map((bar) => bar.startMs),
    x: bars.map((bar) => bar.endMs - bar.startMs),
    marker: { color: colour, line: { width: 0 } },
    hovertext: bars.map(hoverOf),
    hoverinfo: "text",
    xaxis: "x",
    yaxis: "y",
    ...extra,
  };
}

/**
 * A worker-occupancy timeline of a pool's trace (plotly): lanes "worker 0" ..
 * "worker n-1", then replacement workers, then "never started" if any task was
 * cancelled while queued; a bar per task (ok/error/cancelled each one trace, so
 * the figure stays light); a queue-depth strip below. Its text fallback is the
 * occupancy summary (busy % per worker, makespan, queue wait).
 */
export function gantt(trace: PoolTraceData, options: GanttOptions = {}): GanttFigure {
  const { createdMs, threads, records } = trace;
  const stats = occupancy(trace);
  const header = options.title ?? `Pool of ${threads} worker${threads === 1 ? "" : "s"}: ${records.length} task${records.length === 1 ? "" : "s"}`;

  const lanes = stats.workers.map((w) => laneName(w.worker, threads));
  let bars: Bar[] = records
    .map((task): Bar => {
      const startMs = (hasStarted(task) ? task.startedMs : task.queuedMs) - createdMs;
      const lane = hasStarted(task) ? laneName(task.worker, threads) : NEVER_STARTED_LANE;
      return { lane, status: task.status, startMs, endMs: task.endedMs - createdMs, tasks: [task] };
    })
    .sort((a, b) => (a.lane === b.lane ? a.startMs - b.startMs : a.lane < b.lane ? -1 : 1));
  if (bars.some((bar) => bar.lane === NEVER_STARTED_LANE)) lanes.push(NEVER_STARTED_LANE);

  let subtitle = "";
  if (records.length > GANTT_MERGE_ABOVE_TASKS) {
    const gapMs = stats.makespanMs / SCREEN_COLUMNS;
    bars = mergeBars(bars, gapMs);
    subtitle = `<br><sub>${records.length} tasks drawn as ${bars.length} bars: neighbours less than ${gapMs.toPrecision(2)} ms apart merged</sub>`;
  }

  const data: Array<Record<string, unknown>> = [
    // Invisible: makes every lane exist, so an idle worker shows as an empty lane rather than vanishing.
    { type: "scatter", mode: "markers", x: lanes.map(() => stats.windowStartMs), y: lanes, marker: { opacity: 0 }, hoverinfo: "skip", showlegend: false, xaxis: "x", yaxis: "y" },
  ];
  for (const status of ["ok", "error", "cancelled"] as const) {
    const ofStatus = bars.filter((bar) => bar.status === status && bar.lane !== NEVER_STARTED_LANE);
    if (ofStatus.length > 0) data.push(barTrace(status, ofStatus, STATUS_COLOURS[status]));
  }
  const neverStarted = bars.filter((bar) => bar.lane === NEVER_STARTED_LANE);
  if (neverStarted.length > 0) {
    data.push(barTrace("cancelled while queued", neverStarted, STATUS_COLOURS.cancelled, { opacity: 0.4 }));
  }
  if (records.length > 0) {
    const queue = queueDepth(records, createdMs);
    data.push({
      type: "scatter",
      mode: "lines",
      name: "waiting in queue",
      x: queue.t,
      y: queue.depth,
      line: { shape: "hv", color: "#72b7b2", width: 1 },
      fill: "tozeroy",
      hovertemplate: "%{y} waiting at %{x:.1f} ms<extra></extra>",
      xaxis: "x",
      yaxis: "y2",
    });
  }

  const spec = {
    data,
    layout: {
      title: header + subtitle,
      barmode: "overlay",
      bargap: 0.25,
      height: Math.min(900, 220 + 32 * lanes.length),
      hovermode: "closest",
      xaxis: { title: "ms since the pool was created", anchor: "y2", zeroline: false },
      yaxis: { domain: [0.3, 1], type: "category", categoryorder: "array", categoryarray: lanes, autorange: "reversed", automargin: true, fixedrange: true },
      yaxis2: { domain: [0, 0.2], anchor: "x", title: "waiting", rangemode: "tozero", nticks: 3, automargin: true, fixedrange: true },
    },
  };
  return figureWithSummary(spec, describeOccupancy(stats, options.title), { occupancy: stats });
}
