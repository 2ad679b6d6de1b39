/**
 * The speedup plot: what more threads bought, against what was possible.
 * Speedup S(n) = T(1)/T(n) and efficiency E(n) = S(n)/n from the median run
 * times, the ideal S = n, an Amdahl fit (the job's estimated serial fraction f,
 * its curve and its limit 1/f), Gustafson's scaled speedup with the same f, and
 * the machine's core count, past which CPU-bound work only takes turns.
 */
import { amdahlSpeedup, fitSerialFraction, gustafsonSpeedup } from "../core/scaling.js";
import type { SpeedupData, SpeedupPoint } from "../core/trace.js";
import type { Figure } from "./plotly.js";
import { figureWithSummary } from "./summary-figure.js";

/** One measured thread count, as the plot and its table show it. */
export interface SpeedupRow {
  threads: number;
  medianMs: number;
  runs: number;
  speedup: number;
  efficiency: number;
  /** Speedup of the slowest and the fastest run, against the baseline's median: the spread drawn as error bars. */
  speedupLow: number;
  speedupHigh: number;
  /** More threads than cores: the threads share cores by time-slicing. */
  oversubscribed: boolean;
}

export interface SpeedupStats {
  cores: number;
  /** By thread count, ascending; `threads`, `speedups` and `efficiencies` are the same rows as columns. */
  rows: SpeedupRow[];
  threads: number[];
  speedups: number[];
  efficiencies: number[];
  /**
   * Amdahl's serial fraction, least-squares fitted (see fitSerialFraction) on
   * the thread counts from 2 up to the core count only: beyond the cores,
   * time-slicing rather than the serial part limits speedup, and would
   * inflate f. Undefined when no such measurement exists (e.g. one core).
   */
  serialFraction: number | undefined;
  /** The thread counts the fit used. */
  fittedThreads: number[];
  /** 1/f: the speedup no thread count can pass for this job (Infinity for f = 0). */
  amdahlLimit: number | undefined;
}

export type SpeedupFigure = Figure & Readonly<SpeedupStats>;

const COLOURS = { measured: "#4c78a8", ideal: "#9d9d9d", amdahl: "#e45756", gustafson: "#54a24b", cores: "#333333", oversubscribed: "#f58518" };

function checkPoint(point: SpeedupPoint): void {
  if (!(Number.isInteger(point.threads) && point.threads >= 1)) {
    throw new TypeError(`Expected each point's \`threads\` to be an integer of at least 1, got \`${point.threads}\``);
  }
  if (!(Number.isFinite(point.medianMs) && point.medianMs > 0)) {
    throw new TypeError(`Expected a positive \`medianMs\` at ${point.threads} threads, got \`${point.medianMs}\``);
  }
}

/** The numbers behind the plot, also usable without drawing anything. */
export function speedupStats(data: SpeedupData): SpeedupStats {
  if (!(Number.isInteger(data.cores) && data.cores >= 1)) throw new TypeError(`Expected \`cores\` to be an integer of at least 1, got \`${data.cores}\``);
  data.points.forEach(checkPoint);
  const points = [...data.points].sort((a, b) => a.threads - b.threads);
  const baseline = points.find((point) => point.threads === 1);
  if (!baseline) {
    const measured = points.map((point) => point.threads).join(", ") || "none";
    throw new TypeError(`Expected a baseline point with threads = 1 (speedup is relative to it), got thread counts: ${measured}`);
  }
  const rows = points.map((point): SpeedupRow => {
    const speedup = baseline.medianMs / point.medianMs;
    const runs = point.runsMs.filter((run) => Number.isFinite(run) && run > 0);
    return {
      threads: point.threads,
      medianMs: point.medianMs,
      runs: runs.length,
      speedup,
      efficiency: speedup / point.threads,
      speedupLow: runs.length > 0 ? baseline.medianMs / Math.max(...runs) : speedup,
      speedupHigh: runs.length > 0 ? baseline.medianMs / Math.min(...runs) : speedup,
      oversubscribed: point.threads > data.cores,
    };
  });
  const fitted = rows.filter((row) => !row.oversubscribed);
  const serialFraction = fitSerialFraction(fitted);
  return {
    cores: data.cores,
    rows,
    threads: rows.map((row) => row.threads),
    speedups: rows.map((row) => row.speedup),
    efficiencies: rows.map((row) => row.efficiency),
    serialFraction,
    fittedThreads: fitted.filter((row) => row.threads > 1).map((row) => row.threads),
    amdahlLimit: serialFraction === undefined ? undefined : 1 / serialFraction,
  };
}

const times = (speedup: number) => `${speedup.toFixed(2)}x`;
const percent = (fraction: number) => `${Math.round(fraction * 100)}%`;

function describeFit(stats: SpeedupStats): string {
  const f = stats.serialFraction;
  if (f === undefined && stats.cores === 1) return "No Amdahl fit: on 1 core, more threads only take turns, so they cannot reveal the parallel part";
  if (f === undefined) return `No Amdahl fit: it needs a measurement with 2 to ${stats.cores} threads (no more than the cores available)`;
  const limit = f === 0 ? "no serial part measured, so Amdahl sets no limit" : `speedup limit 1/f = ${times(1 / f)}`;
  return `Amdahl fit on ${stats.fittedThreads.join(", ")} threads: serial fraction f = ${f.toFixed(3)}, ${limit}`;
}

/** The speedup plot's text fallback: a table of the measurements and the fit. */
export function describeSpeedup(label: string, stats: SpeedupStats): string {
  const header = ["threads", "median ms", "speedup", "efficiency"];
  const cells = stats.rows.map((row) => [String(row.threads), row.medianMs.toFixed(1), times(row.speedup), percent(row.efficiency)]);
  const widths = header.map((title, column) => Math.max(title.length, ...cells.map((cell) => cell[column]!.length)));
  const line = (cell: string[]) => cell.map((text, column) => text.padStart(widths[column]!)).join(" | ");
  const lines = [`Speedup of ${label} (${stats.cores} core${stats.cores === 1 ? "" : "s"} available)`, line(header)];
  stats.rows.forEach((row, index) => lines.push(line(cells[index]!) + (row.oversubscribed ? "  more threads than cores" : "")));
  lines.push(describeFit(stats));
  // Gustafson at the most threads that still have a core each: past that the prediction is for a bigger machine.
  const f = stats.serialFraction;
  const most = stats.fittedThreads[stats.fittedThreads.length - 1];
  if (f !== undefined && most !== undefined) {
    lines.push(`Gustafson with the same f: ${times(gustafsonSpeedup(f, most))} at ${most} threads, if the problem grew with the thread count`);
  }
  return lines.join("\n");
}

/** Error bars from each thread count's fastest and slowest run. */
function spread(rows: SpeedupRow[], per: (row: SpeedupRow) => number): Record<string, unknown> {
  return {
    type: "data",
    symmetric: false,
    array: rows.map((row) => (row.speedupHigh - row.speedup) / per(row)),
    arrayminus: rows.map((row) => (row.speedup - row.speedupLow) / per(row)),
    thickness: 1,
    width: 4,
  };
}

/**
 * Plots speedup (top) and efficiency (bottom) against threads. Its text
 * fallback is the table threads | median ms | speedup | efficiency and the
 * fit; the returned figure carries the same numbers (SpeedupStats).
 */
export function speedupPlot(data: SpeedupData): SpeedupFigure {
  const stats = speedupStats(data);
  const { rows, cores, serialFraction: f } = stats;
  const most = stats.threads[stats.threads.length - 1]!;
  const xMax = most + 0.5;
  const grid = Array.from({ length: 101 }, (_, i) => 1 + ((most - 1) * i) / 100);
  const speedupTop = 1.08 * Math.max(most, ...rows.map((row) => row.speedupHigh));
  const efficiencyTop = 1.08 * Math.max(1, ...rows.map((row) => row.speedupHigh / row.threads));

  const measuredHover = rows.map(
    (row) =>
      `<b>${row.threads} thread${row.threads === 1 ? "" : "s"}</b>: median ${row.medianMs.toFixed(1)} ms of ${row.runs} run${row.runs === 1 ? "" : "s"}` +
      `<br>speedup ${times(row.speedup)} (runs ${times(row.speedupLow)}-${times(row.speedupHigh)}), efficiency ${percent(row.efficiency)}` +
      (row.oversubscribed ? `<br>more threads than the ${cores} cores: they take turns on them` : ""),
  );
  const line = (name: string, x: number[], y: number[], colour: string, dash: string, extra: Record<string, unknown> = {}) => ({
    type: "scatter",
    mode: "lines",
    name,
    x,
    y,
    line: { color: colour, dash, width: 1.5 },
    xaxis: "x",
    yaxis: "y",
    ...extra,
  });

  const traces: Array<Record<string, unknown>> = [
    line("ideal: S(n) = n", [1, most], [1, most], COLOURS.ideal, "dash", { hovertemplate: "ideal: %{y:.0f}x with %{x:.0f} threads<extra></extra>", legendgroup: "ideal" }),
    line("ideal efficiency", [1, most], [1, 1], COLOURS.ideal, "dash", { yaxis: "y2", showlegend: false, hoverinfo: "skip", legendgroup: "ideal" }),
  ];
  if (f !== undefined) {
    const amdahl = grid.map((n) => amdahlSpeedup(f, n));
    const name = `Amdahl fit: serial fraction f = ${f.toFixed(3)}`;
    traces.push(
      line(name, grid, amdahl, COLOURS.amdahl, "solid", { hovertemplate: "Amdahl: %{y:.2f}x at n = %{x:.1f}<br>S(n) = 1/(f + (1-f)/n)<extra></extra>", legendgroup: "amdahl" }),
      line(name, grid, amdahl.map((s, i) => s / grid[i]!), COLOURS.amdahl, "solid", { yaxis: "y2", showlegend: false, hovertemplate: "Amdahl: efficiency %{y:.0%}<extra></extra>", legendgroup: "amdahl" }),
    );
    if (f > 0 && 1 / f <= speedupTop) {
      traces.push(line(`Amdahl limit 1/f = ${times(1 / f)}`, [0.5, xMax], [1 / f, 1 / f], COLOURS.amdahl, "dot", { hovertemplate: "no thread count can pass %{y:.2f}x<extra></extra>", legendgroup: "amdahl" }));
    }
    traces.push(
      line("Gustafson: n - f(n-1), if the problem grew with n", grid, grid.map((n) => gustafsonSpeedup(f, n)), COLOURS.gustafson, "dashdot", {
        hovertemplate: "Gustafson (scaled speedup): if the problem grew with n,<br>%{x:.1f} threads would do %{y:.2f}x the work in the same time<extra></extra>",
      }),
    );
  }
  traces.push(
    {
      type: "scatter",
      mode: "lines+markers",
      name: "measured (median; bars: fastest to slowest run)",
      x: stats.threads,
      y: stats.speedups,
      error_y: spread(rows, () => 1),
      marker: { color: COLOURS.measured, size: 8 },
      line: { color: COLOURS.measured },
      hovertext: measuredHover,
      hoverinfo: "text",
      legendgroup: "measured",
      xaxis: "x",
      yaxis: "y",
    },
    {
      type: "scatter",
      mode: "lines+markers",
      name: "measured efficiency",
      x: stats.threads,
      y: stats.efficiencies,
      error_y: spread(rows, (row) => row.threads),
      marker: { color: COLOURS.measured, size: 8 },
      line: { color: COLOURS.measured },
      hovertext: measuredHover,
      hoverinfo: "text",
      showlegend: false,
      legendgroup: "measured",
      xaxis: "x",
      yaxis: "y2",
    },
  );

  const shapes: Array<Record<string, unknown>> = [];
  const annotations: Array<Record<string, unknown>> = [];
  if (cores <= most) {
    shapes.push({ type: "line", xref: "x", yref: "paper", x0: cores, x1: cores, y0: 0, y1: 1, line: { color: COLOURS.cores, width: 1, dash: "dot" } });
    annotations.push({ xref: "x", yref: "paper", x: cores, y: 1, yanchor: "bottom", text: `${cores} core${cores === 1 ? "" : "s"}`, showarrow: false });
  }
  if (most > cores) {
    shapes.push({ type: "rect", layer: "below", xref: "x", yref: "paper", x0: cores, x1: xMax, y0: 0, y1: 1, fillcolor: COLOURS.oversubscribed, opacity: 0.08, line: { width: 0 } });
    annotations.push({
      xref: "x",
      yref: "paper",
      x: (cores + xMax) / 2,
      // Low in the speedup panel: the measured points sit above it, the model curves rise away from it.
      y: 0.4,
      yanchor: "bottom",
      bgcolor: "rgba(255,255,255,0.7)",
      showarrow: false,
      text: "more threads than cores:<br>CPU-bound work is time-sliced,<br>it cannot get faster here",
      font: { size: 11, color: COLOURS.oversubscribed },
    });
  }

  const subtitle =
    cores > most
      ? `${cores} cores available; ${most} thread${most === 1 ? "" : "s"} measured at most`
      : `${cores} core${cores === 1 ? "" : "s"} available`;
  const spec = {
    data: traces,
    layout: {
      title: `Speedup of ${data.label}<br><sub>${subtitle}; ${describeFit(stats)}</sub>`,
      height: 600,
      margin: { t: 100, b: 140 },
      hovermode: "closest",
      legend: { orientation: "h", x: 0, y: -0.2, yanchor: "top" },
      xaxis: { title: "threads", anchor: "y2", range: [0.5, xMax], tickvals: stats.threads, zeroline: false },
      yaxis: { domain: [0.38, 1], title: "speedup T(1)/T(n)", range: [0, speedupTop], ticksuffix: "x" },
      yaxis2: { domain: [0, 0.28], anchor: "x", title: "efficiency S(n)/n", range: [0, efficiencyTop], tickformat: ".0%" },
      shapes,
      annotations,
    },
  };
  return figureWithSummary(spec, describeSpeedup(data.label, stats), stats);
}
