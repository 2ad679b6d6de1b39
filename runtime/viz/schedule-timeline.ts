/**
 * A failing schedule drawn as per-thread lanes: one marker per operation at
 * its step, bars for time inside a marked section or holding a built-in lock,
 * dashed lines while asleep in wait, and the violation in red (a line at the
 * step that failed, crosses on the steps involved). Hovering a marker shows the
 * log line. The data comes from the explorer; this file only draws it.
 */
import { formatExploreFailure, formatReplay, formatExploration, type ExploreEvent, type ExploreResult, type ExploreFailure, type ReplayReport } from "../explore/index.js";
import { display } from "./display.js";
import { displayable, type MimeBundle } from "./kernel-bridge.js";
import { figure, plotlyBundle, type Figure, type PlotlyFigure } from "./plotly.js";

/** Operation families, each a legend entry with its own marker. */
const FAMILIES: ReadonlyArray<{ name: string; symbol: string; colour: string; ops: readonly string[] }> = [
  { name: "plain load/store", symbol: "circle", colour: "#7f7f7f", ops: ["load", "store"] },
  { name: "atomic", symbol: "diamond", colour: "#1f77b4", ops: [] },
  { name: "wait / notify", symbol: "triangle-up", colour: "#9467bd", ops: ["wait", "wake", "timeout", "notify"] },
  { name: "lock / join / yield", symbol: "square", colour: "#2ca02c", ops: ["lock", "unlock", "join", "yield"] },
  { name: "section / barrier marker", symbol: "line-ns-open", colour: "#ff7f0e", ops: ["enter", "exit", "arrive", "depart"] },
  { name: "note / assert / throw", symbol: "star", colour: "#8c564b", ops: ["note", "assert", "throw", "finish"] },
];

const VIOLATION = "#d62728";
/** Events of one thread in one step are spread a little to the right so that none hides another. */
const SAME_STEP_OFFSET = 0.18;

function family(op: string): (typeof FAMILIES)[number] {
  return FAMILIES.find((f) => f.ops.includes(op)) ?? (op.startsWith("atomic.") ? FAMILIES[1]! : FAMILIES[5]!);
}

/** Above this many steps the markers carry no text labels (hover still shows each log line). */
const LABEL_STEPS_MAX = 30;

const SHORT_OPS: Readonly<Record<string, string>> = { compareExchange: "cas", exchange: "xchg" };

/** "cas lock", "load ready", "wake seq": the operation without the atomic prefix, and its target. */
function shortLabel(event: ExploreEvent): string {
  const op = event.op.startsWith("atomic.") ? event.op.slice("atomic.".length) : event.op;
  if (event.op === "finish") return "end";
  if (event.op === "note" || event.op === "assert" || event.op === "throw") return event.op;
  return `${SHORT_OPS[op] ?? op}${event.target !== undefined ? ` ${event.target}` : ""}`;
}

function lane(thread: number): string {
  return `T${thread}`;
}

interface Placed {
  event: ExploreEvent;
  x: number;
  /** 0 for the first event of its thread in its step, 1 for the next, ... */
  rank: number;
}

/** x positions: the step, shifted for the 2nd, 3rd, ... event of the same thread in the same step. */
function place(events: readonly ExploreEvent[]): Placed[] {
  const seen = new Map<string, number>();
  return events.map((event) => {
    const key = `${event.thread}:${event.step}`;
    const k = seen.get(key) ?? 0;
    seen.set(key, k + 1);
    return { event, x: event.step + Math.min(k, 4) * SAME_STEP_OFFSET, rank: k };
  });
}

/** Segments [from, to] per lane as one line trace (null between segments). */
function segments(name: string, spans: Array<{ thread: number; from: number; to: number; label: string }>, line: Record<string, unknown>): Record<string, unknown> | undefined {
  if (spans.length === 0) return undefined;
  const x: Array<number | null> = [];
  const y: Array<string | null> = [];
  const text: Array<string | null> = [];
  for (const span of spans) {
    x.push(span.from, span.to, null);
    y.push(lane(span.thread), lane(span.thread), null);
    text.push(span.label, span.label, null);
  }
  return { type: "scatter", mode: "lines", name, x, y, text, hoverinfo: "text+name", line, connectgaps: false };
}

/** Intervals opened by one op and closed by another on the same thread and target (enter/exit, lock/unlock, sleep/wake). */
function spans(placed: readonly Placed[], opens: (e: ExploreEvent) => boolean, closes: (e: ExploreEvent) => boolean, end: number, label: (e: ExploreEvent) => string) {
  const open = new Map<string, Placed>();
  const out: Array<{ thread: number; from: number; to: number; label: string }> = [];
  for (const p of placed) {
    const key = `${p.event.thread}:${p.event.target ?? ""}`;
    if (opens(p.event)) open.set(key, p);
    else if (closes(p.event) && open.has(key)) {
      const from = open.get(key)!;
      open.delete(key);
      out.push({ thread: p.event.thread, from: from.x, to: p.x, label: label(from.event) });
    }
  }
  for (const from of open.values()) out.push({ thread: from.event.thread, from: from.x, to: end, label: `${label(from.event)} (until the end)` });
  return out;
}

function isFailure(run: ExploreFailure | ReplayReport): run is ExploreFailure {
  return "kind" in run;
}

function wrap(text: string, width: number): string {
  const words = text.split(" ");
  const lines: string[] = [];
  let line = "";
  for (const word of words) {
    if (line && line.length + word.length + 1 > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.join("<br>");
}

export interface ScheduleTimelineOptions {
  title?: string;
}

/** The plotly spec of a failure's (or a replay's) timeline. */
export function scheduleTimelineSpec(run: ExploreFailure | ReplayReport, options: ScheduleTimelineOptions = {}): PlotlyFigure {
  const failure = isFailure(run) ? run : run.failures[run.failures.length - 1];
  const events = run.events;
  const threads = Math.max(run.threadStatus.length, ...events.map((e) => e.thread + 1), 1);
  const steps = Math.max(run.schedule.length, ...events.map((e) => e.step), 1);
  const end = steps + 0.9;
  const placed = place(events);
  const data: Array<Record<string, unknown>> = [];

  const add = (trace: Record<string, unknown> | undefined) => trace && data.push(trace);
  add(segments("inside a section", spans(placed, (e) => e.op === "enter", (e) => e.op === "exit", end, (e) => `T${e.thread} inside ${e.target}`), { width: 14, color: "rgba(255,127,14,0.28)" }));
  add(segments("holding a lock", spans(placed, (e) => e.op === "lock", (e) => e.op === "unlock", end, (e) => `T${e.thread} holds ${e.target}`), { width: 6, color: "rgba(44,160,44,0.35)" }));
  add(
    segments(
      "asleep in wait",
      spans(placed, (e) => e.op === "wait" && e.blocked === true, (e) => e.op === "wake" || e.op === "timeout", end, (e) => `T${e.thread} asleep on ${e.target}`),
      { width: 2, dash: "dot", color: "#9467bd" },
    ),
  );

  // Short labels next to the markers while they fit; above and below in turn, so neighbours do not collide.
  const labelled = steps <= LABEL_STEPS_MAX;
  for (const fam of FAMILIES) {
    const mine = placed.filter((p) => family(p.event.op) === fam);
    if (mine.length === 0) continue;
    data.push({
      type: "scatter",
      mode: labelled ? "markers+text" : "markers",
      name: fam.name,
      x: mine.map((p) => p.x),
      y: mine.map((p) => lane(p.event.thread)),
      hovertext: mine.map((p) => `step ${p.event.step}, T${p.event.thread}: ${p.event.text}`),
      hoverinfo: "text",
      ...(labelled
        ? {
            text: mine.map((p) => shortLabel(p.event)),
            textposition: mine.map((p) => ((p.event.step + p.rank) % 2 === 0 ? "top center" : "bottom center")),
            textfont: { size: 9, color: "#444" },
          }
        : {}),
      marker: { symbol: fam.symbol, size: 10, color: fam.colour, line: { width: 1, color: fam.colour } },
    });
  }

  const shapes: Array<Record<string, unknown>> = [];
  const annotations: Array<Record<string, unknown>> = [];
  if (failure) {
    const involved = new Set(failure.steps);
    const hit = placed.filter((p) => involved.has(p.event.step) && (failure.threads.length === 0 || failure.threads.includes(p.event.thread)) && p.event.op !== "finish" && p.event.op !== "note");
    if (hit.length > 0) {
      data.push({
        type: "scatter",
        mode: "markers",
        name: failure.kind,
        x: hit.map((p) => p.x),
        y: hit.map((p) => lane(p.event.thread)),
        hovertext: hit.map((p) => `step ${p.event.step}, T${p.event.thread}: ${p.event.text}`),
        hoverinfo: "text",
        // A ring, so that the operation's own marker stays visible inside it.
        marker: { symbol: "circle-open", size: 22, color: VIOLATION, line: { width: 2.5, color: VIOLATION } },
      });
    }
    shapes.push({ type: "line", xref: "x", yref: "paper", x0: failure.step, x1: failure.step, y0: 0, y1: 1, line: { color: VIOLATION, width: 2, dash: "dash" } });
    annotations.push({
      xref: "x",
      yref: "paper",
      x: failure.step,
      y: 1,
      yanchor: "bottom",
      xanchor: failure.step > steps / 2 ? "right" : "left",
      showarrow: false,
      align: "left",
      font: { color: VIOLATION, size: 12 },
      text: wrap(`${failure.kind} at step ${failure.step}: ${failure.message}`, 90),
    });
  }

  const title =
    options.title ??
    (failure
      ? `${failure.program ? `${failure.program}: ` : ""}${failure.kind}${failure.seed !== null ? `, seed ${failure.seed}` : ""}, schedule ${failure.scheduleText.length > 60 ? `${failure.scheduleText.slice(0, 59)}…` : failure.scheduleText}`
      : `${run.program ? `${run.program}: ` : ""}schedule ${run.schedule.length} steps`);
  const lanes = [...Array(threads).keys()].map(lane);
  return {
    data,
    layout: {
      title,
      xaxis: { title: "step", range: [-0.5, end + 0.3], zeroline: false, dtick: steps > 40 ? undefined : 1 },
      yaxis: { type: "category", categoryorder: "array", categoryarray: lanes, autorange: "reversed", title: "thread" },
      height: 260 + 60 * threads,
      margin: { t: 110, l: 60, r: 20, b: 110 },
      legend: { orientation: "h", yanchor: "top", y: -0.18 - 0.6 / (threads + 2) },
      shapes,
      annotations,
      hovermode: "closest",
    },
  };
}

/** A displayable timeline figure of a failure or a replay. */
export function scheduleTimeline(run: ExploreFailure | ReplayReport, options: ScheduleTimelineOptions = {}): Figure {
  return figure(scheduleTimelineSpec(run, options));
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function isResult(value: ExploreResult | ReplayReport | ExploreFailure): value is ExploreResult {
  return "schedulesExplored" in value;
}

/** The MIME bundle of an exploration, a replay or a failure: the text summary, and the timeline of its (first) failure. */
export function explorationBundle(value: ExploreResult | ReplayReport | ExploreFailure): MimeBundle {
  const text = isResult(value) ? formatExploration(value) : isFailure(value) ? formatExploreFailure(value) : formatReplay(value);
  const failure = isResult(value) ? value.failures[0] : value;
  const html = `<pre class="pardis-explore">${escapeHtml(text)}</pre>`;
  if (!failure || (!isResult(value) && !isFailure(value) && value.events.length === 0)) return { "text/html": html, "text/plain": text };
  const bundle = plotlyBundle(scheduleTimelineSpec(failure));
  return { ...bundle, "text/html": `${html}${bundle["text/html"] as string}`, "text/plain": text };
}

/**
 * Makes an exploration result, replay or failure render in a notebook as its
 * timeline (text summary where plotly cannot draw). Returns the same object.
 */
export function explorationView<T extends ExploreResult | ReplayReport | ExploreFailure>(value: T): T {
  return displayable(value, () => explorationBundle(value));
}

/** Shows the summary and then one timeline per failure (a plain script prints the tables). */
export function showExploration(result: ExploreResult): void {
  display.text(formatExploration(result));
  for (const failure of result.failures) {
    display.bundle({ ...plotlyBundle(scheduleTimelineSpec(failure)), "text/plain": formatExploreFailure(failure) });
  }
}
