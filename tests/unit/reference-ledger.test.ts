/**
 * The replicated ledger on Raft: on 100 swarm seeds (loss, duplicates,
 * reordering, partitions, crash-restart, pauses, skew) and 100 seeds of
 * crash-restart churn, every node's chain is a prefix of the others', hashes
 * link, balances never go negative, money is conserved (checkLedger), the log
 * is safe (checkConsensus), and every transfer a client saw accepted is in
 * the chain; blocks of transfers are sealed again once the faults stop; a
 * transfer delivered twice moves the money once. The ledger without
 * consensus is caught as divergent chains and divergent commits, a node's
 * own chain shows the double spend, and the replay line reproduces the
 * verdicts; so is a ledger on a Raft whose voters ignore the log.
 */
import { describe, expect, test } from "vitest";
import {
  checkConsensus,
  checkLedger,
  ledgerNode,
  ledgerObservations,
  seededRandom,
  simulate,
  transferClient,
  type Fault,
  type LedgerOptions,
  type NodeContext,
  type RunRecord,
  type SimulationOptions,
  type TransferOutcome,
} from "../../runtime/index.js";

const SEEDS = Array.from({ length: 100 }, (_, i) => 7000 + i);
/** A ledger node with a transfer client beside it; clients stop at 2500 ms (their own clocks), runs end at 3000. */
const withClients = (options: LedgerOptions) => (node: NodeContext) => {
  ledgerNode(options)(node);
  transferClient(node, { stopMs: 2500, timeoutMs: 200 });
};
/** Swarm faults until 1800 ms; the clients' own requests cross the faulty network too (loss goes on to the end). */
const swarmSpec = (seed: number): SimulationOptions => ({ seed, nodes: 3, durationMs: 3000, faults: { swarm: { untilMs: 1800 } } });

/** A node crashes every 20-80 ms and restarts 2-32 ms later, until 2000 ms. */
function churn(seed: number, nodes: number): Fault[] {
  const random = seededRandom(seed * 104729);
  const faults: Fault[] = [];
  for (let t = 50 + random.int(50); t < 2000; t += 20 + random.int(60)) faults.push({ atMs: t, fault: "crash", node: `n${random.int(nodes)}`, restartAfterMs: 2 + random.int(30) });
  return faults;
}
const churnSpec = (seed: number): SimulationOptions => ({ seed, nodes: 5, durationMs: 3000, faults: churn(seed, 5) });

function outcomes(record: RunRecord): Array<TransferOutcome & { atMs: number }> {
  return record.events
    .filter((e) => e.kind === "log" && e.detail?.startsWith('ledger {"kind":"outcome"'))
    .map((e) => ({ ...(JSON.parse(e.detail!.slice("ledger ".length)) as TransferOutcome), atMs: e.atMs }));
}

/** The ledger's promises, and what the run shows of its liveness. */
function expectSound(record: RunRecord, replay: string, quietFromMs: number) {
  const ledger = checkLedger(record);
  expect(ledger.ok, ledger.message).toBe(true);
  const consensus = checkConsensus(record);
  expect(consensus.ok, consensus.message).toBe(true);
  // Durability: an accepted transfer is in the chain (the leader seals what waits within 100 ms; clients stop long before the end).
  const blocks = ledgerObservations(record.events);
  const chained = new Set(blocks.flatMap((o) => o.block.transfers.map((t) => t.ref)));
  const all = outcomes(record);
  const lost = all.filter((o) => o.outcome === "ok" && o.atMs < 2500 && !chained.has(o.ref));
  expect(lost, replay).toEqual([]);
  // Liveness: once the faults stop, transfers enter the chain again (loss may go on, so the client may not hear of it).
  const progress = blocks.some((o) => o.atMs > quietFromMs && o.block.transfers.length > 0);
  expect(progress, `no block of transfers sealed after the faults stopped\nreplay: ${replay}`).toBe(true);
  return { accepted: all.filter((o) => o.outcome === "ok").length, refused: all.filter((o) => o.outcome === "refused").length, height: ledger.details!.height as number };
}

describe("replicated ledger", () => {
  test("one chain, no overdraft, money conserved, nothing accepted is lost: 100 swarm seeds", async () => {
    let accepted = 0;
    let refused = 0;
    for (const seed of SEEDS) {
      const run = await simulate(withClients({}), swarmSpec(seed));
      const seen = expectSound(run.record, run.replay, 1900);
      accepted += seen.accepted;
      refused += seen.refused;
      expect(seen.height, run.replay).toBeGreaterThan(2);
    }
    // The balance check is exercised: plenty of transfers bounce for want of funds.
    expect(refused).toBeGreaterThan(300);
    expect(accepted).toBeGreaterThan(2000);
  });

  test("the same under crash-restart churn in a five-node cluster: 100 seeds", async () => {
    for (const seed of SEEDS) {
      const run = await simulate(withClients({}), churnSpec(seed));
      expectSound(run.record, run.replay, 2100);
    }
  });

  test("a transfer whose message arrives twice moves the money once", async () => {
    for (const seed of SEEDS.slice(0, 10)) {
      const run = await simulate(withClients({}), { seed, nodes: 3, durationMs: 1500, network: { duplicate: 1 } });
      const verdict = checkLedger(run.record);
      expect(verdict.ok, verdict.message).toBe(true);
      expect(verdict.details!.transfers as number).toBeGreaterThan(10);
    }
  });

  test("a client sees its transfers, refusals and balances", async () => {
    const replies: unknown[] = [];
    const run = await simulate(
      (node) => {
        ledgerNode()(node);
        if (node.id !== "n2") return;
        node.setTimer(500, async () => {
          // Sent to a follower or the leader alike: followers forward.
          for (const [to, amount] of [["bob", 30], ["carol", 80], ["carol", 70]] as const) {
            replies.push(await node.rpc("n1", { type: "transfer", from: "alice", to, amount }).then((r) => r.body.type, (e: Error) => e.message));
          }
          const { body } = await node.rpc("n0", { type: "balances" });
          replies.push(body.balances);
        });
      },
      { seed: 3, nodes: 3, durationMs: 1500 },
    );
    expect(replies[0]).toBe("transfer_ok");
    expect(replies[1]).toMatch(/precondition-failed \(code 22\): alice has 70, cannot send 80/);
    expect(replies[2]).toBe("transfer_ok");
    expect(replies[3]).toEqual({ alice: 0, bob: 130, carol: 170 });
    expect(checkLedger(run.record).message).toContain("2 transfer(s), total 300 conserved");
  });
});

describe("ledger without consensus", () => {
  test("applying transfers where they arrive splits the chain and double-spends; the replay line reproduces both verdicts", async () => {
    const broken = withClients({ consensus: "none" });
    let first: { ledger: string; consensus: string; replay: string } | undefined;
    let overdrafts = 0;
    for (const seed of SEEDS.slice(0, 30)) {
      const run = await simulate(broken, swarmSpec(seed));
      const ledger = checkLedger(run.record);
      const consensus = checkConsensus(run.record);
      expect(ledger.anomaly, run.replay).toBe("divergent-chain");
      expect(consensus.anomaly, run.replay).toBe("divergent-commit");
      expect(ledger.message).toContain(`replay: ${run.replay}`);
      first ??= { ledger: ledger.message, consensus: consensus.message, replay: run.replay };
      // Each node's own chain, alone: peers applied transfers their sender checked against a different balance.
      const blocks = ledgerObservations(run.record.events);
      if (run.record.nodes.some((node) => checkLedger(blocks.filter((o) => o.node === node)).anomaly === "overdraft")) overdrafts++;
    }
    expect(overdrafts, "some node's chain should show money spent twice").toBeGreaterThan(5);
    const again = await simulate(broken, { replay: first!.replay });
    expect(checkLedger(again.record).message).toBe(first!.ledger);
    expect(checkConsensus(again.record).message).toBe(first!.consensus);
  });

  test("a ledger is only as good as its consensus: on a Raft whose voters ignore the log, the chain forks", async () => {
    const forking = withClients({ broken: "vote-ignores-log" });
    let first: { message: string; replay: string } | undefined;
    let forks = 0;
    for (const seed of SEEDS.slice(0, 40)) {
      const run = await simulate(forking, swarmSpec(seed));
      const verdict = checkLedger(run.record);
      if (verdict.ok) continue;
      expect(verdict.anomaly, verdict.message).toBe("divergent-chain");
      forks++;
      first ??= { message: verdict.message, replay: run.replay };
    }
    expect(forks).toBeGreaterThan(3);
    const again = await simulate(forking, { replay: first!.replay });
    expect(checkLedger(again.record).message).toBe(first!.message);
  });
});
