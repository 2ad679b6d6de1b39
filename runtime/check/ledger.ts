/**
 * A replicated ledger's chain, judged from the blocks its nodes say they
 * sealed (runtime/node/reference/ledger.ts logs each as
 * `ledger {"kind":"block", height, prevHash, transfers, balances, hash}`):
 *
 *   bad-hash          a block's hash is not the hash of its content;
 *   broken-link       a block does not name the block before it (on the same node) as its previous one;
 *   divergent-chain   two nodes sealed different blocks at the same height (a chain is not a prefix of another);
 *   invalid-transfer  a transfer names an unknown account or a non-positive or fractional amount;
 *   overdraft         replaying the chain from genesis, a balance goes negative (a double spend);
 *   wrong-balances    a block's balances are not what its transfers make of the previous ones
 *                     (money created or destroyed: the total must never change);
 *   double-apply      one transfer appears twice in the chain (by the cluster's id, or by the client's ref).
 *
 * A node that restarts seals its chain again from genesis; every life's
 * blocks must agree with everyone's.
 */
import type { CheckVerdict, RunEvent, RunRecord } from "../core/history.js";
import { GENESIS_PREV_HASH, LEDGER_LOG_PREFIX, blockHash, type LedgerBlock } from "../node/index.js";
import { CheckInputError } from "./errors.js";
import { loggedObservations } from "./logged-observations.js";
import { withReplay } from "./run-input.js";

/** A block as one node reported it. */
export interface BlockObservation {
  node: string;
  atMs: number;
  block: LedgerBlock;
}

/** Block observations from a run's log events; other ledger lines (a client's outcomes) are skipped. */
export function ledgerObservations(events: readonly RunEvent[]): BlockObservation[] {
  const out: BlockObservation[] = [];
  for (const { node, atMs, body } of loggedObservations(events, LEDGER_LOG_PREFIX, "ledger")) {
    const { kind, ...block } = body as { kind?: string } & Partial<LedgerBlock>;
    if (kind === "block") out.push({ node, atMs, block: block as LedgerBlock });
  }
  return out;
}

function validate(o: BlockObservation): void {
  const b = o.block;
  const ok = Number.isInteger(b.height) && b.height >= 0 && typeof b.prevHash === "string" && typeof b.hash === "string" && Array.isArray(b.transfers) && b.balances !== null && typeof b.balances === "object";
  if (!ok) throw new CheckInputError("bad-observation", `ledger block from ${o.node} at ${o.atMs} ms lacks height, prevHash, hash, transfers or balances: ${JSON.stringify(b)}`);
}

const show = (o: BlockObservation) => `${o.node} sealed block ${o.block.height} (${o.block.hash.slice(0, 12)}…, after ${o.block.prevHash.slice(0, 12)}…, ${o.block.transfers.length} transfer(s)) at ${o.atMs} ms`;

export function checkLedger(input: RunRecord | readonly BlockObservation[]): CheckVerdict {
  return withReplay(judge(input), Array.isArray(input) ? undefined : (input as RunRecord));
}

function judge(input: RunRecord | readonly BlockObservation[]): CheckVerdict {
  const observations = Array.isArray(input) ? [...(input as BlockObservation[])] : ledgerObservations((input as RunRecord).events);
  observations.sort((a, b) => a.atMs - b.atMs);
  observations.forEach(validate);
  const bad = (anomaly: string, message: string, witness: BlockObservation[]): CheckVerdict => ({
    checker: "ledger",
    ok: false,
    anomaly,
    message: `${anomaly}: ${message}\n${witness.map((o) => `  ${show(o)}`).join("\n")}`,
    details: { blocks: observations.length, witness },
  });

  // Each block on its own, and linked to the block its node sealed just before (genesis starts a node's life over).
  const previous = new Map<string, BlockObservation>();
  for (const o of observations) {
    const { hash, ...content } = o.block;
    if (blockHash(content) !== hash) return bad("bad-hash", `the hash of block ${o.block.height} does not match its content`, [o]);
    const before = previous.get(o.node);
    previous.set(o.node, o);
    if (o.block.height === 0) {
      if (o.block.prevHash !== GENESIS_PREV_HASH || o.block.transfers.length > 0) return bad("broken-link", "a genesis block names a previous block or holds transfers", [o]);
      continue;
    }
    if (before === undefined || before.block.height !== o.block.height - 1 || before.block.hash !== o.block.prevHash) {
      return bad("broken-link", `block ${o.block.height} does not follow the block ${o.node} sealed before it`, before === undefined ? [o] : [before, o]);
    }
  }

  // One chain: every height holds one block, whoever sealed it.
  const chain: BlockObservation[] = [];
  for (const o of observations) {
    const first = chain[o.block.height];
    if (first === undefined) chain[o.block.height] = o;
    else if (first.block.hash !== o.block.hash) return bad("divergent-chain", `${first.node} and ${o.node} sealed different blocks at height ${o.block.height}`, [first, o]);
  }

  // Replay the agreed chain from genesis: every transfer valid and covered, balances as claimed.
  const seen = new Set<string>();
  /** Client refs: a client's one transfer, delivered twice, must still be applied once. */
  const refs = new Map<string, string>();
  let balances: Record<string, number> | undefined;
  let total = 0;
  let height = 0;
  for (; height < chain.length && chain[height] !== undefined; height++) {
    const o = chain[height]!;
    if (balances === undefined) {
      balances = { ...o.block.balances };
      total = Object.values(balances).reduce((a, b) => a + b, 0);
      continue;
    }
    for (const t of o.block.transfers) {
      if (!(t.from in balances) || !(t.to in balances) || t.from === t.to || !Number.isInteger(t.amount) || t.amount <= 0) {
        return bad("invalid-transfer", `block ${height} moves ${JSON.stringify(t.amount)} from ${t.from} to ${t.to}`, [o]);
      }
      if (seen.has(t.id)) return bad("double-apply", `transfer ${t.id} is in the chain twice`, [o]);
      seen.add(t.id);
      if (t.ref !== undefined) {
        if (refs.has(t.ref)) return bad("double-apply", `the client's transfer ${t.ref} is in the chain twice (as ${refs.get(t.ref)} and ${t.id})`, [o]);
        refs.set(t.ref, t.id);
      }
      balances[t.from]! -= t.amount;
      balances[t.to]! += t.amount;
      if (balances[t.from]! < 0) return bad("overdraft", `${t.from} goes to ${balances[t.from]} in block ${height} (transfer ${t.id} of ${t.amount} to ${t.to}): money spent twice`, [o]);
    }
    const claimed = o.block.balances;
    const claimedTotal = Object.values(claimed).reduce((a, b) => a + b, 0);
    const differs = Object.keys({ ...balances, ...claimed }).some((account) => claimed[account] !== balances![account]);
    if (differs || claimedTotal !== total) {
      return bad("wrong-balances", `block ${height} claims balances ${JSON.stringify(claimed)} (total ${claimedTotal}), its transfers give ${JSON.stringify(balances)} (total ${total})`, [o]);
    }
  }
  const nodes = new Set(observations.map((o) => o.node)).size;
  return {
    checker: "ledger",
    ok: true,
    message: `consistent: ${nodes} node(s) agree on a chain of ${Math.max(0, height - 1)} block(s) after genesis, ${seen.size} transfer(s), total ${total} conserved, no balance below zero`,
    details: { blocks: observations.length, height: Math.max(0, height - 1), transfers: seen.size },
  };
}
