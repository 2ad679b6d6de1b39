/**
 * A seed is the whole run: the same node code and seed give the same record,
 * byte for byte; different seeds give different fault mixes; the replay line
 * alone brings a run back.
 */
import { describe, expect, test } from "vitest";
import { gossipBroadcastNode, simulate, type NodeContext, type SimulationOptions } from "../../runtime/index.js";

const options: SimulationOptions = { nodes: 5, durationMs: 3000, faults: "swarm", workload: { kind: "broadcast", clients: 3 } };

describe("determinism", () => {
  test("the same seed gives byte-identical records", async () => {
    const a = await simulate(gossipBroadcastNode(), { ...options, seed: 42 });
    const b = await simulate(gossipBroadcastNode(), { ...options, seed: 42 });
    expect(a.record.messages.length).toBeGreaterThan(100);
    expect(JSON.stringify(b.record)).toBe(JSON.stringify(a.record));
    expect(JSON.stringify(b.stats)).toBe(JSON.stringify(a.stats));
  });

  test("different seeds draw different fault mixes and different runs", async () => {
    const runs = await Promise.all(Array.from({ length: 10 }, (_, seed) => simulate(gossipBroadcastNode(), { ...options, seed })));
    const mixes = new Set(runs.map((r) => JSON.stringify({ network: r.network, schedule: r.schedule })));
    const kinds = new Set(runs.flatMap((r) => [...Object.keys(r.network), ...r.schedule.map((f) => f.fault)]));
    expect(mixes.size).toBe(10);
    // Across ten seeds the swarm uses every kind of fault at least once.
    expect([...kinds].sort()).toEqual(["crash", "duplicate", "heal", "loss", "partition", "pause", "reorder", "skew"]);
    expect(new Set(runs.map((r) => JSON.stringify(r.record))).size).toBe(10);
  });

  test("the replay line alone reproduces the run exactly", async () => {
    const first = await simulate(gossipBroadcastNode(), { ...options, seed: 7 });
    expect(first.replay).not.toContain("\n");
    expect(first.record.replay).toBe(first.replay);
    const again = await simulate(gossipBroadcastNode(), { replay: first.replay });
    expect(JSON.stringify(again.record)).toBe(JSON.stringify(first.record));
  });

  test("async node code (awaited RPCs) replays identically too", async () => {
    // Every echo is forwarded to a random peer and answered from there: handlers await RPCs, under loss and duplication.
    const relay = (node: NodeContext) => {
      node.on<{ type: "echo"; echo: unknown; hop?: boolean }>("echo", async (msg) => {
        if (msg.body.hop) return { type: "echo_ok", echo: msg.body.echo };
        const reply = await node.rpc<{ type: "echo_ok"; echo: unknown }>(node.random.pick(node.peers), { type: "echo", echo: msg.body.echo, hop: true }, { timeoutMs: 30 }).catch(() => undefined);
        return reply ? { type: "echo_ok", echo: reply.body.echo } : { type: "error", code: 11, text: "peer did not answer" };
      });
    };
    const options: SimulationOptions = { nodes: 4, durationMs: 2000, network: { loss: 0.2, duplicate: 0.2 }, workload: { kind: "echo", clients: 4 } };
    const a = await simulate(relay, { ...options, seed: 5 });
    const b = await simulate(relay, { ...options, seed: 5 });
    expect(a.record.history.filter((op) => op.outcome === "ok").length).toBeGreaterThan(50);
    expect(a.record.history.some((op) => op.outcome === "fail" && op.error === "temporarily-unavailable")).toBe(true);
    expect(JSON.stringify(b.record)).toBe(JSON.stringify(a.record));
  });

  test("node randomness is seeded too", async () => {
    const draws = async (seed: number) => {
      const run = await simulate((node) => node.setTimer(1, () => node.log(node.random.next())), { seed, nodes: 2 });
      return run.record.events.map((e) => e.detail);
    };
    expect(await draws(1)).toEqual(await draws(1));
    expect(await draws(1)).not.toEqual(await draws(2));
  });
});
