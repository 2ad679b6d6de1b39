import { describe, expect, test } from "vitest";
import type { MessageRecord, RunRecord } from "../../runtime/core/history.js";
import { JUPYTER_DISPLAY } from "../../runtime/viz/kernel-bridge.js";
import { FAULT_COLOUR, LAMPORT_SAMPLE_ABOVE, lamportDiagram, ordinal } from "../../runtime/viz/lamport.js";
import { PLOTLY_MIME } from "../../runtime/viz/plotly.js";

type Trace = Record<string, unknown>;

/**
 * Three nodes and a client over 100 ms. c1 writes through n1, which replicates
 * to n2 and n3; n3 crashes at 40 and restarts at 70; a partition {n1 n2} | {n3}
 * holds from 50 to 80; n2 is paused from 85 to 90.
 */
const messages: MessageRecord[] = [
  { id: 1, src: "c1", dest: "n1", type: "write", body: { key: "x", value: 5 }, sentMs: 1, deliveredMs: 3 },
  { id: 2, src: "n1", dest: "n2", type: "replicate", body: { value: 5 }, sentMs: 4, deliveredMs: 9 },
  { id: 3, src: "n1", dest: "n3", type: "replicate", body: { value: 5 }, sentMs: 4, deliveredMs: 11 },
  { id: 4, src: "n2", dest: "n1", type: "ack", body: {}, sentMs: 10, deliveredMs: 14 },
  { id: 5, src: "n3", dest: "n1", type: "ack", body: {}, sentMs: 12, fault: "loss" },
  { id: 6, src: "n1", dest: "n3", type: "replicate", body: { value: 6 }, sentMs: 45, fault: "crashed" },
  { id: 7, src: "n1", dest: "n3", type: "replicate", body: { value: 7 }, sentMs: 60, fault: "partition" },
  { id: 8, src: "n2", dest: "n1", type: "ack", body: {}, sentMs: 20, deliveredMs: 24, fault: "duplicate", duplicateOf: 4 },
  { id: 9, src: "n1", dest: "c1", type: "write_ok", body: {}, sentMs: 15, deliveredMs: 16 },
];
const run: RunRecord = {
  nodes: ["n1", "n2", "n3"],
  clients: ["c1"],
  messages,
  events: [
    { atMs: 40, kind: "crash", node: "n3" },
    { atMs: 50, kind: "partition", groups: [["n1", "n2"], ["n3"]] },
    { atMs: 70, kind: "restart", node: "n3" },
    { atMs: 80, kind: "heal" },
    { atMs: 85, kind: "pause", node: "n2" },
    { atMs: 90, kind: "resume", node: "n2" },
    { atMs: 91, kind: "log", node: "n1", detail: "became leader" },
  ],
  history: [],
  replay: "pardis sim --seed 42",
  endMs: 100,
};

const byName = (fig: { data: Trace[] }, prefix: string) => fig.data.find((t) => String(t.name).startsWith(prefix));
/** The segments of a trace as [x0, y0, x1, y1], read from its null-separated points. */
function segments(trace: Trace | undefined): Array<[number, number, number, number]> {
  if (!trace) return [];
  const x = trace.x as Array<number | null>;
  const y = trace.y as Array<number | null>;
  const out: Array<[number, number, number, number]> = [];
  for (let i = 0; i + 1 < x.length; i += 3) {
    expect(x[i + 2]).toBeNull();
    out.push([x[i]!, y[i]!, x[i + 1]!, y[i + 1]!]);
  }
  return out;
}

describe("lamport diagram", () => {
  const fig = lamportDiagram(run);
  const layout = fig.layout as Record<string, Record<string, unknown>>;
  const lane = (name: string) => (layout.yaxis!.ticktext as string[]).indexOf(name);

  test("one lane per node then per client, labelled on the y axis, the first at the top", () => {
    expect(fig.lanes).toEqual(["n1", "n2", "n3", "c1"]);
    expect(layout.yaxis!.ticktext).toEqual(["n1", "n2", "n3", "c1"]);
    expect(layout.yaxis!.tickvals).toEqual([0, 1, 2, 3]);
    const [bottom, top] = layout.yaxis!.range as number[];
    expect(bottom!).toBeGreaterThan(top!);
  });

  test("each delivered message is a segment from (sent, source lane) to (delivered, destination lane), one trace per type", () => {
    expect(segments(byName(fig, "replicate"))).toEqual([
      [4, lane("n1"), 9, lane("n2")],
      [4, lane("n1"), 11, lane("n3")],
    ]);
    expect(segments(byName(fig, "write_ok"))).toEqual([[15, lane("n1"), 16, lane("c1")]]);
    expect(segments(byName(fig, "ack"))).toEqual([[10, lane("n2"), 14, lane("n1")]]);
    // Arrowheads at the delivery end only.
    expect((byName(fig, "replicate")!.marker as { size: number[] }).size.slice(0, 2)).toEqual([0, 9]);
  });

  test("types get different colours and the hover names the type, the endpoints and the times", () => {
    const colours = ["write", "replicate", "ack"].map((t) => (fig.data.find((d) => d.name === t)!.line as { color: string }).color);
    expect(new Set(colours).size).toBe(3);
    const hover = (byName(fig, "replicate")!.hovertext as string[])[0]!;
    expect(hover).toContain("replicate");
    expect(hover).toContain("n1 → n2");
    expect(hover).toContain("delivered 9.0 ms");
  });

  test("dropped messages stop short in a red ✕ and say why in the hover", () => {
    const dropped = byName(fig, "dropped")!;
    expect(dropped.name).toBe("dropped (1 crashed, 1 loss, 1 partition)");
    const drawn = segments(dropped);
    expect(drawn.map(([x0, y0]) => [x0, y0])).toEqual([
      [12, lane("n3")],
      [45, lane("n1")],
      [60, lane("n1")],
    ]);
    // Ends before any delivery would have, half way between the lanes.
    for (const [x0, y0, x1, y1] of drawn) {
      expect(x1).toBeGreaterThan(x0);
      expect(x1 - x0).toBeLessThan(5);
      expect(y1).not.toBe(y0);
    }
    expect((dropped.marker as { symbol: string; color: string }).symbol).toBe("x");
    expect((dropped.marker as { color: string }).color).toBe(FAULT_COLOUR);
    const hovers = dropped.hovertext as string[];
    expect(hovers[0]).toContain("dropped: loss");
    expect(hovers[3]).toContain("dropped: crashed");
    expect(hovers[6]).toContain("dropped: partition");
  });

  test("duplicates are drawn dashed in their own trace and say what they duplicate", () => {
    const dup = byName(fig, "duplicate")!;
    expect(segments(dup)).toEqual([[20, lane("n2"), 24, lane("n1")]]);
    expect((dup.line as { dash: string }).dash).toBe("dash");
    expect((dup.hovertext as string[])[0]).toContain("duplicate of #4");
    // Not counted again among the acks.
    expect(segments(byName(fig, "ack"))).toHaveLength(1);
  });

  test("a crash is a ✕ on its lane, the lane is dashed until the restart, and the restart is marked", () => {
    const crash = byName(fig, "crash")!;
    expect([crash.x, crash.y]).toEqual([[40], [lane("n3")]]);
    expect((crash.marker as { symbol: string }).symbol).toMatch(/^x/);
    expect(segments(byName(fig, "node down"))).toEqual([[40, lane("n3"), 70, lane("n3")]]);
    expect((byName(fig, "node down")!.line as { dash: string }).dash).toBe("dash");
    expect([byName(fig, "restart")!.x, byName(fig, "restart")!.y]).toEqual([[70], [lane("n3")]]);
    // The solid lane of n3 leaves the gap.
    const up = segments(byName(fig, "lane")).filter(([, y]) => y === lane("n3"));
    expect(up).toEqual([
      [0, 2, 40, 2],
      [70, 2, 95.55, 2],
    ]);
  });

  test("a pause shows as a dotted lane between pause and resume", () => {
    expect(segments(byName(fig, "node paused"))).toEqual([[85, lane("n2"), 90, lane("n2")]]);
  });

  test("a partition is a shaded band over its time, with the groups in the hover above it", () => {
    const shapes = layout.shapes as unknown as Array<Record<string, unknown>>;
    expect(shapes.map((s) => [s.type, s.x0, s.x1, s.yref])).toEqual([["rect", 50, 80, "paper"]]);
    const marker = byName(fig, "partition")!;
    expect(marker.x).toEqual([65]);
    expect((marker.hovertext as string[])[0]).toContain("{n1 n2} | {n3}");
  });

  test("the text fallback counts messages by type and fault and lists events, without the log lines", () => {
    const text = fig[JUPYTER_DISPLAY]()["text/plain"] as string;
    expect(text).toBe(
      [
        "Messages between 3 nodes and 1 client: 9 messages",
        "messages by type: 4 replicate, 3 ack, 1 write, 1 write_ok",
        "delivered 6, dropped 3 (1 crashed, 1 loss, 1 partition), duplicates 1",
        "events: 6 (and 1 log/timer events, not listed)",
        "  40.0 ms crash n3",
        "  50.0 ms partition {n1 n2} | {n3}",
        "  70.0 ms restart n3",
        "  80.0 ms heal",
        "  85.0 ms pause n2",
        "  90.0 ms resume n2",
        "replay: pardis sim --seed 42",
      ].join("\n"),
    );
    const bundle = fig[JUPYTER_DISPLAY]();
    expect((bundle[PLOTLY_MIME] as { layout: { title: unknown } }).layout.title).toEqual({ text: "Messages between 3 nodes and 1 client: 9 messages" });
  });
});

test("an undelivered duplicate is a lost duplicate, and a message without a fault was still in flight at the end", () => {
  const fig = lamportDiagram({
    ...run,
    messages: [
      { id: 1, src: "n1", dest: "n2", type: "gossip", body: null, sentMs: 10, deliveredMs: 12 },
      { id: 2, src: "n1", dest: "n2", type: "gossip", body: null, sentMs: 10, fault: "duplicate", duplicateOf: 1 },
      { id: 3, src: "n2", dest: "n3", type: "gossip", body: null, sentMs: 99 },
    ],
  });
  expect(byName(fig, "dropped")!.name).toBe("dropped (1 in flight at the end, 1 lost duplicate)");
  expect((byName(fig, "dropped")!.hovertext as string[])[3]).toContain("dropped: in flight at the end");
  expect(byName(fig, "duplicate")).toBeUndefined();
});

test("a run result carrying its record as `record` draws the same diagram", () => {
  const wrapped = lamportDiagram({ record: run });
  expect(wrapped.data).toEqual(lamportDiagram(run).data);
});

describe("lamport options", () => {
  test("by default the picture ends a little after the last thing that happened, not at a far-off deadline", () => {
    const idleTail = { ...run, endMs: 2000 };
    const range = (lamportDiagram(idleTail).layout as { xaxis: { range: number[] } }).xaxis.range;
    // The last event is at 91 ms: the axis ends 5% later, not at 2000.
    expect(range[0]).toBe(0);
    expect(range[1]).toBeCloseTo(95.55, 5);
    expect((lamportDiagram(run).layout as { xaxis: { range: number[] } }).xaxis.range).toEqual([0, 95.55]);
  });

  test("a time window keeps what overlaps it and sets the x range", () => {
    const fig = lamportDiagram(run, { fromMs: 30, toMs: 75 });
    expect((fig.layout as { xaxis: { range: number[] } }).xaxis.range).toEqual([30, 75]);
    expect(fig.messagesInView).toBe(2);
    expect(byName(fig, "replicate")).toBeUndefined();
    expect(segments(byName(fig, "dropped")).map(([x0]) => x0)).toEqual([45, 60]);
    expect((fig.layout as { title: string }).title).toContain("30.0 ms → 75.0 ms");
    const shapes = (fig.layout as { shapes: Array<{ x0: number; x1: number }> }).shapes;
    expect(shapes.map((s) => [s.x0, s.x1])).toEqual([[50, 75]]);
  });

  test("a node filter keeps those lanes in that order and only messages between them", () => {
    const fig = lamportDiagram(run, { nodes: ["n2", "n1"], showClients: false });
    expect(fig.lanes).toEqual(["n2", "n1"]);
    expect(fig.messagesInView).toBe(3);
    expect(byName(fig, "crash")).toBeUndefined();
    expect((fig.layout as { title: string }).title).toMatch(/^Messages between 2 of 3 nodes: 3 messages/);
  });

  test("only the most frequent types get a colour of their own; the rest are 'other'", () => {
    const fig = lamportDiagram(run, { topTypes: 2 });
    const names = fig.data.map((t) => t.name);
    expect(names).toContain("ack");
    expect(names).toContain("replicate");
    expect(names).not.toContain("write");
    expect(segments(byName(fig, "other"))).toHaveLength(2);
    expect(byName(fig, "other")!.name).toBe("other (2 types)");
  });
});

describe("large runs", () => {
  function bigRun(count: number): RunRecord {
    const msgs = Array.from({ length: count }, (_, id): MessageRecord => {
      const lost = id % 100 === 0;
      return { id, src: `n${id % 5}`, dest: `n${(id + 1) % 5}`, type: id % 3 === 0 ? "gossip" : "read", body: null, sentMs: id, ...(lost ? { fault: "loss" } : { deliveredMs: id + 3 }) };
    });
    return { nodes: ["n0", "n1", "n2", "n3", "n4"], clients: [], messages: msgs, events: [], history: [], endMs: count + 3 };
  }

  test(`above ${LAMPORT_SAMPLE_ABOVE} messages, delivered ones are sampled, every fault is kept and the title says so`, () => {
    const fig = lamportDiagram(bigRun(10_000));
    expect(fig.messagesInView).toBe(10_000);
    expect(fig.messagesDrawn).toBeLessThanOrEqual(LAMPORT_SAMPLE_ABOVE);
    expect(segments(byName(fig, "dropped"))).toHaveLength(100);
    expect((fig.layout as { title: string }).title).toMatch(/10000 messages, \d+ drawn: every 6th delivered message, all 100 dropped\/duplicated shown/);
    expect(fig.data.length).toBeLessThan(8);
    // The text counts every message, not the sample.
    expect(fig[JUPYTER_DISPLAY]()["text/plain"]).toContain("delivered 9900, dropped 100 (100 loss)");
  });

  test("when faults alone exceed the budget they are sampled too, and the title names both strides", () => {
    const lossy = bigRun(3000);
    lossy.messages.forEach((m, i) => {
      if (i % 2 === 0) {
        delete m.deliveredMs;
        m.fault = "partition";
      }
    });
    const fig = lamportDiagram(lossy, { maxMessages: 1000 });
    expect(fig.messagesDrawn).toBeLessThanOrEqual(1000);
    expect(segments(byName(fig, "dropped"))).toHaveLength(500);
    expect((fig.layout as { title: string }).title).toContain("3000 messages, 1000 drawn: every 3rd delivered message, every 3rd dropped/duplicated message");
    expect([1, 2, 3, 4, 11, 12, 13, 21, 22, 102, 111].map(ordinal)).toEqual(["1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "102nd", "111th"]);
  });

  test(`up to ${LAMPORT_SAMPLE_ABOVE} messages every message is drawn`, () => {
    const fig = lamportDiagram(bigRun(LAMPORT_SAMPLE_ABOVE));
    expect(fig.messagesDrawn).toBe(LAMPORT_SAMPLE_ABOVE);
    expect((fig.layout as { title: string }).title).not.toMatch(/drawn/);
  });
});
