/**
 * Raft as a replicated register: safe (one leader per term, no divergent or
 * lost commit) and linearizable on 100 swarm seeds (loss, duplicates,
 * reordering, partitions, crash-restart, pauses, skew) and on 100 seeds of
 * crash-restart churn in a five-node cluster; it elects a leader and answers
 * again once the faults stop; committed writes survive a crash of every node.
 * Voting without the up-to-date-log rule is caught as a divergent (or lost)
 * commit, and keeping the vote in volatile memory as two leaders of one term,
 * each with a replay line that reproduces the verdict.
 */
import { describe, expect, test } from "vitest";
import { checkConsensus, checkLinearizability, raftNode, seededRandom, simulate, type Fault, type RunRecord, type SimulationOptions } from "../../runtime/index.js";

const SEEDS = Array.from({ length: 100 }, (_, i) => 5000 + i);
const workload = { kind: "register" as const, keys: 2, clients: 3, timeoutMs: 400, stopMs: 2600 };
/** Swarm faults end by 70% of the run: 2100 ms. */
const swarmSpec = (seed: number): SimulationOptions => ({ seed, nodes: 3, durationMs: 3000, faults: "swarm", workload });

/** A node (the leader too, often) crashes every 20-80 ms and restarts 2-32 ms later, until 2000 ms. */
function churn(seed: number, nodes: number): Fault[] {
  const random = seededRandom(seed * 7919);
  const faults: Fault[] = [];
  for (let t = 50 + random.int(50); t < 2000; t += 20 + random.int(60)) faults.push({ atMs: t, fault: "crash", node: `n${random.int(nodes)}`, restartAfterMs: 2 + random.int(30) });
  return faults;
}
const churnSpec = (seed: number): SimulationOptions => ({ seed, nodes: 5, durationMs: 3000, faults: churn(seed, 5), workload });

const leaderTerms = (record: RunRecord) => new Set(record.events.filter((e) => e.detail?.startsWith('consensus {"kind":"role"')).map((e) => e.detail)).size;
const definite = (record: RunRecord, fromMs: number, toMs: number) => {
  const ops = record.history.filter((op) => op.invokeMs >= fromMs && op.invokeMs < toMs);
  return { ops: ops.length, answered: ops.filter((op) => op.outcome === "ok" || op.error === "precondition-failed").length };
};

function expectSafe(record: RunRecord): void {
  const consensus = checkConsensus(record);
  expect(consensus.ok, consensus.message).toBe(true);
  const linearizable = checkLinearizability(record, { model: "register" });
  expect(linearizable.ok, linearizable.message).toBe(true);
}

describe("Raft register", () => {
  test("safe and linearizable on 100 swarm seeds, and answering again once the faults stop", async () => {
    let reelected = 0;
    let ops = 0;
    let answered = 0;
    for (const seed of SEEDS) {
      const run = await simulate(raftNode(), swarmSpec(seed));
      expectSafe(run.record);
      if (leaderTerms(run.record) > 1) reelected++;
      // Liveness: from 200 ms after the last fault, a leader answers (loss may go on: a lost forward is an indefinite answer).
      const quiet = definite(run.record, 2300, 2600);
      expect(quiet.answered, `no answer after the faults stopped\nreplay: ${run.replay}`).toBeGreaterThan(0);
      ops += quiet.ops;
      answered += quiet.answered;
    }
    expect(reelected).toBeGreaterThan(30); // faults deposed the first leader on many seeds
    expect(answered / ops).toBeGreaterThan(0.8);
  });

  test("safe and linearizable on 100 seeds of crash-restart churn in a five-node cluster", async () => {
    let elections = 0;
    for (const seed of SEEDS) {
      const run = await simulate(raftNode(), churnSpec(seed));
      expectSafe(run.record);
      elections += leaderTerms(run.record);
      const quiet = definite(run.record, 2300, 2600);
      expect(quiet.answered, `no answer after the churn stopped\nreplay: ${run.replay}`).toBeGreaterThan(0);
    }
    expect(elections).toBeGreaterThan(500);
  });

  test("committed writes survive a crash of every node: the log is durable", async () => {
    for (const seed of SEEDS.slice(0, 20)) {
      const crashAll: Fault[] = ["n0", "n1", "n2"].map((node, i) => ({ atMs: 1000 + 5 * i, fault: "crash", node, restartAfterMs: 100 }));
      const run = await simulate(raftNode(), { seed, nodes: 3, durationMs: 2500, faults: crashAll, workload: { ...workload, stopMs: 2200 } });
      expectSafe(run.record);
      // Reads after the restart see the writes from before it (else the check above fails); and there are some.
      expect(run.record.history.some((op) => op.f === "read" && op.outcome === "ok" && op.invokeMs > 1300 && op.output !== null), run.replay).toBe(true);
      expect(Number(run.storage.n0!["raft.length"])).toBeGreaterThan(10);
    }
  });

  test("a leader cut off in a minority commits nothing: its clients get no ok", async () => {
    const run = await simulate(raftNode(), { seed: 1, nodes: 5, durationMs: 2000, workload: { ...workload, stopMs: 1800 } });
    const leader = run.record.events.find((e) => e.detail?.startsWith('consensus {"kind":"role"'))!.node!;
    const others = run.record.nodes.filter((n) => n !== leader);
    const cut = await simulate(raftNode(), {
      seed: 1, nodes: 5, durationMs: 2000, workload: { ...workload, stopMs: 1800 },
      faults: [{ atMs: 500, fault: "partition", groups: [[leader, others[0]!], others.slice(1)] }],
    });
    expectSafe(cut.record);
    const minority = cut.record.history.filter((op) => [leader, others[0]].includes(op.node) && op.invokeMs > 550);
    expect(minority.length).toBeGreaterThan(5);
    expect(minority.filter((op) => op.outcome === "ok")).toEqual([]);
    // The majority side elects its own leader and goes on.
    expect(cut.record.history.some((op) => others.slice(1).includes(op.node!) && op.invokeMs > 900 && op.outcome === "ok")).toBe(true);
  });

  test("a single node is a cluster of one: it elects itself and commits alone", async () => {
    const run = await simulate(raftNode(), { seed: 2, nodes: 1, durationMs: 1000, workload: { ...workload, stopMs: 900 } });
    expectSafe(run.record);
    expect(run.record.history.filter((op) => op.outcome === "ok").length).toBeGreaterThan(20);
  });
});

describe("broken Raft", () => {
  /** Runs `node` on the seeds until a verdict fails; checks its anomaly and that its replay line reproduces the message exactly. */
  async function caught(broken: "vote-ignores-log" | "volatile-vote", spec: (seed: number) => SimulationOptions, anomalies: string[]) {
    let failures = 0;
    let first: { message: string; replay: string } | undefined;
    for (const seed of SEEDS) {
      const run = await simulate(raftNode({ broken }), spec(seed));
      const verdict = checkConsensus(run.record);
      if (verdict.ok) continue;
      expect(anomalies).toContain(verdict.anomaly);
      expect(verdict.message).toContain(`replay: ${run.replay}`);
      failures++;
      first ??= { message: verdict.message, replay: run.replay };
    }
    expect(first, `${broken} should be caught on some seed`).toBeDefined();
    const again = await simulate(raftNode({ broken }), { replay: first!.replay });
    expect(checkConsensus(again.record).message).toBe(first!.message);
    return failures;
  }

  test("a voter that ignores how up to date the candidate's log is lets a stale leader overwrite commits: divergent-commit", async () => {
    expect(await caught("vote-ignores-log", swarmSpec, ["divergent-commit", "lost-commit"])).toBeGreaterThan(5);
  });

  test("a vote kept in volatile memory is cast twice in one term across a restart: two-leaders", async () => {
    expect(await caught("volatile-vote", churnSpec, ["two-leaders"])).toBeGreaterThan(5);
  });
});
