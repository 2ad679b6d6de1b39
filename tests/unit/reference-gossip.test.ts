/**
 * The gossip broadcast reference under swarm faults: on 150 seeds (loss,
 * duplicates, reordering, partitions, crashes with restart, pauses, skew)
 * every node's final read holds every acknowledged message. The same gossip
 * with volatile state only loses acknowledged messages, only on seeds with a
 * crash, and the replay line reproduces the lost-delivery verdict exactly.
 */
import { describe, expect, test } from "vitest";
import { checkBroadcast, gossipBroadcastNode, simulate, type NodeContext, type SimulationSpec } from "../../runtime/index.js";

const SEEDS = Array.from({ length: 150 }, (_, i) => 100 + i);
/** Swarm faults are over by 2800 ms (70% of the run), clients stop at 2500 ms, and every node is read at 3600 ms. */
const spec = (seed: number): SimulationSpec => ({ seed, nodes: 5, durationMs: 4000, faults: "swarm", workload: { kind: "broadcast", stopMs: 2500, finalReadMs: 3600 } });
const FINAL_FROM_MS = 3600;

describe("gossip broadcast under swarm faults", () => {
  test("every node's final read holds every acknowledged message, on 150 seeds", async () => {
    let withCrash = 0;
    for (const seed of SEEDS) {
      const run = await simulate(gossipBroadcastNode({ intervalMs: 50 }), spec(seed));
      const verdict = checkBroadcast(run.record, { finalFromMs: FINAL_FROM_MS });
      expect(verdict.ok, verdict.message).toBe(true);
      // All five nodes answered their final read: "delivered" is not vacuous for a node that never read.
      expect(verdict.details!.nodesWithoutReads, run.replay).toBeUndefined();
      expect(verdict.details!.acknowledged as number, run.replay).toBeGreaterThan(0);
      if (run.schedule.some((f) => f.fault === "crash")) withCrash++;
    }
    expect(withCrash).toBeGreaterThan(30);
  });

  test("with volatile state only, acknowledged messages are lost, only where a node crashed; the replay line reproduces it", async () => {
    const forgetful = (node: NodeContext) => {
      const nothingStored = { get: () => undefined, set: () => {}, has: () => false, delete: () => false, keys: () => [] };
      gossipBroadcastNode({ intervalMs: 50 })({ ...node, storage: nothingStored });
    };
    let first: { message: string; replay: string } | undefined;
    for (const seed of SEEDS) {
      const run = await simulate(forgetful, spec(seed));
      const verdict = checkBroadcast(run.record, { finalFromMs: FINAL_FROM_MS });
      if (verdict.ok) continue;
      expect(verdict.anomaly).toBe("lost-delivery");
      expect(run.schedule.some((f) => f.fault === "crash"), run.replay).toBe(true);
      first ??= { message: verdict.message, replay: run.replay };
    }
    expect(first, "volatile gossip should lose a message on some seed").toBeDefined();
    const again = await simulate(forgetful, { replay: first!.replay });
    expect(checkBroadcast(again.record, { finalFromMs: FINAL_FROM_MS }).message).toBe(first!.message);
  });
});
