/**
 * The operation timeline of a run: what each client asked and when, as bars
 * from invocation to completion, with the checker's verdict on top and the
 * operations of its witness outlined in red. Read next to the Lamport diagram
 * it answers "which operations make this history wrong, and when were they".
 */
import type { CheckVerdict, HistoryOperation, RunRecord } from "../core/history.js";
import type { Figure } from "./plotly.js";
import { countBy, escapeHover, formatCounts, formatMs, operationLabel, operationLine, outcomeOf, plural, recordOf, type RunSource } from "./run-format.js";
import { figureWithSummary } from "./summary-figure.js";

export interface OperationTimelineOptions {
  title?: string;
}

export interface OperationTimelineFacts {
  /** Client lanes, top to bottom. */
  readonly lanes: readonly string[];
  /** The verdict's witness operations, in the order the verdict names them (ids not in the history are left out). */
  readonly witness: readonly HistoryOperation[];
}

export type OperationTimelineFigure = Figure & OperationTimelineFacts;

type Outcome = ReturnType<typeof outcomeOf>;

export const OUTCOME_COLOURS: Readonly<Record<Outcome, string>> = { ok: "#4c78a8", fail: "#f58518", info: "#9d9d9d", pending: "#c7c7c7" };
export const WITNESS_COLOUR = "#d62728";
const OUTCOME_NAMES: Readonly<Record<Outcome, string>> = {
  ok: "ok",
  fail: "fail (did not happen)",
  info: "info (unknown: may have happened any time until the end)",
  pending: "pending at the end of the run",
};

/** Lane height of an info or pending bar (a certain one takes 1 - bargap = 0.7): it reads as "maybe", and later operations on top stay visible. */
const UNCERTAIN_BAR_WIDTH = 0.4;
/** Above this many operations the bars carry no labels (hover still has them): labels that small cannot be read. */
const LABEL_OPS_MAX = 300;
/** Above this many operations, neighbouring bars of one outcome closer than a screen column merge into one (the title says so). */
export const TIMELINE_MERGE_ABOVE_OPS = 2000;
const SCREEN_COLUMNS = 1200;

/** One drawn bar: an operation, or a run of neighbouring operations merged in a large history. */
interface Bar {
  lane: string;
  outcome: Outcome;
  startMs: number;
  endMs: number;
  ops: HistoryOperation[];
}

/**
 * Where an operation's bar ends. A fail completes; an info operation may take
 * effect at any time after its invocation, even after the client gave up, so
 * its bar runs to the end of the run, as does a pending one.
 */
function barEnd(op: HistoryOperation, endMs: number): number {
  const outcome = outcomeOf(op);
  return outcome === "ok" || outcome === "fail" ? (op.completeMs ?? endMs) : endMs;
}

function hoverOf(bar: Bar): string {
  if (bar.ops.length === 1) {
    const op = bar.ops[0]!;
    const done = op.completeMs === undefined ? "still pending when the run ended" : `completed ${formatMs(op.completeMs)} (took ${formatMs(op.completeMs - op.invokeMs)})`;
    return `<b>${escapeHover(operationLabel(op))}</b><br>#${op.id} by ${escapeHover(op.client)}${op.node ? ` via ${escapeHover(op.node)}` : ""}, ${outcomeOf(op)}<br>invoked ${formatMs(op.invokeMs)}, ${done}`;
  }
  const first = bar.ops[0]!;
  const last = bar.ops[bar.ops.length - 1]!;
  return `<b>${bar.ops.length} operations merged</b> (#${first.id} … #${last.id}), ${bar.outcome}<br>${formatMs(bar.startMs)} → ${formatMs(bar.endMs)}`;
}

function mergeBars(bars: Bar[], gapMs: number): Bar[] {
  const merged: Bar[] = [];
  for (const bar of bars) {
    const previous = merged[merged.length - 1];
    if (previous && previous.lane === bar.lane && previous.outcome === bar.outcome && bar.startMs - previous.endMs <= gapMs) {
      previous.endMs = Math.max(previous.endMs, bar.endMs);
      previous.ops.push(...bar.ops);
    } else merged.push({ ...bar, ops: [...bar.ops] });
  }
  return merged;
}

function barTrace(name: string, bars: Bar[], labelled: boolean, extra: Record<string, unknown>): Record<string, unknown> {
  return {
    type: "bar",
    orientation: "h",
    name,
    y: bars.map((bar) => bar.lane),
    base: bars.map((bar) => bar.startMs),
    x: bars.map((bar) => bar.endMs - bar.startMs),
    hovertext: bars.map(hoverOf),
    hoverinfo: "text",
    ...(labelled ? { text: bars.map((bar) => (bar.ops.length === 1 ? operationLabel(bar.ops[0]!) : `${bar.ops.length} ops`)), textposition: "inside", insidetextanchor: "start" } : {}),
    ...extra,
  };
}

/** The verdict as a title line: "✓ linearizability: …", "✗ nonlinearizable: …", or "? …" when the checker gave up. */
export function verdictLine(verdict: CheckVerdict): string {
  if (verdict.unknown) return `? ${verdict.checker} could not decide: ${verdict.message}`;
  if (verdict.ok) return `✓ ${verdict.checker}: ${verdict.message}`;
  return `✗ ${verdict.anomaly ?? "anomaly"}: ${verdict.message}`;
}

function verdictTitle(verdict: CheckVerdict): string {
  const colour = verdict.unknown ? "#9d9d9d" : verdict.ok ? "#2ca02c" : WITNESS_COLOUR;
  return `<span style="color:${colour}">${escapeHover(verdictLine(verdict))}</span>`;
}

function describeTimeline(run: RunRecord, header: string, verdict: CheckVerdict | undefined, witness: readonly HistoryOperation[]): string {
  const outcomes = formatCounts(countBy(run.history, outcomeOf));
  const lines = [`${header}${outcomes ? ` (${outcomes})` : ""}`];
  if (verdict) {
    lines.push(`${verdictLine(verdict)}${verdict.ok || verdict.unknown ? "" : `  [${verdict.checker}]`}`);
    if (witness.length > 0) {
      lines.push(`witness (${plural(witness.length, "operation")}):`);
      for (const op of witness) lines.push(`  ${operationLine(op)}`);
    }
    if (!verdict.ok && run.replay) lines.push(`replay: ${run.replay}`);
  }
  return lines.join("\n");
}

/**
 * An operation timeline (plotly): one lane per client, a bar per operation
 * from invocation to completion labelled `f(key) input → output`, coloured by
 * outcome (info and pending operations faded and outlined up to the end of the
 * run: they may have taken effect at any point of it). With a verdict, the
 * title carries it and the witness operations are outlined in red. The text
 * fallback is the verdict and the witness operations, one per line.
 */
export function operationTimeline(source: RunSource, verdict?: CheckVerdict, options: OperationTimelineOptions = {}): OperationTimelineFigure {
  const run = recordOf(source);
  const lanes = [...run.clients];
  for (const op of run.history) if (!lanes.includes(op.client)) lanes.push(op.client);
  const byId = new Map(run.history.map((op) => [op.id, op]));
  const witness = (verdict?.witness ?? []).map((id) => byId.get(id)).filter((op): op is HistoryOperation => op !== undefined);

  const single = (op: HistoryOperation): Bar => ({ lane: op.client, outcome: outcomeOf(op), startMs: op.invokeMs, endMs: barEnd(op, run.endMs), ops: [op] });
  let bars = run.history.map(single).sort((a, b) => lanes.indexOf(a.lane) - lanes.indexOf(b.lane) || a.startMs - b.startMs);
  let merging = "";
  if (run.history.length > TIMELINE_MERGE_ABOVE_OPS) {
    const gapMs = run.endMs / SCREEN_COLUMNS;
    bars = mergeBars(bars, gapMs);
    merging = `${run.history.length} operations drawn as ${bars.length} bars: neighbours less than ${gapMs.toPrecision(2)} ms apart merged (witness operations drawn on their own)`;
  }
  const labelled = run.history.length <= LABEL_OPS_MAX;

  const data: Array<Record<string, unknown>> = [
    // Invisible: a client without operations keeps its lane.
    { type: "scatter", mode: "markers", x: lanes.map(() => 0), y: lanes, marker: { opacity: 0 }, hoverinfo: "skip", showlegend: false },
  ];
  // Uncertain operations first, so they lie underneath: a client that timed out goes on with new
  // operations, and those must stay visible on top of the long uncertain bar.
  for (const outcome of ["info", "pending", "ok", "fail"] as const) {
    const ofOutcome = bars.filter((bar) => bar.outcome === outcome);
    if (ofOutcome.length === 0) continue;
    const uncertain = outcome === "info" || outcome === "pending";
    data.push(
      barTrace(OUTCOME_NAMES[outcome], ofOutcome, labelled, {
        // Faded, outlined and thinner rather than hatched: plotly's SVG patterns are url(#id) references, which a page
        // with a <base> element (as notebook front ends have) can fail to resolve, leaving the bar blank.
        marker: { color: OUTCOME_COLOURS[outcome], line: uncertain ? { color: "#7f7f7f", width: 1 } : { width: 0 } },
        ...(uncertain ? { opacity: 0.5, width: ofOutcome.map(() => UNCERTAIN_BAR_WIDTH) } : {}),
      }),
    );
  }
  if (witness.length > 0) {
    // Drawn last, over the coloured bars: a transparent bar with a thick red outline.
    data.push(
      barTrace(`witness (${plural(witness.length, "operation")})`, witness.map(single), false, {
        marker: { color: "rgba(214,39,40,0.15)", line: { color: WITNESS_COLOUR, width: 3 } },
      }),
    );
  }

  const header = options.title ?? `Operations of ${plural(lanes.length, "client")}: ${plural(run.history.length, "operation")}`;
  const title = [header, verdict ? verdictTitle(verdict) : "", merging ? `<sub>${merging}</sub>` : ""].filter(Boolean).join("<br>");
  const spec = {
    data,
    layout: {
      title,
      barmode: "overlay",
      bargap: 0.3,
      height: Math.min(900, 220 + 40 * lanes.length),
      margin: { t: verdict ? 110 : 80 },
      hovermode: "closest",
      uniformtext: { mode: "hide", minsize: 8 },
      xaxis: { title: "ms since the run started", range: [0, run.endMs], zeroline: false },
      yaxis: { type: "category", categoryorder: "array", categoryarray: lanes, autorange: "reversed", automargin: true, fixedrange: true },
    },
  };
  return figureWithSummary(spec, describeTimeline(run, header, verdict, witness), { lanes, witness });
}
