/** The broadcast checker: lost deliveries, phantom messages, crashed nodes, and the cost and latency details. */
import { describe, expect, test } from "vitest";
import type { HistoryOperation, MessageRecord, RunRecord } from "../../runtime/core/history.js";
import { checkBroadcast } from "../../runtime/check/index.js";

function ops(...list: Array<[node: string, f: string, value: unknown, at: number, outcome?: "ok" | "info"]>): HistoryOperation[] {
  return list.map(([node, f, value, at, outcome = "ok"], id) => ({
    id,
    client: `c-${node}`,
    node,
    f,
    input: f === "broadcast" ? value : undefined,
    output: f === "read" ? value : undefined,
    outcome,
    invokeMs: at,
    completeMs: outcome === "ok" ? at + 1 : undefined,
  }));
}

describe("broadcast delivery", () => {
  test("every acknowledged message reaches every node", () => {
    const h = ops(["n1", "broadcast", 1, 0], ["n2", "broadcast", 2, 1], ["n1", "read", [1, 2], 10], ["n2", "read", { messages: [2, 1] }, 11]);
    expect(checkBroadcast(h)).toMatchObject({ checker: "broadcast", ok: true });
  });

  test("lost-delivery: the witness is the broadcast and the final read that lacks it", () => {
    const h = ops(["n1", "broadcast", 1, 0], ["n2", "broadcast", 2, 1], ["n1", "read", [1, 2], 10], ["n2", "read", [2], 11]);
    expect(checkBroadcast(h)).toMatchObject({ ok: false, anomaly: "lost-delivery", witness: [0, 3], details: { lost: 1 } });
  });

  test("an unacknowledged message need not arrive, but may", () => {
    const h = ops(["n1", "broadcast", 1, 0, "info"], ["n1", "read", [1], 10], ["n2", "read", [], 11]);
    expect(checkBroadcast(h).ok).toBe(true);
  });

  test("phantom-message: a read shows a message nobody broadcast", () => {
    const h = ops(["n1", "broadcast", 1, 0], ["n2", "read", [1, 99], 5], ["n1", "read", [1], 10], ["n2", "read", [1], 11]);
    expect(checkBroadcast(h)).toMatchObject({ ok: false, anomaly: "phantom-message", witness: [1] });
  });

  test("nodes down at the end owe nothing; msgs per operation counts node-to-node messages", () => {
    const history = ops(["n1", "broadcast", 1, 0], ["n1", "read", [1], 10], ["n2", "read", [1], 11], ["n3", "read", [], 12]);
    const message = (id: number, src: string, dest: string): MessageRecord => ({ id, src, dest, type: "gossip", body: {}, sentMs: id });
    const run: RunRecord = {
      nodes: ["n1", "n2", "n3"],
      clients: ["c-n1"],
      messages: [message(0, "c-n1", "n1"), message(1, "n1", "n2"), message(2, "n1", "n3"), message(3, "n2", "n3")],
      events: [{ atMs: 11.5, kind: "crash", node: "n3" }],
      history,
      endMs: 20,
    };
    const v = checkBroadcast(run);
    expect(v).toMatchObject({ ok: true, details: { messagesBetweenNodes: 3, msgsPerOperation: 0.75 } });
    expect(checkBroadcast({ ...run, events: [] })).toMatchObject({ ok: false, anomaly: "lost-delivery", witness: [0, 3] });
  });

  test("stable latency: from the broadcast until every later read has it", () => {
    const h = ops(
      ["n1", "broadcast", "m", 0],
      ["n2", "read", [], 2],
      ["n2", "read", ["m"], 4],
      ["n2", "read", [], 6],
      ["n2", "read", ["m"], 8],
      ["n1", "read", ["m"], 9],
      ["n2", "read", ["m"], 10],
    );
    const v = checkBroadcast(h);
    expect(v.ok).toBe(true);
    // n2's first read after its last miss completes at 9; n1's at 10: the slowest node decides.
    expect(v.details!.stableLatencyMs).toMatchObject({ count: 1, p50: 10, max: 10 });
  });
});
