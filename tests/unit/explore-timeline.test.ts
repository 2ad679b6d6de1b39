/**
 * A failure drawn as per-thread lanes (plotly): every logged operation is a
 * marker on its thread's lane at its step, sections, held locks and sleeps are
 * bars, and the violation is a red line at its step with crosses on the steps
 * involved. Results, replays and failures display in a notebook through it.
 */
import { describe, expect, test } from "vitest";
import { explore, formatExploration, formatExploreFailure, replaySchedule, type ExploreFailure } from "../../runtime/explore/index.js";
import { JUPYTER_DISPLAY } from "../../runtime/viz/kernel-bridge.js";
import { PLOTLY_MIME } from "../../runtime/viz/plotly.js";
import { explorationBundle, explorationView, scheduleTimeline, scheduleTimelineSpec } from "../../runtime/viz/schedule-timeline.js";
import { atomicCounter, condVarProgram, lockOrder, semaphoreProgram } from "./explore-fixtures.js";

type Trace = { name: string; x: Array<number | null>; y: Array<string | null>; text?: Array<string | null>; hovertext?: string[]; mode: string };
type Layout = { shapes: Array<Record<string, unknown>>; annotations: Array<{ text: string }>; yaxis: { categoryarray: string[] }; title: string };

async function firstFailure(kind: string, make: () => Promise<{ failures: ExploreFailure[] }>): Promise<ExploreFailure> {
  const failure = (await make()).failures.find((f) => f.kind === kind);
  expect(failure).toBeDefined();
  return failure!;
}

describe("the timeline of an over-admitting semaphore", async () => {
  const failure = await firstFailure("mutual-exclusion", () => explore(semaphoreProgram("check-then-decrement"), { strategy: "pct", seed: 4, runs: 300 }));
  const spec = scheduleTimelineSpec(failure);
  const traces = spec.data as unknown as Trace[];
  const layout = spec.layout as unknown as Layout;

  test("one lane per thread, T0 on top", () => {
    expect(layout.yaxis.categoryarray).toEqual(["T0", "T1", "T2"]);
  });

  test("every logged event is a marker on its thread's lane, at its step", () => {
    const markers = traces.filter((t) => t.mode.startsWith("markers") && t.name !== failure.kind);
    const points = markers.flatMap((t) => t.x.map((x, i) => ({ x: x!, lane: t.y[i]!, text: t.hovertext![i]! })));
    expect(points).toHaveLength(failure.events.length);
    for (const event of failure.events) {
      expect(points.some((p) => p.lane === `T${event.thread}` && Math.floor(p.x) === event.step && p.text.endsWith(event.text))).toBe(true);
    }
    expect(markers.map((t) => t.name)).toContain("atomic");
    // Few steps: each marker also carries a short label.
    expect(markers.find((t) => t.name === "atomic")!.text).toContain("load permits");
  });

  test("time inside the section is a bar per thread, open to the end for threads still inside", () => {
    const inside = traces.find((t) => t.name === "inside a section")!;
    const lanes = inside.y.filter((y): y is string => y !== null);
    expect(new Set(lanes)).toEqual(new Set(["T0", "T1", "T2"]));
    expect(inside.text!.filter((t) => t?.endsWith("(until the end)")).length).toBeGreaterThan(0);
  });

  test("the violation: a red dashed line at its step, crosses on the threads inside, the message on top", () => {
    expect(layout.shapes).toContainEqual(expect.objectContaining({ type: "line", x0: failure.step, x1: failure.step }));
    const crosses = traces.find((t) => t.name === "mutual-exclusion")!;
    expect(crosses.x.every((x) => Math.floor(x!) === failure.step)).toBe(true);
    expect(layout.annotations[0]!.text).toContain("3 threads inside section");
    expect(layout.title).toContain(`seed ${failure.seed}`);
  });
});

describe("other shapes", () => {
  test("a lost wake-up: the sleeping thread has a dotted line to the end, and the wasted notify is crossed", async () => {
    const failure = await firstFailure("lost-wakeup", () => explore(condVarProgram("constant"), { strategy: "exhaustive" }));
    const traces = scheduleTimelineSpec(failure).data as unknown as Trace[];
    const asleep = traces.find((t) => t.name === "asleep in wait")!;
    expect(asleep.text).toContain("T0 asleep on seq (until the end)");
    const crosses = traces.find((t) => t.name === "lost-wakeup")!;
    const crossed = crosses.hovertext!.map((t) => t.replace(/^step \d+, /, ""));
    expect(crossed).toEqual(expect.arrayContaining(["T1: notify seq 1 → 0", "T0: wait seq == 0 → sleeps"]));
  });

  test("a deadlock: each thread holds a lock to the end", async () => {
    const failure = await firstFailure("deadlock", () => explore(lockOrder(false), { strategy: "exhaustive" }));
    const held = (scheduleTimelineSpec(failure).data as unknown as Trace[]).find((t) => t.name === "holding a lock")!;
    expect(held.text).toEqual(expect.arrayContaining(["T0 holds a (until the end)", "T1 holds b (until the end)"]));
  });

  test("a replay without failures draws its operations and no violation", async () => {
    const report = await replaySchedule(atomicCounter(2, 1), "1 0");
    const spec = scheduleTimelineSpec(report);
    expect((spec.layout as unknown as Layout).shapes).toEqual([]);
    expect((spec.data as unknown as Trace[]).map((t) => t.name)).toEqual(["atomic", "note / assert / throw"]);
  });
});

describe("display in a notebook", () => {
  test("scheduleTimeline is a displayable plotly figure", async () => {
    const failure = await firstFailure("deadlock", () => explore(lockOrder(false), { strategy: "exhaustive" }));
    const bundle = (scheduleTimeline(failure) as unknown as Record<symbol, () => Record<string, unknown>>)[JUPYTER_DISPLAY]!();
    expect(bundle[PLOTLY_MIME]).toBeDefined();
  });

  test("a failing exploration shows the timeline of its first failure, with the summary as text", async () => {
    const result = await explore(semaphoreProgram("check-then-decrement"), { strategy: "random", seed: 3, runs: 100 });
    const bundle = explorationBundle(result);
    expect(bundle["text/plain"]).toBe(formatExploration(result));
    expect(bundle[PLOTLY_MIME]).toBeDefined();
    expect(bundle["text/html"]).toContain("mutual-exclusion");
    const view = explorationView(result);
    expect(view).toBe(result);
    expect((view as unknown as Record<symbol, () => Record<string, unknown>>)[JUPYTER_DISPLAY]!()[PLOTLY_MIME]).toBeDefined();
  });

  test("a passing exploration shows text only; a failure shows its interleaving table", async () => {
    const ok = await explore(atomicCounter(2, 1), { strategy: "exhaustive" });
    expect(explorationBundle(ok)[PLOTLY_MIME]).toBeUndefined();
    const failure = await firstFailure("deadlock", () => explore(lockOrder(false), { strategy: "exhaustive" }));
    expect(explorationBundle(failure)["text/plain"]).toBe(formatExploreFailure(failure));
  });
});
