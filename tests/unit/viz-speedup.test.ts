import { describe, expect, test } from "vitest";
import { amdahlSpeedup } from "../../runtime/core/scaling.js";
import type { SpeedupData } from "../../runtime/core/trace.js";
import { JUPYTER_DISPLAY } from "../../runtime/viz/kernel-bridge.js";
import { PLOTLY_MIME } from "../../runtime/viz/plotly.js";
import { speedupPlot } from "../../runtime/viz/speedup-plot.js";

type Trace = Record<string, unknown>;
type Layout = { title: string; shapes: Trace[]; annotations: Trace[]; xaxis: Trace; yaxis: Trace };

/** Measured on 2 cores, listed out of order: 4 threads time-slice on 2 cores and are no faster than 2. */
const twoCores: SpeedupData = {
  label: "sum of squares",
  cores: 2,
  points: [
    { threads: 4, runsMs: [51, 50, 60], medianMs: 51 },
    { threads: 1, runsMs: [100, 102, 98], medianMs: 100 },
    // A slow outlier: the median (52), not the mean (64), is what counts.
    { threads: 2, runsMs: [50, 52, 90], medianMs: 52 },
  ],
};

const trace = (data: Trace[], name: RegExp) => data.find((t) => name.test(String(t.name)));

describe("speedup and efficiency", () => {
  const plot = speedupPlot(twoCores);

  test("are computed from the median times against the 1-thread median, sorted by threads", () => {
    expect(plot.threads).toEqual([1, 2, 4]);
    expect(plot.speedups).toEqual([1, 100 / 52, 100 / 51]);
    expect(plot.efficiencies).toEqual([1, 100 / 52 / 2, 100 / 51 / 4]);
    const measured = trace(plot.data, /^measured/)!;
    expect(measured.x).toEqual([1, 2, 4]);
    expect(measured.y).toEqual(plot.speedups);
    expect(trace(plot.data, /^measured efficiency/)!.y).toEqual(plot.efficiencies);
  });

  test("error bars reach from the slowest to the fastest run", () => {
    const errors = trace(plot.data, /^measured/)!.error_y as { array: number[]; arrayminus: number[] };
    expect(errors.array[1]).toBeCloseTo(100 / 50 - 100 / 52, 12);
    expect(errors.arrayminus[1]).toBeCloseTo(100 / 52 - 100 / 90, 12);
    const efficiencyErrors = trace(plot.data, /^measured efficiency/)!.error_y as { array: number[] };
    expect(efficiencyErrors.array[2]).toBeCloseTo((100 / 50 - 100 / 51) / 4, 12);
  });

  test("the ideal line runs from 1x at 1 thread to nx at the most threads measured", () => {
    const ideal = trace(plot.data, /^ideal: S\(n\) = n/)!;
    expect([ideal.x, ideal.y]).toEqual([
      [1, 4],
      [1, 4],
    ]);
  });

  test("missing the 1-thread baseline or a non-positive time is a TypeError that says so", () => {
    expect(() => speedupPlot({ label: "x", cores: 2, points: [{ threads: 2, runsMs: [5], medianMs: 5 }] })).toThrow(/threads = 1.*got thread counts: 2/);
    expect(() => speedupPlot({ label: "x", cores: 2, points: [{ threads: 1, runsMs: [], medianMs: 0 }] })).toThrow(TypeError);
    expect(() => speedupPlot({ label: "x", cores: 0, points: [{ threads: 1, runsMs: [1], medianMs: 1 }] })).toThrow(/cores/);
  });
});

describe("honest about cores", () => {
  test("a vertical line marks the cores, and the region past them says more threads cannot help CPU-bound work", () => {
    const layout = speedupPlot(twoCores).layout as Layout;
    expect(layout.shapes).toContainEqual(expect.objectContaining({ type: "line", x0: 2, x1: 2, yref: "paper" }));
    expect(layout.shapes).toContainEqual(expect.objectContaining({ type: "rect", x0: 2, x1: 4.5 }));
    expect(layout.annotations.map((a) => a.text)).toContain("2 cores");
    expect(layout.annotations.some((a) => /more threads than cores.*time-sliced/s.test(String(a.text)))).toBe(true);
  });

  test("when every thread count fits on the cores there is no such warning", () => {
    const onFour = speedupPlot({ ...twoCores, cores: 4 });
    const layout = onFour.layout as Layout;
    expect(layout.shapes.map((s) => s.type)).toEqual(["line"]);
    expect(layout.annotations.map((a) => a.text)).toEqual(["4 cores"]);
    expect(onFour[JUPYTER_DISPLAY]()["text/plain"]).not.toContain("more threads than cores");
  });

  test("the Amdahl fit leaves out thread counts above the cores, where time-slicing and not the serial part limits speedup", () => {
    const plot = speedupPlot(twoCores);
    expect(plot.fittedThreads).toEqual([2]);
    // Only 2 threads: 1/S = 0.52 = f + (1 - f)/2.
    expect(plot.serialFraction).toBeCloseTo(0.04, 12);
    expect(plot.amdahlLimit).toBeCloseTo(25, 9);
    // Fitting 4 threads too would have blamed the serial part: f = 0.25.
    expect(speedupPlot({ ...twoCores, cores: 4 }).serialFraction).toBeGreaterThan(0.15);
  });

  test("on one core there is no fit, and the plot says why instead of reporting f = 1", () => {
    const oneCore = speedupPlot({ ...twoCores, cores: 1 });
    expect(oneCore.serialFraction).toBeUndefined();
    expect(oneCore.data.some((t) => /Amdahl|Gustafson/.test(String(t.name)))).toBe(false);
    expect(oneCore[JUPYTER_DISPLAY]()["text/plain"]).toContain("No Amdahl fit: on 1 core");
  });
});

describe("Amdahl and Gustafson curves", () => {
  /** Exact Amdahl times for f = 0.3 on 8 cores. */
  const exact: SpeedupData = {
    label: "exact",
    cores: 8,
    points: [1, 2, 4, 8].map((threads) => {
      const ms = 800 / amdahlSpeedup(0.3, threads);
      return { threads, runsMs: [ms], medianMs: ms };
    }),
  };

  test("the fit recovers f, its curve passes through the measurements, and its limit 1/f is drawn", () => {
    const plot = speedupPlot(exact);
    expect(plot.serialFraction).toBeCloseTo(0.3, 12);
    const amdahl = trace(plot.data, /^Amdahl fit: serial fraction f = 0\.300$/)!;
    const x = amdahl.x as number[];
    const y = amdahl.y as number[];
    expect(x[0]).toBe(1);
    expect(x[x.length - 1]).toBe(8);
    expect(y[y.length - 1]).toBeCloseTo(plot.speedups[3]!, 9);
    const limit = trace(plot.data, /^Amdahl limit 1\/f = 3\.33x$/)!;
    expect(limit.y).toEqual([1 / 0.3, 1 / 0.3]);
  });

  test("Gustafson uses the same f and is labelled as what happens if the problem grew with n", () => {
    const gustafson = trace(speedupPlot(exact).data, /^Gustafson/)!;
    expect(String(gustafson.name)).toContain("if the problem grew with n");
    const x = gustafson.x as number[];
    const y = gustafson.y as number[];
    expect(y[y.length - 1]).toBeCloseTo(8 - 0.3 * 7, 9);
    expect(y[0]).toBeCloseTo(1, 12);
    expect(x).toHaveLength(101);
  });

  test("a limit far above the measured range is not drawn, so it does not flatten the chart", () => {
    const small = speedupPlot({ ...exact, points: exact.points.map((p) => ({ ...p, medianMs: 800 / amdahlSpeedup(0.01, p.threads), runsMs: [] })) });
    expect(small.serialFraction).toBeCloseTo(0.01, 9);
    expect(trace(small.data, /^Amdahl limit/)).toBeUndefined();
    expect(small[JUPYTER_DISPLAY]()["text/plain"]).toContain("speedup limit 1/f = 100.00x");
  });
});

test("the text fallback is a table of threads, median ms, speedup and efficiency, then the fit", () => {
  const bundle = speedupPlot(twoCores)[JUPYTER_DISPLAY]();
  expect(bundle["text/plain"]).toBe(
    [
      "Speedup of sum of squares (2 cores available)",
      "threads | median ms | speedup | efficiency",
      "      1 |     100.0 |   1.00x |       100%",
      "      2 |      52.0 |   1.92x |        96%",
      "      4 |      51.0 |   1.96x |        49%  more threads than cores",
      "Amdahl fit on 2 threads: serial fraction f = 0.040, speedup limit 1/f = 25.00x",
      "Gustafson with the same f: 1.96x at 2 threads, if the problem grew with the thread count",
    ].join("\n"),
  );
  expect(bundle[PLOTLY_MIME]).toBeDefined();
  expect((bundle[PLOTLY_MIME] as { layout: { title: { text: string } } }).layout.title.text).toMatch(/^Speedup of sum of squares<br><sub>2 cores available/);
});
