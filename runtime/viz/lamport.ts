/**
 * The space-time (Lamport) diagram of a run: one horizontal lane per node (and
 * per client), time to the right, a line per message from where and when it
 * was sent to where and when it arrived. Faults are drawn where they happened:
 * a lost message stops short in a ✕, a crashed node's lane turns dashed until
 * it restarts, a partition shades the time it held. The diagram is how a
 * learner sees *why* a checker's anomaly happened.
 *
 * Traces stay few (one per message category, segments separated by `null`), so
 * a 10k-message run draws as fast as a small one; above `maxMessages` the
 * delivered messages are sampled and the title says so.
 */
import type { MessageRecord, RunEvent, RunRecord } from "../core/history.js";
import type { Figure } from "./plotly.js";
import { countBy, escapeHover, formatCounts, formatMs, formatValue, plural, recordOf, sortedCounts, type RunSource } from "./run-format.js";
import { formatGroups, nodeOutages, partitionBands, type NodeOutage } from "./run-intervals.js";
import { figureWithSummary } from "./summary-figure.js";

export interface LamportOptions {
  title?: string;
  /** Show only what happened from this time on (ms since the run started). */
  fromMs?: number;
  /** Show only what happened up to this time. */
  toMs?: number;
  /** The node lanes to show, in this order (default: every node). Messages to or from a hidden lane are left out. */
  nodes?: readonly string[];
  /** Client lanes below the nodes, with their requests and replies. @default true */
  showClients?: boolean;
  /** Message types with a colour and a legend entry of their own; the rest are "other". @default 8 */
  topTypes?: number;
  /** Above this many messages in view, delivered messages are sampled (faults are kept first). @default LAMPORT_SAMPLE_ABOVE */
  maxMessages?: number;
}

export interface LamportFacts {
  /** Lanes top to bottom; lane i is drawn at y = i. */
  readonly lanes: readonly string[];
  /** Messages in view (window and lanes), and how many of them were drawn. */
  readonly messagesInView: number;
  readonly messagesDrawn: number;
}

export type LamportFigure = Figure & LamportFacts;

/** Enough to see every message of a lecture-sized run; beyond it single lines cannot be told apart anyway. */
export const LAMPORT_SAMPLE_ABOVE = 2000;

/** Colours for message types, in order of how often a type occurs. Red is kept for faults. */
const TYPE_PALETTE = ["#4c78a8", "#f58518", "#54a24b", "#b279a2", "#72b7b2", "#eeca3b", "#9d755d", "#ff9da6", "#17becf", "#bcbd22"];
export const FAULT_COLOUR = "#d62728";
const COLOURS = { other: "#9d9d9d", duplicate: "#8c564b", lane: "#555555", down: "#bbbbbb", paused: "#f58518", crash: "#7f0000", restart: "#2ca02c", skew: "#9467bd", partition: "#f58518" };

/** The legend category of each message: dropped and duplicates first, since a fault matters more than a type. */
type Category = { kind: "dropped" } | { kind: "duplicate" } | { kind: "type"; name: string };

function categoryOf(message: MessageRecord, topTypes: ReadonlySet<string>): Category {
  if (message.deliveredMs === undefined) return { kind: "dropped" };
  if (message.duplicateOf !== undefined || message.fault === "duplicate") return { kind: "duplicate" };
  return { kind: "type", name: topTypes.has(message.type) ? message.type : "other" };
}

/**
 * Why an undelivered message was not delivered. A duplicate copy keeps
 * "duplicate" as its fault even when the copy was then lost, so it is called a lost duplicate;
 * no fault at all means nothing stopped it: it was still on its way when the
 * run ended.
 */
export function dropReason(message: MessageRecord): string {
  if (message.fault === "duplicate") return "lost duplicate";
  return message.fault ?? "in flight at the end";
}

/** "2nd", "3rd", "11th", "21st": how the title says which messages were kept. */
export function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? "th" : (["th", "st", "nd", "rd"][n % 10] ?? "th");
  return `${n}${suffix}`;
}

/** Every `stride`-th item, starting with the first: evenly spread over time, and the same on every call. */
function everyNth<T>(items: readonly T[], stride: number): T[] {
  return stride <= 1 ? [...items] : items.filter((_, index) => index % stride === 0);
}

/** The middle delivery latency: how long a dropped message's stub is drawn (half of it), so it looks like a message that stopped on its way. */
function typicalLatency(messages: readonly MessageRecord[], spanMs: number): number {
  const latencies = messages.filter((m) => m.deliveredMs !== undefined).map((m) => m.deliveredMs! - m.sentMs).sort((a, b) => a - b);
  const middle = latencies[Math.floor(latencies.length / 2)];
  return middle !== undefined && middle > 0 ? middle : Math.max(spanMs / 50, 1e-3);
}

/** Points of one trace of line segments: [x0, x1, null, x0, x1, null, ...], with hover text and marker sizes per point. */
class Segments {
  readonly x: Array<number | null> = [];
  readonly y: Array<number | null> = [];
  readonly hover: string[] = [];
  readonly sizes: number[] = [];
  count = 0;

  add(x0: number, y0: number, x1: number, y1: number, hover: string, endMarkerSize = 0): void {
    this.x.push(x0, x1, null);
    this.y.push(y0, y1, null);
    this.hover.push(hover, hover, "");
    this.sizes.push(0, endMarkerSize, 0);
    this.count++;
  }
}

function messageHover(message: MessageRecord): string {
  const head = `<b>${escapeHover(message.type)}</b> #${message.id}: ${escapeHover(message.src)} → ${escapeHover(message.dest)}`;
  const timing =
    message.deliveredMs === undefined
      ? `sent ${formatMs(message.sentMs)}, <b>dropped: ${escapeHover(dropReason(message))}</b>`
      : `sent ${formatMs(message.sentMs)}, delivered ${formatMs(message.deliveredMs)} (took ${formatMs(message.deliveredMs - message.sentMs)})`;
  const duplicate = message.duplicateOf !== undefined ? `<br>duplicate of #${message.duplicateOf}` : message.fault === "duplicate" ? "<br>duplicate" : "";
  const body = message.body === undefined ? "" : `<br>${escapeHover(formatValue(message.body, 80))}`;
  return `${head}<br>${timing}${duplicate}${body}`;
}

function segmentTrace(name: string, segments: Segments, colour: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: "scatter",
    mode: "lines+markers",
    name,
    x: segments.x,
    y: segments.y,
    line: { color: colour, width: 1.2 },
    // An arrowhead at each delivery, turned along its line; the start point has size 0.
    marker: { symbol: "arrow", angleref: "previous", size: segments.sizes, color: colour },
    hovertext: segments.hover,
    hoverinfo: "text",
    connectgaps: false,
    ...extra,
  };
}

function markerTrace(name: string, points: Array<{ x: number; y: number; hover: string }>, symbol: string, colour: string, size = 12): Record<string, unknown> {
  return {
    type: "scatter",
    mode: "markers",
    name,
    x: points.map((p) => p.x),
    y: points.map((p) => p.y),
    marker: { symbol, color: colour, size, line: { width: 1.5, color: colour } },
    hovertext: points.map((p) => p.hover),
    hoverinfo: "text",
  };
}

/** The time a lane is up: the window minus the node's outages. */
function upSpans(fromMs: number, toMs: number, outages: readonly NodeOutage[]): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  let cursor = fromMs;
  for (const outage of [...outages].sort((a, b) => a.startMs - b.startMs)) {
    if (outage.startMs > cursor) spans.push([cursor, Math.min(outage.startMs, toMs)]);
    cursor = Math.max(cursor, outage.endMs);
    if (cursor >= toMs) break;
  }
  if (cursor < toMs) spans.push([cursor, toMs]);
  return spans.filter(([a, b]) => b > a);
}

const EVENT_MARKERS: Partial<Record<RunEvent["kind"], { name: string; symbol: string; colour: string }>> = {
  crash: { name: "crash", symbol: "x-thin-open", colour: COLOURS.crash },
  restart: { name: "restart", symbol: "triangle-right", colour: COLOURS.restart },
  pause: { name: "pause", symbol: "line-ns-open", colour: COLOURS.paused },
  resume: { name: "resume", symbol: "triangle-right-open", colour: COLOURS.paused },
  skew: { name: "clock skew", symbol: "diamond", colour: COLOURS.skew },
};

/** One event per line for the text fallback: "40.0 ms crash n2", "50.0 ms partition {n1 n2} | {n3}". */
export function eventLine(event: RunEvent): string {
  const groups = event.kind === "partition" ? ` ${formatGroups(event.groups ?? [])}` : "";
  return `${formatMs(event.atMs)} ${event.kind}${event.node ? ` ${event.node}` : ""}${groups}${event.detail ? ` (${event.detail})` : ""}`;
}

/** Events of the text fallback beyond which only a count is given. */
const TEXT_EVENTS_MAX = 12;

function describeRun(run: RunRecord, inView: readonly MessageRecord[], events: readonly RunEvent[], header: string): string {
  const dropped = inView.filter((m) => m.deliveredMs === undefined);
  const duplicates = inView.filter((m) => m.deliveredMs !== undefined && (m.duplicateOf !== undefined || m.fault === "duplicate"));
  const lines = [
    header,
    `messages by type: ${formatCounts(countBy(inView, (m) => m.type)) || "none"}`,
    `delivered ${inView.length - dropped.length}, dropped ${dropped.length}${dropped.length ? ` (${formatCounts(countBy(dropped, dropReason))})` : ""}, duplicates ${duplicates.length}`,
  ];
  const shown = events.filter((e) => e.kind !== "log" && e.kind !== "timer");
  const quiet = events.length - shown.length;
  lines.push(`events: ${shown.length === 0 ? "none" : shown.length}${quiet ? ` (and ${quiet} log/timer events, not listed)` : ""}`);
  for (const event of shown.slice(0, TEXT_EVENTS_MAX)) lines.push(`  ${eventLine(event)}`);
  if (shown.length > TEXT_EVENTS_MAX) lines.push(`  … and ${shown.length - TEXT_EVENTS_MAX} more`);
  if (run.replay) lines.push(`replay: ${run.replay}`);
  return lines.join("\n");
}

/**
 * Where the picture ends by default: a little after the last thing that
 * happened (a message, an event, an operation), not at the run's deadline. A
 * run whose work is done in 20 ms of a 2-second simulation would otherwise be
 * squeezed into the first percent of the axis.
 */
function activityEnd(run: RunRecord): number {
  let last = 0;
  for (const m of run.messages) last = Math.max(last, m.deliveredMs ?? m.sentMs);
  for (const e of run.events) last = Math.max(last, e.atMs);
  for (const op of run.history) last = Math.max(last, op.completeMs ?? op.invokeMs);
  if (last === 0) return run.endMs;
  return Math.min(run.endMs, last + Math.max(1, last * 0.05));
}

/**
 * A space-time diagram of a run (plotly). Lanes are the nodes, then the
 * clients; messages are coloured by type (the most frequent `topTypes`, the
 * rest "other"), duplicates dashed, dropped messages red and ending in a ✕
 * with the fault in the hover. Crashes, restarts, pauses and clock skew are
 * markers on their lane, a crashed node's lane is dashed grey until restart,
 * a paused one dotted; partitions are shaded bands (their groups in the hover
 * of the marker above each band). The text fallback counts messages by type
 * and fault and lists the events.
 */
export function lamportDiagram(source: RunSource, options: LamportOptions = {}): LamportFigure {
  const run = recordOf(source);
  const fromMs = options.fromMs ?? 0;
  const toMs = options.toMs ?? activityEnd(run);
  const nodeLanes = options.nodes ? run.nodes.filter((n) => options.nodes!.includes(n)).sort((a, b) => options.nodes!.indexOf(a) - options.nodes!.indexOf(b)) : run.nodes;
  const lanes = [...nodeLanes, ...(options.showClients === false ? [] : run.clients)];
  const laneOf = new Map(lanes.map((lane, index) => [lane, index]));
  const maxMessages = options.maxMessages ?? LAMPORT_SAMPLE_ABOVE;

  const inView = run.messages
    .filter((m) => laneOf.has(m.src) && laneOf.has(m.dest))
    .filter((m) => m.sentMs <= toMs && (m.deliveredMs ?? m.sentMs) >= fromMs)
    .sort((a, b) => a.sentMs - b.sentMs || a.id - b.id);
  const events = run.events.filter((e) => e.atMs >= fromMs && e.atMs <= toMs && (e.node === undefined || laneOf.has(e.node)));

  const typeCounts = sortedCounts(countBy(inView, (m) => m.type));
  const topCount = options.topTypes ?? 8;
  // "other" holding a single type would hide its name for nothing.
  const top = new Set(typeCounts.slice(0, typeCounts.length === topCount + 1 ? topCount + 1 : topCount).map(([name]) => name));

  // Sampling: faults are what the picture is for, so they keep their place first; delivered messages share what is left.
  const faulty = inView.filter((m) => categoryOf(m, top).kind !== "type");
  const plain = inView.filter((m) => categoryOf(m, top).kind === "type");
  let drawn = inView;
  let sampling = "";
  if (inView.length > maxMessages) {
    const faultBudget = Math.max(1, Math.floor(maxMessages / 2));
    const faultStride = Math.ceil(faulty.length / faultBudget);
    const keptFaults = everyNth(faulty, faultStride);
    const plainStride = Math.max(1, Math.ceil(plain.length / Math.max(1, maxMessages - keptFaults.length)));
    const keptPlain = everyNth(plain, plainStride);
    drawn = [...keptPlain, ...keptFaults];
    const faultNote = faultStride <= 1 ? `all ${faulty.length} dropped/duplicated shown` : `every ${ordinal(faultStride)} dropped/duplicated message`;
    sampling = `${inView.length} messages, ${drawn.length} drawn: ${plainStride <= 1 ? "all delivered messages" : `every ${ordinal(plainStride)} delivered message`}, ${faultNote}`;
  }

  const stubMs = typicalLatency(inView, toMs - fromMs) / 2;
  const byCategory = new Map<string, Segments>();
  const segmentsOf = (key: string) => byCategory.get(key) ?? byCategory.set(key, new Segments()).get(key)!;
  for (const message of drawn) {
    const y0 = laneOf.get(message.src)!;
    const y1 = laneOf.get(message.dest)!;
    const category = categoryOf(message, top);
    if (category.kind === "dropped") {
      // Stops half way (in time and between lanes) towards where it was going.
      segmentsOf("dropped").add(message.sentMs, y0, message.sentMs + stubMs, y0 + (y1 - y0) / 2, messageHover(message), 11);
    } else {
      segmentsOf(category.kind === "duplicate" ? "duplicate" : `type:${category.name}`).add(message.sentMs, y0, message.deliveredMs!, y1, messageHover(message), 9);
    }
  }

  const data: Array<Record<string, unknown>> = [];

  // Lanes: solid while up, dashed grey while crashed, dotted while paused.
  const outages = nodeOutages(run).filter((o) => laneOf.has(o.node) && o.endMs >= fromMs && o.startMs <= toMs);
  const up = new Segments();
  const down = new Segments();
  const paused = new Segments();
  for (const [lane, y] of laneOf) {
    const mine = outages.filter((o) => o.node === lane);
    for (const [a, b] of upSpans(fromMs, toMs, mine)) up.add(a, y, b, y, `${escapeHover(lane)}`);
    for (const o of mine) {
      const hover = `${escapeHover(lane)} ${o.kind} ${formatMs(o.startMs)} → ${o.endMs >= run.endMs ? "end of run" : formatMs(o.endMs)}`;
      (o.kind === "crashed" ? down : paused).add(Math.max(o.startMs, fromMs), y, Math.min(o.endMs, toMs), y, hover);
    }
  }
  const laneLine = (name: string, segments: Segments, colour: string, dash: string, width: number) => ({
    type: "scatter",
    mode: "lines",
    name,
    x: segments.x,
    y: segments.y,
    line: { color: colour, dash, width },
    hovertext: segments.hover,
    hoverinfo: "text",
    showlegend: name !== "lane",
  });
  data.push(laneLine("lane", up, COLOURS.lane, "solid", 1));
  if (down.count) data.push(laneLine("node down (crashed)", down, COLOURS.down, "dash", 3));
  if (paused.count) data.push(laneLine("node paused", paused, COLOURS.paused, "dot", 3));

  // Messages: one trace per type (most frequent first), then "other", duplicates and dropped.
  typeCounts.forEach(([name], index) => {
    if (!top.has(name)) return;
    const segments = byCategory.get(`type:${name}`);
    if (segments) data.push(segmentTrace(name, segments, TYPE_PALETTE[index % TYPE_PALETTE.length]!));
  });
  const other = byCategory.get("type:other");
  if (other) data.push(segmentTrace(`other (${typeCounts.length - top.size} types)`, other, COLOURS.other));
  const duplicates = byCategory.get("duplicate");
  if (duplicates) data.push(segmentTrace("duplicate", duplicates, COLOURS.duplicate, { line: { color: COLOURS.duplicate, width: 1.2, dash: "dash" } }));
  const dropped = byCategory.get("dropped");
  if (dropped) {
    const reasons = formatCounts(countBy(faulty.filter((m) => m.deliveredMs === undefined), dropReason));
    data.push(segmentTrace(`dropped (${reasons})`, dropped, FAULT_COLOUR, { line: { color: FAULT_COLOUR, width: 1.2, dash: "dot" }, marker: { symbol: "x", size: dropped.sizes, color: FAULT_COLOUR } }));
  }

  // Node events as markers on their lanes.
  for (const [kind, style] of Object.entries(EVENT_MARKERS)) {
    const points = events
      .filter((e) => e.kind === kind && e.node !== undefined)
      .map((e) => ({ x: e.atMs, y: laneOf.get(e.node!)!, hover: escapeHover(eventLine(e)) }));
    if (points.length) data.push(markerTrace(style!.name, points, style!.symbol, style!.colour, kind === "crash" ? 16 : 12));
  }

  // Partitions: shaded bands, and a marker above each band whose hover names the groups.
  const bands = partitionBands(run)
    .filter((band) => band.endMs >= fromMs && band.startMs <= toMs)
    .map((band) => ({ ...band, startMs: Math.max(band.startMs, fromMs), endMs: Math.min(band.endMs, toMs) }));
  const shapes = bands.map((band) => ({
    type: "rect",
    layer: "below",
    xref: "x",
    yref: "paper",
    x0: band.startMs,
    x1: band.endMs,
    y0: 0,
    y1: 1,
    fillcolor: COLOURS.partition,
    opacity: 0.12,
    line: { width: 0 },
  }));
  if (bands.length) {
    const points = bands.map((band) => ({
      x: (band.startMs + band.endMs) / 2,
      y: -0.7,
      hover: `partition ${formatMs(band.startMs)} → ${formatMs(band.endMs)}<br>${escapeHover(formatGroups(band.groups))}`,
    }));
    data.push(markerTrace("partition", points, "square", COLOURS.partition, 10));
  }

  const nodesNote = nodeLanes.length < run.nodes.length ? `${nodeLanes.length} of ${run.nodes.length} nodes` : plural(run.nodes.length, "node");
  const windowNote = options.fromMs !== undefined || options.toMs !== undefined ? `, ${formatMs(fromMs)} → ${formatMs(toMs)}` : "";
  const header = options.title ?? `Messages between ${nodesNote}${lanes.length > nodeLanes.length ? ` and ${plural(run.clients.length, "client")}` : ""}: ${plural(inView.length, "message")}${windowNote}`;
  const spec = {
    data,
    layout: {
      title: header + (sampling ? `<br><sub>${sampling}</sub>` : ""),
      height: Math.min(900, 200 + 48 * lanes.length),
      hovermode: "closest",
      xaxis: { title: "ms since the run started (virtual time in the simulator)", range: [fromMs, toMs], zeroline: false },
      // Numbers, not categories: segments need numeric y, and lane 0 at the top reads like a diagram on paper.
      yaxis: { tickmode: "array", tickvals: lanes.map((_, i) => i), ticktext: lanes, range: [lanes.length - 0.5, -1], zeroline: false, showgrid: false, automargin: true, fixedrange: true },
      shapes,
    },
  };
  const summary = describeRun(run, inView, events, header + (sampling ? ` (${sampling})` : ""));
  return figureWithSummary(spec, summary, { lanes, messagesInView: inView.length, messagesDrawn: drawn.length });
}
