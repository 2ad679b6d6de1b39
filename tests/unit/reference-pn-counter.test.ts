/**
 * The PN-counter reference node: converges to exactly the acknowledged adds on
 * 100 swarm seeds (loss, duplicates, reordering, partitions, crashes, pauses,
 * skew), and the "shared entry" mistake is caught as a lost-update with a
 * replay line that reproduces it.
 */
import { describe, expect, test } from "vitest";
import { checkConvergence, pnCounterNode, simulate } from "../../runtime/index.js";

const SEEDS = Array.from({ length: 100 }, (_, i) => 1000 + i);
const spec = (seed: number) => ({ seed, nodes: 3, durationMs: 1500, faults: "swarm" as const, workload: { kind: "counter" as const, stopMs: 900, finalReadMs: 1350, timeoutMs: 100 } });

describe("PN-counter", () => {
  test("converges to the acknowledged adds on 100 swarm seeds", async () => {
    for (const seed of SEEDS) {
      const run = await simulate(pnCounterNode(), spec(seed));
      const verdict = checkConvergence(run.record, { finalFromMs: 1350 });
      expect(verdict.ok, verdict.message).toBe(true);
    }
  });

  test("a negative delta counts down (the N half)", async () => {
    const { record } = await simulate(
      (node) => {
        pnCounterNode()(node);
        if (node.id === "n0") node.setTimer(10, () => node.rpc("n0", { type: "add", delta: -3 }));
      },
      { nodes: 2, durationMs: 400 },
    );
    const states = record.messages.filter((m) => m.type === "counter_state" && m.src === "n0" && m.sentMs > 100);
    expect(states.at(-1)!.body).toMatchObject({ n: { n0: 3 } });
  });

  test("one shared entry instead of one per node loses concurrent adds: lost-update, reproduced by its replay line", async () => {
    const broken = pnCounterNode({ entries: "shared" });
    let failure: { seed: number; message: string; replay: string } | undefined;
    for (const seed of SEEDS) {
      const run = await simulate(broken, spec(seed));
      const verdict = checkConvergence(run.record, { finalFromMs: 1350 });
      if (!verdict.ok) {
        expect(verdict.anomaly).toBe("lost-update");
        expect(verdict.message).toContain(`replay: ${run.replay}`);
        failure = { seed, message: verdict.message, replay: run.replay };
        break;
      }
    }
    expect(failure, "the shared-entry counter should lose an update on some seed").toBeDefined();
    const again = await simulate(broken, { replay: failure!.replay });
    expect(checkConvergence(again.record, { finalFromMs: 1350 }).message).toBe(failure!.message);
  });
});
