/** The convergence checker on counters, sets and registers: agreement, lost and phantom updates, info adds. */
import { describe, expect, test } from "vitest";
import type { HistoryOperation, RunRecord } from "../../runtime/core/history.js";
import { checkConvergence } from "../../runtime/check/index.js";

function ops(...list: Array<[node: string, f: string, value: unknown, at: number, outcome?: "ok" | "info" | "fail"]>): HistoryOperation[] {
  return list.map(([node, f, value, at, outcome = "ok"], id) => ({
    id,
    client: `c-${node}`,
    node,
    f,
    input: f === "read" ? undefined : value,
    output: f === "read" ? value : undefined,
    outcome,
    invokeMs: at,
    completeMs: outcome === "ok" || outcome === "fail" ? at + 1 : undefined,
  }));
}

describe("counter", () => {
  test("replicas that agree on the sum of acknowledged adds converge", () => {
    const h = ops(["n1", "add", 2, 0], ["n2", "add", 3, 1], ["n1", "read", 5, 10], ["n2", "read", 5, 11]);
    expect(checkConvergence(h)).toMatchObject({ checker: "convergence", ok: true, details: { value: 5, expectedLow: 5, expectedHigh: 5 } });
  });

  test("divergence: the witness is one final read from each value", () => {
    const h = ops(["n1", "add", 2, 0], ["n2", "add", 3, 1], ["n1", "read", 5, 10], ["n2", "read", 2, 11], ["n3", "read", 5, 12]);
    expect(checkConvergence(h)).toMatchObject({ ok: false, anomaly: "divergence", witness: [2, 3] });
  });

  test("only the last read per node counts", () => {
    const h = ops(["n1", "add", 2, 0], ["n2", "read", 0, 1], ["n1", "read", 2, 10], ["n2", "read", 2, 11]);
    expect(checkConvergence(h).ok).toBe(true);
    expect(checkConvergence(h, { finalFromMs: 0 }).ok).toBe(true);
  });

  test("lost-update: replicas agree on less than the acknowledged adds", () => {
    const h = ops(["n1", "add", 2, 0], ["n2", "add", 3, 1], ["n1", "read", 3, 10], ["n2", "read", 3, 11]);
    expect(checkConvergence(h)).toMatchObject({ ok: false, anomaly: "lost-update", witness: [2, 3] });
  });

  test("info adds may or may not count; a failed add never does", () => {
    const base: Array<[string, string, unknown, number, ("ok" | "info" | "fail")?]> = [["n1", "add", 2, 0], ["n2", "add", 3, 1, "info"], ["n3", "add", 10, 2, "fail"]];
    expect(checkConvergence(ops(...base, ["n1", "read", 2, 10], ["n2", "read", 2, 11])).ok).toBe(true);
    expect(checkConvergence(ops(...base, ["n1", "read", 5, 10], ["n2", "read", 5, 11])).ok).toBe(true);
    expect(checkConvergence(ops(...base, ["n1", "read", 15, 10], ["n2", "read", 15, 11]))).toMatchObject({ ok: false, anomaly: "phantom-update" });
  });

  test("a run's live nodes must all answer; crashed ones need not", () => {
    const history = ops(["n1", "add", 1, 0], ["n1", "read", 1, 10], ["n2", "read", 1, 11]);
    const run: RunRecord = { nodes: ["n1", "n2", "n3"], clients: [], messages: [], events: [], history, endMs: 20 };
    expect(checkConvergence(run)).toMatchObject({ ok: false, anomaly: "no-final-read", details: { silent: ["n3"] } });
    const crashed = { ...run, events: [{ atMs: 5, kind: "crash" as const, node: "n3" }] };
    expect(checkConvergence(crashed).ok).toBe(true);
    const restarted = { ...run, events: [{ atMs: 5, kind: "crash" as const, node: "n3" }, { atMs: 6, kind: "restart" as const, node: "n3" }] };
    expect(checkConvergence(restarted).ok).toBe(false);
  });
});

describe("set and register", () => {
  test("a gossip set holds every acknowledged add, in any order", () => {
    const h = ops(["n1", "add", "a", 0], ["n2", "add", "b", 1], ["n1", "read", ["a", "b"], 10], ["n2", "read", ["b", "a"], 11]);
    expect(checkConvergence(h, { kind: "set" }).ok).toBe(true);
  });

  test("lost-update names the missing add", () => {
    const h = ops(["n1", "add", "a", 0], ["n2", "add", "b", 1], ["n1", "read", ["a"], 10], ["n2", "read", ["a"], 11]);
    expect(checkConvergence(h, { kind: "set" })).toMatchObject({ ok: false, anomaly: "lost-update", witness: [1, 2], details: { lost: [1] } });
  });

  test("phantom-update: an element nobody added", () => {
    const h = ops(["n1", "add", "a", 0], ["n1", "read", ["a", "z"], 10], ["n2", "read", ["z", "a"], 11]);
    expect(checkConvergence(h, { kind: "set" })).toMatchObject({ ok: false, anomaly: "phantom-update" });
  });

  test("divergent sets", () => {
    const h = ops(["n1", "add", "a", 0], ["n1", "read", ["a"], 10], ["n2", "read", [], 11]);
    expect(checkConvergence(h, { kind: "set" })).toMatchObject({ ok: false, anomaly: "divergence" });
  });

  test("a register converges on some written value", () => {
    const good = ops(["n1", "write", 1, 0], ["n2", "write", 2, 0], ["n1", "read", 2, 10], ["n2", "read", 2, 11]);
    expect(checkConvergence(good, { kind: "value" }).ok).toBe(true);
    const phantom = ops(["n1", "write", 1, 0], ["n1", "read", 3, 10], ["n2", "read", 3, 11]);
    expect(checkConvergence(phantom, { kind: "value" })).toMatchObject({ ok: false, anomaly: "phantom-update" });
  });
});
