/** The consensus safety checker: election safety, agreement on commits, leader completeness; observations as a list or as log events. */
import { describe, expect, test } from "vitest";
import type { RunEvent, RunRecord } from "../../runtime/core/history.js";
import { CONSENSUS_LOG_PREFIX, CheckInputError, checkConsensus, consensusObservations, type ConsensusObservation } from "../../runtime/check/index.js";

const leader = (node: string, term: number, atMs: number): ConsensusObservation => ({ kind: "role", node, term, role: "leader", atMs });
const commit = (node: string, term: number, index: number, value: unknown, atMs: number, entryTerm?: number): ConsensusObservation => ({
  kind: "commit",
  node,
  term,
  index,
  value,
  atMs,
  entryTerm,
});

describe("consensus safety", () => {
  test("a healthy run: one leader per term, agreed commits", () => {
    const v = checkConsensus([
      leader("n1", 1, 0),
      commit("n1", 1, 1, "x", 5),
      commit("n2", 1, 1, "x", 6),
      leader("n2", 2, 10),
      { kind: "role", node: "n1", term: 2, role: "follower", atMs: 10 },
      commit("n2", 2, 2, "y", 15),
      commit("n1", 2, 2, "y", 16),
      { kind: "log", node: "n2", term: 2, role: "leader", atMs: 10, entries: [{ index: 1, value: "x" }] },
    ]);
    expect(v).toMatchObject({ checker: "consensus", ok: true });
    expect(v.message).toContain("2 term(s)");
  });

  test("two-leaders: two nodes lead the same term", () => {
    const v = checkConsensus([leader("n1", 3, 0), leader("n1", 3, 1), leader("n2", 3, 2)]);
    expect(v).toMatchObject({ ok: false, anomaly: "two-leaders" });
    expect((v.details!.witness as ConsensusObservation[]).map((o) => o.node)).toEqual(["n1", "n2"]);
  });

  test("leaders of different terms are fine, even at once", () => {
    expect(checkConsensus([leader("n1", 3, 0), leader("n2", 4, 0)]).ok).toBe(true);
  });

  test("divergent-commit: different entries at one index", () => {
    const v = checkConsensus([commit("n1", 1, 1, "x", 5), commit("n2", 2, 1, "y", 6)]);
    expect(v).toMatchObject({ ok: false, anomaly: "divergent-commit" });
    expect(v.message).toContain("index 1");
  });

  test("divergent-commit by entry term, when given", () => {
    expect(checkConsensus([commit("n1", 1, 1, "x", 5, 1), commit("n2", 2, 1, "x", 6, 2)]).anomaly).toBe("divergent-commit");
    expect(checkConsensus([commit("n1", 1, 1, { a: 1, b: 2 }, 5), commit("n2", 2, 1, { b: 2, a: 1 }, 6)]).ok).toBe(true);
  });

  test("lost-commit: a later leader lacks an entry committed in an earlier term", () => {
    const v = checkConsensus([
      leader("n1", 1, 0),
      commit("n1", 1, 1, "x", 5),
      { kind: "log", node: "n3", term: 2, role: "leader", atMs: 10, entries: [] },
    ]);
    expect(v).toMatchObject({ ok: false, anomaly: "lost-commit" });
  });

  test("a stale leader of an older term is not held to newer commits", () => {
    const v = checkConsensus([commit("n2", 5, 1, "x", 5), { kind: "log", node: "n1", term: 4, role: "leader", atMs: 10, entries: [] }]);
    expect(v.ok).toBe(true);
  });

  test("observations from a run's log events", () => {
    const log = (node: string, atMs: number, body: object): RunEvent => ({ kind: "log", node, atMs, detail: CONSENSUS_LOG_PREFIX + JSON.stringify(body) });
    const events: RunEvent[] = [
      log("n1", 0, { kind: "role", term: 1, role: "leader" }),
      { kind: "log", node: "n1", atMs: 1, detail: "an unrelated line" },
      { kind: "crash", node: "n1", atMs: 2 },
      log("n2", 3, { kind: "role", term: 1, role: "leader" }),
    ];
    expect(consensusObservations(events)).toHaveLength(2);
    const run: RunRecord = { nodes: ["n1", "n2"], clients: [], messages: [], events, history: [], endMs: 5 };
    expect(checkConsensus(run)).toMatchObject({ ok: false, anomaly: "two-leaders" });
  });

  test("malformed observations throw a typed error", () => {
    expect(() => consensusObservations([{ kind: "log", atMs: 0, node: "n1", detail: "consensus {oops" }])).toThrow(CheckInputError);
    expect(() => checkConsensus([{ kind: "role", node: "n1", term: 1.5, role: "leader", atMs: 0 }])).toThrow(/term must be an integer/);
  });
});
