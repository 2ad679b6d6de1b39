import { describe, expect, test } from "vitest";
import type { HistoryOperation, MessageRecord, RunRecord } from "../../runtime/core/history.js";
import { JUPYTER_DISPLAY } from "../../runtime/viz/kernel-bridge.js";
import { CDF_POINTS_MAX, cdfPoints, runStats } from "../../runtime/viz/run-stats-plot.js";
import { percentile, runStatistics } from "../../runtime/viz/run-stats.js";

type Trace = Record<string, unknown>;

/**
 * Reads took 1..20 ms (twenty of them), writes 5 and 15 ms; one failed cas,
 * one info write, one pending read. Messages: 2 client requests, 6 between
 * nodes (one lost, one to a partitioned node, one duplicate).
 */
const reads = Array.from({ length: 20 }, (_, i): HistoryOperation => ({ id: i, client: "c1", f: "read", key: "x", output: 0, outcome: "ok", invokeMs: 100 + 30 * i, completeMs: 100 + 30 * i + (i + 1) }));
const history: HistoryOperation[] = [
  ...reads,
  { id: 20, client: "c2", f: "write", key: "x", input: 1, outcome: "ok", invokeMs: 0, completeMs: 5 },
  { id: 21, client: "c2", f: "write", key: "x", input: 2, outcome: "ok", invokeMs: 10, completeMs: 25 },
  { id: 22, client: "c2", f: "cas", key: "x", input: [1, 2], outcome: "fail", invokeMs: 30, completeMs: 31 },
  { id: 23, client: "c2", f: "write", key: "x", input: 3, outcome: "info", invokeMs: 40, completeMs: 90 },
  { id: 24, client: "c3", f: "read", key: "x", invokeMs: 50 },
];
const message = (id: number, src: string, dest: string, type: string, extra: Partial<MessageRecord> = {}): MessageRecord => ({ id, src, dest, type, body: null, sentMs: id, deliveredMs: id + 1, ...extra });
const messages: MessageRecord[] = [
  message(1, "c2", "n1", "write"),
  message(2, "n1", "c2", "write_ok"),
  message(3, "n1", "n2", "replicate"),
  message(4, "n1", "n3", "replicate", { deliveredMs: undefined, fault: "loss" }),
  message(5, "n1", "n3", "replicate", { deliveredMs: undefined, fault: "partition" }),
  message(6, "n2", "n1", "ack"),
  message(7, "n2", "n1", "ack", { fault: "duplicate", duplicateOf: 6 }),
  message(8, "n3", "n1", "ack"),
];
const run: RunRecord = { nodes: ["n1", "n2", "n3"], clients: ["c1", "c2", "c3"], messages, events: [], history, endMs: 800 };

describe("run statistics", () => {
  const stats = runStatistics(run);

  test("percentiles are nearest-rank, so each is a latency that was measured", () => {
    const sorted = Array.from({ length: 20 }, (_, i) => i + 1);
    expect([percentile(sorted, 0.5), percentile(sorted, 0.95), percentile(sorted, 0.99)]).toEqual([10, 19, 20]);
    expect(percentile([7], 0.5)).toBe(7);
  });

  test("latency per f of ok operations only, plus all of them together", () => {
    expect(stats.latency).toEqual([
      { f: "read", count: 20, p50Ms: 10, p95Ms: 19, p99Ms: 20, maxMs: 20, meanMs: 10.5 },
      { f: "write", count: 2, p50Ms: 5, p95Ms: 15, p99Ms: 15, maxMs: 15, meanMs: 10 },
      { f: "all", count: 22, p50Ms: 10, p95Ms: 19, p99Ms: 20, maxMs: 20, meanMs: 230 / 22 },
    ]);
  });

  test("operations by outcome, and messages between nodes per completed (ok or fail) operation", () => {
    expect(stats.operations).toEqual({ total: 25, ok: 22, fail: 1, info: 1, pending: 1 });
    expect(stats.messagesBetweenNodes).toBe(6);
    expect(stats.messagesWithClients).toBe(2);
    expect(stats.completedOperations).toBe(23);
    expect(stats.msgsPerOperation).toBeCloseTo(6 / 23, 12);
  });

  test("messages by type and by fault", () => {
    expect(stats.messagesByType).toEqual([
      ["ack", 3],
      ["replicate", 3],
      ["write", 1],
      ["write_ok", 1],
    ]);
    expect(stats.messagesByFault).toEqual([
      ["duplicate", 1],
      ["loss", 1],
      ["partition", 1],
    ]);
    expect([stats.delivered, stats.notDelivered]).toEqual([6, 2]);
  });

  test("a run result carrying its record as `record` gives the same numbers", () => {
    expect(runStatistics({ record: run })).toEqual(stats);
    expect(runStats({ record: run }).data).toEqual(runStats(run).data);
  });

  test("a run without operations has no msgs per operation rather than Infinity", () => {
    const quiet = runStatistics({ ...run, history: [] });
    expect(quiet.msgsPerOperation).toBeUndefined();
    expect(quiet.latency).toEqual([]);
  });
});

describe("run stats figure", () => {
  const fig = runStats(run);
  const byName = (prefix: string) => fig.data.find((t: Trace) => String(t.name).startsWith(prefix));

  test("a latency CDF per f that reaches 100% at the maximum", () => {
    const read = byName("read (20)")!;
    expect((read.x as number[])[0]).toBe(1);
    expect((read.x as number[]).at(-1)).toBe(20);
    expect((read.y as number[])[9]).toBe(0.5);
    expect((read.y as number[]).at(-1)).toBe(1);
    expect(String(read.hovertemplate)).toContain("p95 19.0");
    expect(byName("write (2)")!.x).toEqual([5, 15]);
  });

  test("message counts by type, delivered and not, stacked", () => {
    const delivered = byName("messages delivered")!;
    const lost = byName("messages not delivered")!;
    expect(delivered.x).toEqual(["ack", "replicate", "write", "write_ok"]);
    expect(delivered.y).toEqual([3, 1, 1, 1]);
    expect(lost.y).toEqual([0, 2, 0, 0]);
    expect((fig.layout as { barmode: string }).barmode).toBe("stack");
  });

  test("the title gives msgs per operation and the text/plain is the table", () => {
    expect((fig.layout as { title: string }).title).toBe("Run statistics: 25 operations, 6 messages between nodes, 0.26 msgs per operation");
    expect(fig[JUPYTER_DISPLAY]()["text/plain"]).toBe(
      [
        "Run statistics: 25 operations (22 ok, 1 fail, 1 info, 1 pending)",
        "latency of ok operations (ms):",
        "  f     | count |  p50 |  p95 |  p99 |  max",
        "  read  |    20 | 10.0 | 19.0 | 20.0 | 20.0",
        "  write |     2 |  5.0 | 15.0 | 15.0 | 15.0",
        "  all   |    22 | 10.0 | 19.0 | 20.0 | 20.0",
        "messages: 6 between nodes, 2 with clients; 0.26 per completed operation (23 ok or fail)",
        "by type: 3 ack, 3 replicate, 1 write, 1 write_ok",
        "delivered 6, not delivered 2; faults: 1 duplicate, 1 loss, 1 partition",
      ].join("\n"),
    );
    expect(fig.msgsPerOperation).toBeCloseTo(6 / 23, 12);
  });

  test(`a large history's CDF is thinned to at most ${CDF_POINTS_MAX} points and still ends at its maximum`, () => {
    const sorted = Array.from({ length: 10_001 }, (_, i) => i / 10);
    const { x, y } = cdfPoints(sorted);
    expect(x.length).toBeLessThanOrEqual(CDF_POINTS_MAX + 1);
    expect([x.at(-1), y.at(-1)]).toEqual([1000, 1]);
    expect(x[0]).toBe(0);
  });
});
