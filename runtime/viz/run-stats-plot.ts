/**
 * The run statistics as a displayable: the latency distribution of ok
 * operations (a CDF per operation kind, where the tail shows) next to the
 * message counts by type, split into delivered and not. The text fallback is
 * the table of describeRunStats.
 */
import type { Figure } from "./plotly.js";
import { FAULT_COLOUR } from "./lamport.js";
import { describeRunStats, runStatistics, type RunStatistics } from "./run-stats.js";
import { countBy, recordOf, type RunSource } from "./run-format.js";
import { figureWithSummary } from "./summary-figure.js";

export type RunStatsFigure = Figure & Readonly<RunStatistics>;

const F_PALETTE = ["#4c78a8", "#f58518", "#54a24b", "#b279a2", "#72b7b2", "#eeca3b", "#9d755d", "#ff9da6"];
/** Points per CDF curve at most: a 10k-operation history draws as a smooth curve of this many steps. */
export const CDF_POINTS_MAX = 500;
/** Message types in the bar chart; the rest are summed into "other". */
const BAR_TYPES_MAX = 12;

/** The empirical CDF as steps: the fraction of latencies at or below each x, thinned to at most CDF_POINTS_MAX points (the last one always kept). */
export function cdfPoints(sorted: readonly number[]): { x: number[]; y: number[] } {
  const n = sorted.length;
  const step = Math.max(1, Math.ceil(n / CDF_POINTS_MAX));
  const x: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i += step) {
    x.push(sorted[i]!);
    y.push((i + 1) / n);
  }
  if (x.length === 0 || y[y.length - 1] !== 1) {
    x.push(sorted[n - 1]!);
    y.push(1);
  }
  return { x, y };
}

/**
 * Latency and message statistics of a run (plotly): left, the latency CDF of
 * ok operations per f (p50/p95/p99/max in the hover); right, messages by type,
 * delivered and not. The returned object carries the numbers (RunStatistics).
 */
export function runStats(source: RunSource, options: { title?: string } = {}): RunStatsFigure {
  const run = recordOf(source);
  const stats = runStatistics(run);
  const data: Array<Record<string, unknown>> = [];
  [...stats.latenciesByF].forEach(([f, sorted], index) => {
    const row = stats.latency.find((r) => r.f === f)!;
    const { x, y } = cdfPoints(sorted);
    data.push({
      type: "scatter",
      mode: "lines",
      name: `${f} (${row.count})`,
      x,
      y,
      line: { shape: "hv", color: F_PALETTE[index % F_PALETTE.length], width: 2 },
      hovertemplate: `${f}: %{y:.0%} took at most %{x:.1f} ms<br>p50 ${row.p50Ms.toFixed(1)}, p95 ${row.p95Ms.toFixed(1)}, p99 ${row.p99Ms.toFixed(1)}, max ${row.maxMs.toFixed(1)} ms<extra></extra>`,
      xaxis: "x",
      yaxis: "y",
    });
  });

  const types = stats.messagesByType.slice(0, BAR_TYPES_MAX).map(([name]) => name);
  const shownTypes = new Set(types);
  const typeOf = (type: string) => (shownTypes.has(type) ? type : "other");
  if (stats.messagesByType.length > BAR_TYPES_MAX) types.push("other");
  const delivered = countBy(run.messages.filter((m) => m.deliveredMs !== undefined), (m) => typeOf(m.type));
  const lost = countBy(run.messages.filter((m) => m.deliveredMs === undefined), (m) => typeOf(m.type));
  for (const [name, counts, colour] of [["delivered", delivered, "#4c78a8"], ["not delivered", lost, FAULT_COLOUR]] as const) {
    if (counts.size === 0) continue;
    data.push({ type: "bar", name: `messages ${name}`, x: types, y: types.map((t) => counts.get(t) ?? 0), marker: { color: colour }, xaxis: "x2", yaxis: "y2", hovertemplate: `%{y} %{x} ${name}<extra></extra>` });
  }

  const perOp = stats.msgsPerOperation === undefined ? "" : `, ${stats.msgsPerOperation.toFixed(2)} msgs per operation`;
  const header = options.title ?? `Run statistics: ${stats.operations.total} operations, ${stats.messagesBetweenNodes} messages between nodes${perOp}`;
  const spec = {
    data,
    layout: {
      title: header,
      height: 420,
      barmode: "stack",
      hovermode: "closest",
      xaxis: { domain: [0, 0.55], title: "latency of ok operations (ms)", rangemode: "tozero" },
      yaxis: { title: "fraction at or below", range: [0, 1.02], tickformat: ".0%" },
      xaxis2: { domain: [0.65, 1], anchor: "y2", title: "message type", type: "category" },
      yaxis2: { anchor: "x2", title: "messages", rangemode: "tozero" },
    },
  };
  return figureWithSummary(spec, describeRunStats(stats, options.title ?? "Run statistics"), stats);
}
