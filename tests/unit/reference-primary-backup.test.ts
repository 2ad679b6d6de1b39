/**
 * Primary-backup replication: linearizable on 100 seeds with a permanent
 * crash of a random node (the primary included), on 100 seeds with a crash
 * and restart, and on 100 seeds where two of three nodes crash in turn; acknowledging before the backups do is caught as
 * nonlinearizable after a primary crash, and a partition (which the design
 * does not claim to tolerate) shows split brain; each failure comes with a
 * replay line that reproduces it.
 */
import { describe, expect, test } from "vitest";
import { checkLinearizability, primaryBackupNode, seededRandom, simulate, type SimulationOptions } from "../../runtime/index.js";

const SEEDS = Array.from({ length: 100 }, (_, i) => 3000 + i);
const workload = { kind: "register" as const, keys: 2, clients: 3, timeoutMs: 300, stopMs: 1100 };

/** One permanent crash of a node drawn from the seed (n0, the first primary, half the time), at a time drawn from the seed. */
function crashSpec(seed: number): SimulationOptions {
  const random = seededRandom(seed);
  const node = random.next() < 0.5 ? "n0" : `n${random.int(3)}`;
  return { seed, nodes: 3, durationMs: 1500, faults: [{ atMs: 100 + random.int(800), fault: "crash", node }], workload };
}

const restartSpec = (seed: number): SimulationOptions => ({ seed, nodes: 3, durationMs: 1500, faults: { swarm: { untilMs: 1000, kinds: ["crash", "duplicate", "reorder", "skew"] } }, workload });

describe("primary-backup replication", () => {
  test("linearizable when one node crashes for good, the primary included (100 seeds)", async () => {
    let failovers = 0;
    for (const seed of SEEDS) {
      const run = await simulate(primaryBackupNode(), crashSpec(seed));
      const verdict = checkLinearizability(run.record, { model: "register" });
      expect(verdict.ok, verdict.message).toBe(true);
      if (run.record.events.some((e) => e.kind === "log" && e.detail === "primary of view 1")) failovers++;
    }
    expect(failovers).toBeGreaterThan(30);
  });

  test("linearizable when a node crashes and restarts, under duplicates, reordering and skew (100 seeds)", async () => {
    let restarts = 0;
    for (const seed of SEEDS) {
      const run = await simulate(primaryBackupNode(), restartSpec(seed));
      const verdict = checkLinearizability(run.record, { model: "register" });
      expect(verdict.ok, verdict.message).toBe(true);
      if (run.record.events.some((e) => e.kind === "restart")) restarts++;
    }
    expect(restarts).toBeGreaterThan(30);
  });

  test("linearizable when two of three nodes crash for good, one after the other: the last one serves alone (100 seeds)", async () => {
    let answeredAlone = 0;
    for (const seed of SEEDS) {
      const random = seededRandom(seed);
      const [first, second] = random.next() < 0.5 ? ["n0", "n1"] : ["n1", "n0"];
      const firstAt = 100 + random.int(400);
      const secondAt = firstAt + 150 + random.int(300);
      const run = await simulate(primaryBackupNode(), {
        seed,
        nodes: 3,
        durationMs: 1500,
        faults: [{ atMs: firstAt, fault: "crash", node: first }, { atMs: secondAt, fault: "crash", node: second }],
        workload: { ...workload, clients: 4, stopMs: 1400 },
      });
      const verdict = checkLinearizability(run.record, { model: "register" });
      expect(verdict.ok, verdict.message).toBe(true);
      // n2 is the only node left: it takes over, and clients that happen to pick it still get answers.
      expect(run.record.events.some((e) => e.node === "n2" && e.detail?.startsWith("primary of view")), run.replay).toBe(true);
      if (run.record.history.some((op) => op.outcome === "ok" && op.invokeMs > secondAt + 100)) answeredAlone++;
    }
    expect(answeredAlone).toBeGreaterThan(50);
  });

  test("replicas checkpoint their values to durable storage", async () => {
    const run = await simulate(primaryBackupNode({ checkpointEvery: 5 }), { seed: 1, nodes: 3, durationMs: 1500, workload });
    const ok = run.record.history.filter((op) => op.outcome === "ok" && op.f !== "read").length;
    expect(ok).toBeGreaterThan(10);
    for (const id of run.record.nodes) expect((run.storage[id]!.checkpoint as { seq: number }).seq).toBeGreaterThan(ok - 5);
  });

  test("acknowledging before the backups do loses a write when the primary crashes: nonlinearizable, reproduced by its replay line", async () => {
    const hasty = primaryBackupNode({ ackBeforeBackups: true });
    const caught: number[] = [];
    let first: { message: string; replay: string } | undefined;
    for (const seed of SEEDS) {
      const spec = crashSpec(seed);
      const run = await simulate(hasty, spec);
      const verdict = checkLinearizability(run.record, { model: "register" });
      if (verdict.ok) continue;
      expect(verdict.anomaly).toBe("nonlinearizable");
      expect(verdict.message).toContain(`replay: ${run.replay}`);
      caught.push(seed);
      first ??= { message: verdict.message, replay: run.replay };
    }
    expect(caught.length, "the hasty primary should lose a write on several seeds").toBeGreaterThan(5);
    const again = await simulate(hasty, { replay: first!.replay });
    expect(checkLinearizability(again.record, { model: "register" }).message).toBe(first!.message);
  });

  test("a partition is not tolerated: the cut-off primary and the new one both serve (split brain)", async () => {
    const split: number[] = [];
    for (const seed of SEEDS.slice(0, 20)) {
      const run = await simulate(primaryBackupNode(), {
        seed,
        nodes: 3,
        durationMs: 1500,
        faults: [{ atMs: 200, fault: "partition", groups: [["n0"], ["n1", "n2"]] }, { atMs: 900, fault: "heal" }],
        workload,
      });
      const verdict = checkLinearizability(run.record, { model: "register" });
      if (!verdict.ok) {
        expect(verdict.anomaly).toBe("nonlinearizable");
        expect(verdict.message).toContain("replay: ");
        split.push(seed);
      }
    }
    expect(split.length).toBeGreaterThan(10);
  });
});
