/**
 * Client workloads and what a run's history says: echo and gossip broadcast
 * correct on a clean network, broadcast converging once a partition heals,
 * timeouts recorded as "info" (the client cannot know), definite errors as
 * "fail"; runaway and interrupted runs stop with a replay line. Gossip under
 * swarm faults is in reference-gossip.test.ts.
 */
import { describe, expect, test } from "vitest";
import { KERNEL_BRIDGE } from "../../runtime/core/index.js";
import { ErrorCode, SimulationError, echoNode, gossipBroadcastNode, simulate, type HistoryOperation, type NodeContext } from "../../runtime/index.js";

const finalReads = (history: HistoryOperation[], fromMs: number) => history.filter((op) => op.f === "read" && op.invokeMs >= fromMs);
const acknowledged = (history: HistoryOperation[]) => history.filter((op) => op.f === "broadcast" && op.outcome === "ok").map((op) => op.input as number);

describe("workloads", () => {
  test("echo: every operation comes back ok with its own payload", async () => {
    const { record } = await simulate(echoNode, { seed: 2, nodes: 3, durationMs: 2000, workload: { kind: "echo", clients: 4 } });
    expect(record.clients).toEqual(["c1", "c2", "c3", "c4"]);
    expect(record.history.length).toBeGreaterThan(100);
    expect(record.history.every((op) => op.outcome === "ok" && op.output === op.input && op.completeMs! > op.invokeMs)).toBe(true);
    // Each client has at most one operation in flight.
    for (const client of record.clients) {
      const ops = record.history.filter((op) => op.client === client);
      ops.slice(1).forEach((op, i) => expect(op.invokeMs).toBeGreaterThanOrEqual(ops[i]!.completeMs!));
    }
  });

  test("gossip broadcast without faults: every node ends with every acknowledged message", async () => {
    const { record } = await simulate(gossipBroadcastNode(), { seed: 3, nodes: 5, durationMs: 3000, workload: { kind: "broadcast" } });
    const sent = acknowledged(record.history);
    expect(sent.length).toBeGreaterThan(20);
    const reads = finalReads(record.history, 2700);
    expect(reads.map((op) => op.node).sort()).toEqual(record.nodes);
    for (const read of reads) expect(read.output).toEqual([...sent].sort((a, b) => a - b));
  });

  test("gossip broadcast converges after a partition heals, and the partition really split it", async () => {
    const { record } = await simulate(gossipBroadcastNode({ intervalMs: 50 }), {
      seed: 4,
      nodes: 5,
      durationMs: 4000,
      faults: [
        { atMs: 100, fault: "partition", groups: [["n0", "n1"], ["n2", "n3", "n4"]] },
        { atMs: 2400, fault: "heal" },
      ],
      workload: { kind: "broadcast", stopMs: 2300, finalReadMs: 3500 },
    });
    const sent = acknowledged(record.history).sort((a, b) => a - b);
    // During the partition, reads on either side miss messages broadcast on the other side.
    const during = record.history.filter((op) => op.f === "read" && op.outcome === "ok" && op.invokeMs > 1500 && op.completeMs! < 2400);
    expect(during.some((op) => (op.output as number[]).length < acknowledged(record.history.filter((o) => o.invokeMs < 1000)).length)).toBe(true);
    const reads = finalReads(record.history, 3500);
    expect(reads).toHaveLength(5);
    for (const read of reads) expect(read.output).toEqual(sent);
  });

  test("a node that never answers: every operation ends as info (timeout), never fail", async () => {
    const silent = (node: NodeContext) => node.on("write", () => {});
    const { record } = await simulate(silent, { nodes: 2, durationMs: 3000, workload: { kind: "register", clients: 2, timeoutMs: 200 } });
    const writes = record.history.filter((op) => op.f === "write");
    expect(writes.length).toBeGreaterThan(3);
    for (const op of writes) {
      expect(op).toMatchObject({ outcome: "info", error: "timeout" });
      expect(op.completeMs! - op.invokeMs).toBeCloseTo(200, 6);
    }
    // Reads and cas have no handler: not-supported is definite, so they fail.
    expect(record.history.filter((op) => op.f !== "write").every((op) => op.outcome === "fail" && op.error === "not-supported")).toBe(true);
  });

  test("register: cas mismatches are definite failures; reads return what was written", async () => {
    const kv = (node: NodeContext) => {
      const values = new Map<string, number>();
      node.on<{ type: "read"; key: string }>("read", (msg) =>
        values.has(msg.body.key) ? { type: "read_ok", value: values.get(msg.body.key) } : { type: "error", code: ErrorCode.keyDoesNotExist, text: "not found" },
      );
      node.on<{ type: "write"; key: string; value: number }>("write", (msg) => {
        values.set(msg.body.key, msg.body.value);
        return { type: "write_ok" };
      });
      node.on<{ type: "cas"; key: string; from: number; to: number }>("cas", (msg) => {
        if (!values.has(msg.body.key)) return { type: "error", code: ErrorCode.keyDoesNotExist, text: "not found" };
        if (values.get(msg.body.key) !== msg.body.from) return { type: "error", code: ErrorCode.preconditionFailed, text: "mismatch" };
        values.set(msg.body.key, msg.body.to);
        return { type: "cas_ok" };
      });
    };
    const { record } = await simulate(kv, { seed: 9, nodes: 1, durationMs: 5000, latency: { kind: "constant", ms: 1 }, workload: { kind: "register", keys: 2, clients: 1 } });
    const byOutcome = (f: string, outcome: string) => record.history.filter((op) => op.f === f && op.outcome === outcome);
    expect(byOutcome("cas", "ok").length).toBeGreaterThan(0);
    expect(byOutcome("cas", "fail").map((op) => op.error)).toContain("precondition-failed");
    expect(byOutcome("read", "fail").every((op) => op.error === "key-does-not-exist")).toBe(true);
    // One client, one node: each ok read sees the latest ok write or cas on its key.
    const last = new Map<string, unknown>();
    for (const op of record.history) {
      if (op.outcome !== "ok") continue;
      if (op.f === "write") last.set(op.key!, op.input);
      if (op.f === "cas") last.set(op.key!, (op.input as number[])[1]);
      if (op.f === "read") expect(op.output).toBe(last.get(op.key!));
    }
  });

  test("operations sent to a crashed node end as info", async () => {
    const { record } = await simulate(echoNode, { nodes: 1, durationMs: 2000, faults: [{ atMs: 500, fault: "crash", node: "n0" }], workload: { kind: "echo", timeoutMs: 100 } });
    const after = record.history.filter((op) => op.invokeMs > 500);
    expect(after.length).toBeGreaterThan(0);
    expect(after.every((op) => op.outcome === "info" && op.error === "timeout")).toBe(true);
  });
});

describe("stopping", () => {
  test("a runaway run stops with sim-runaway and a replay line that reproduces it", async () => {
    const storm = (node: NodeContext) => {
      node.on("ping", (msg) => {
        node.send(msg.src, { type: "ping" });
        node.send(msg.src, { type: "ping" });
      });
      if (node.id === "n0") node.send("n1", { type: "ping" });
    };
    const failure = await simulate(storm, { seed: 11, nodes: 2, maxEvents: 50_000 }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(SimulationError);
    const error = failure as SimulationError;
    expect(error.code).toBe("sim-runaway");
    expect(error.message).toContain(`replay: ${error.replay}`);
    expect(error.partial.messages.length).toBeGreaterThan(40_000);
    const again = (await simulate(storm, { replay: error.replay }).catch((e: unknown) => e)) as SimulationError;
    expect(again.code).toBe("sim-runaway");
    expect(JSON.stringify(again.partial)).toBe(JSON.stringify(error.partial));
  });

  test("an abort signal interrupts a long run in the middle", async () => {
    const controller = new AbortController();
    const ticker = (node: NodeContext) => {
      node.every(1, () => {
        if (node.now() === 5000) controller.abort();
      });
    };
    const failure = (await simulate(ticker, { nodes: 2, durationMs: 1_000_000, signal: controller.signal, progress: false }).catch((e: unknown) => e)) as SimulationError;
    expect(failure).toBeInstanceOf(SimulationError);
    expect(failure.code).toBe("sim-interrupted");
    expect(failure.partial.endMs).toBeGreaterThanOrEqual(5000);
    expect(failure.partial.endMs).toBeLessThan(10_000);
  });

  test("inside a kernel: the cell's interrupt stops the run, and a long run shows progress", async () => {
    const interrupt = new AbortController();
    const shown: Array<Record<string, unknown>> = [];
    const bridge = { interruptSignal: interrupt.signal, display: (bundle: Record<string, unknown>) => shown.push(bundle) };
    (globalThis as Record<symbol, unknown>)[KERNEL_BRIDGE] = bridge;
    try {
      const ticker = (node: NodeContext) => node.every(1, () => {
        if (node.now() === 20_000) interrupt.abort();
      });
      const failure = (await simulate(ticker, { nodes: 2, durationMs: 1_000_000 }).catch((e: unknown) => e)) as SimulationError;
      expect(failure.code).toBe("sim-interrupted");
      expect(failure.message).toContain("replay: pardis-sim ");
      expect(shown.length).toBeGreaterThan(0);
      expect(String(shown.at(-1)!["text/plain"])).toMatch(/^simulating 2 nodes \(virtual ms\) \[#*\.*\] \d+\/1000000/);
    } finally {
      delete (globalThis as Record<symbol, unknown>)[KERNEL_BRIDGE];
    }
  });

  test("bad options say what was expected", async () => {
    await expect(simulate(echoNode, { network: { loss: 2 } })).rejects.toThrow(/network.loss is a probability in \[0, 1\], got 2/);
    await expect(simulate(echoNode, { faults: [{ atMs: 1, fault: "crash", node: "n7" }] })).rejects.toThrow(/unknown node n7/);
    await expect(simulate(echoNode, { replay: "seed=3" })).rejects.toThrow(/replay line/);
  });
});
