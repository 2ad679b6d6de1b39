import { describe, expect, test } from "vitest";
import type { CheckVerdict, HistoryOperation, RunRecord } from "../../runtime/core/history.js";
import { JUPYTER_DISPLAY } from "../../runtime/viz/kernel-bridge.js";
import { OUTCOME_COLOURS, operationTimeline, TIMELINE_MERGE_ABOVE_OPS, WITNESS_COLOUR } from "../../runtime/viz/run-timeline.js";

type Trace = Record<string, unknown>;

/**
 * A register x over 100 ms, three clients (c3 idle). c1 writes 1 then 2; c2
 * reads 1 after the write of 2 completed (stale: the witness is ops 1 and 2);
 * c2's cas fails; c1's last write times out (info); c2's last read is still
 * pending at the end.
 */
const history: HistoryOperation[] = [
  { id: 0, client: "c1", f: "write", key: "x", input: 1, outcome: "ok", invokeMs: 0, completeMs: 10, node: "n1" },
  { id: 1, client: "c1", f: "write", key: "x", input: 2, outcome: "ok", invokeMs: 12, completeMs: 20, node: "n1" },
  { id: 2, client: "c2", f: "read", key: "x", output: 1, outcome: "ok", invokeMs: 25, completeMs: 30, node: "n2" },
  { id: 3, client: "c2", f: "cas", key: "x", input: [5, 6], outcome: "fail", error: "precondition-failed", invokeMs: 32, completeMs: 40 },
  { id: 4, client: "c1", f: "write", key: "x", input: 3, outcome: "info", error: "timeout", invokeMs: 50, completeMs: 60 },
  { id: 5, client: "c2", f: "read", key: "x", invokeMs: 70 },
];
const run: RunRecord = { nodes: ["n1", "n2"], clients: ["c1", "c2", "c3"], messages: [], events: [], history, replay: "pardis sim --seed 7 --loss 0.1", endMs: 100 };
const bad: CheckVerdict = {
  checker: "linearizability",
  ok: false,
  anomaly: "nonlinearizable",
  message: "read(x) returned 1 after write(x) 2 completed",
  witness: [1, 2],
};

const byName = (fig: { data: Trace[] }, prefix: string) => fig.data.find((t) => String(t.name).startsWith(prefix));
const bars = (t: Trace | undefined) => (t ? (t.y as string[]).map((lane, i) => [lane, (t.base as number[])[i], (t.x as number[])[i]] as const) : []);

describe("operation timeline", () => {
  const fig = operationTimeline(run, bad);
  const layout = fig.layout as Record<string, Record<string, unknown>> & { title: string };

  test("one lane per client, idle clients included, in the run's order", () => {
    expect(fig.lanes).toEqual(["c1", "c2", "c3"]);
    expect(layout.yaxis!.categoryarray).toEqual(["c1", "c2", "c3"]);
  });

  test("a bar per operation from invocation to completion, one trace per outcome in its own colour", () => {
    expect(bars(byName(fig, "ok"))).toEqual([
      ["c1", 0, 10],
      ["c1", 12, 8],
      ["c2", 25, 5],
    ]);
    expect(bars(byName(fig, "fail"))).toEqual([["c2", 32, 8]]);
    expect((byName(fig, "ok")!.marker as { color: string }).color).toBe(OUTCOME_COLOURS.ok);
    expect((byName(fig, "fail")!.marker as { color: string }).color).toBe(OUTCOME_COLOURS.fail);
  });

  test("info and pending operations run to the end of the run, faded and outlined", () => {
    expect(bars(byName(fig, "info"))).toEqual([["c1", 50, 50]]);
    expect(bars(byName(fig, "pending"))).toEqual([["c2", 70, 30]]);
    for (const name of ["info", "pending"]) {
      const trace = byName(fig, name)!;
      expect(trace.opacity).toBeLessThan(1);
      expect((trace.marker as { line: { width: number } }).line.width).toBeGreaterThan(0);
    }
    expect(byName(fig, "ok")!.opacity).toBeUndefined();
    // Underneath the certain ones and thinner, so a client's later operations are not hidden by an uncertain one.
    const order = fig.data.map((t) => String(t.name).split(" ")[0]);
    expect(order.indexOf("info")).toBeLessThan(order.indexOf("ok"));
    expect(order.indexOf("pending")).toBeLessThan(order.indexOf("ok"));
    expect((byName(fig, "info")!.width as number[])[0]).toBeLessThan(1 - (fig.layout as { bargap: number }).bargap);
    expect((byName(fig, "ok")!.marker as { line: { width: number } }).line.width).toBe(0);
  });

  test("bars are labelled f(key) input → output", () => {
    expect(byName(fig, "ok")!.text).toEqual(["write(x) 1 → ok", "write(x) 2 → ok", "read(x) → 1"]);
    expect(byName(fig, "fail")!.text).toEqual(["cas(x) [5,6] → fail: precondition-failed"]);
    expect(byName(fig, "info")!.text).toEqual(["write(x) 3 → ? timeout"]);
    expect(byName(fig, "pending")!.text).toEqual(["read(x) → …"]);
    expect((byName(fig, "info")!.hovertext as string[])[0]).toContain("completed 60.0 ms");
  });

  test("the verdict is in the title and the witness operations are outlined in red on top", () => {
    expect(layout.title).toContain("✗ nonlinearizable: read(x) returned 1 after write(x) 2 completed");
    const witness = fig.data[fig.data.length - 1]!;
    expect(witness.name).toBe("witness (2 operations)");
    expect(bars(witness)).toEqual([
      ["c1", 12, 8],
      ["c2", 25, 5],
    ]);
    expect((witness.marker as { line: { color: string; width: number } }).line).toEqual({ color: WITNESS_COLOUR, width: 3 });
    expect(fig.witness.map((op) => op.id)).toEqual([1, 2]);
  });

  test("text/plain: the verdict, the witness operations one per line and the replay line", () => {
    expect(fig[JUPYTER_DISPLAY]()["text/plain"]).toBe(
      [
        "Operations of 3 clients: 6 operations (3 ok, 1 fail, 1 info, 1 pending)",
        "✗ nonlinearizable: read(x) returned 1 after write(x) 2 completed  [linearizability]",
        "witness (2 operations):",
        "  #1 c1 write(x) 2 → ok  [12.0 ms → 20.0 ms] via n1",
        "  #2 c2 read(x) → 1  [25.0 ms → 30.0 ms] via n2",
        "replay: pardis sim --seed 7 --loss 0.1",
      ].join("\n"),
    );
  });

  test("a passing verdict reads ✓ and outlines nothing; without a verdict the title is just the header", () => {
    const good = operationTimeline(run, { checker: "linearizability", ok: true, message: "6 operations linearizable" });
    expect((good.layout as { title: string }).title).toContain("✓ linearizability: 6 operations linearizable");
    expect(byName(good, "witness")).toBeUndefined();
    expect(good[JUPYTER_DISPLAY]()["text/plain"]).not.toContain("replay");
    const plain = operationTimeline(run);
    expect((plain.layout as { title: string }).title).toBe("Operations of 3 clients: 6 operations");
    const unsure = operationTimeline(run, { checker: "linearizability", ok: false, unknown: true, message: "search too large" });
    expect((unsure.layout as { title: string }).title).toContain("? linearizability could not decide: search too large");
  });
});

test("a run result carrying its record as `record` draws the same timeline", () => {
  expect(operationTimeline({ record: run }, bad).data).toEqual(operationTimeline(run, bad).data);
});

describe("large histories", () => {
  test(`above ${TIMELINE_MERGE_ABOVE_OPS} operations neighbours merge, labels go, the witness stays its own bar, and the title says so`, () => {
    const ops = Array.from({ length: 10_000 }, (_, id): HistoryOperation => ({
      id,
      client: `c${id % 2}`,
      f: "read",
      key: "x",
      output: 0,
      outcome: "ok",
      invokeMs: Math.floor(id / 2),
      completeMs: Math.floor(id / 2) + 1,
    }));
    const big: RunRecord = { nodes: ["n1"], clients: ["c0", "c1"], messages: [], events: [], history: ops, endMs: 5000 };
    const fig = operationTimeline(big, { checker: "linearizability", ok: false, anomaly: "nonlinearizable", message: "stale read", witness: [4242] });
    expect(bars(byName(fig, "ok"))).toEqual([
      ["c0", 0, 5000],
      ["c1", 0, 5000],
    ]);
    expect(byName(fig, "ok")!.text).toBeUndefined();
    expect(bars(byName(fig, "witness"))).toEqual([["c0", 2121, 1]]);
    expect((fig.layout as { title: string }).title).toMatch(/10000 operations drawn as 2 bars/);
  });
});
