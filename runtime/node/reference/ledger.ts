import type { NodeContext } from "../context.js";
import type { Envelope } from "../message.js";
import { LEDGER_LOG_PREFIX, type LedgerBlock, type LedgerTransfer } from "./ledger-chain.js";
import { LedgerState, type LedgerRequest } from "./ledger-state.js";
import { startRaft, type RaftOptions } from "./raft.js";
import { serveThroughRaft, type ServeOptions } from "./raft-serve.js";
import { withRecipe } from "../program.js";

export interface LedgerOptions extends RaftOptions, ServeOptions {
  /** Opening balances. @default { alice: 100, bob: 100, carol: 100 } */
  accounts?: Record<string, number>;
  /** A block closes after this many accepted transfers. @default 4 */
  blockSize?: number;
  /** The leader proposes a seal this often when transfers wait unsealed. @default 100 */
  sealEveryMs?: number;
  /**
   * "none" is the deliberate mistake, for the notebooks: no consensus. The
   * node a client asks checks the balance against its own replica, applies
   * the transfer at once, replies, and gossips it to the others, who apply it
   * unchecked on arrival. Two nodes accept two spends of the same money (a
   * double spend: a balance goes negative elsewhere), and nodes apply
   * transfers in different orders, so their chains diverge.
   */
  consensus?: "raft" | "none";
}

export const DEFAULT_ACCOUNTS: Readonly<Record<string, number>> = { alice: 100, bob: 100, carol: 100 };

/**
 * A small replicated ledger, the course's blockchain without the mining:
 * accounts with balances, transfers accepted only if the sender can pay,
 * grouped into hash-chained blocks. The commands (transfer, balances, seal)
 * go through Raft (startRaft), so every node applies the same commands in the
 * same order to the same deterministic state machine (LedgerState) and builds
 * the same chain: the leader plays the block producer, and consensus, not
 * proof of work, decides the order.
 *
 * Requests: {type:"transfer", from, to, amount, ref?} → transfer_ok, or error
 * 22 (insufficient funds) / 12 (malformed); {type:"balances"} → balances_ok
 * {balances, height}. Followers forward to the leader.
 *
 * Observations: each node logs every block it seals as `ledger {"kind":"block",
 * ...}` for checkLedger, and Raft's consensus lines for checkConsensus.
 *
 * Invariant: every node's chain is a prefix of every longer one, hashes link,
 * no balance goes negative, and the total never changes.
 * Tolerates: what Raft tolerates (crash-restart of any node, partitions,
 * loss, duplication, reordering, pauses, skew); a restarted node rebuilds
 * balances and chain by re-applying its durable log.
 */
export function ledgerNode(options: LedgerOptions = {}) {
  const accounts = options.accounts ?? DEFAULT_ACCOUNTS;
  const blockSize = options.blockSize ?? 4;
  const sealEveryMs = options.sealEveryMs ?? 100;
  return withRecipe((node: NodeContext): void => {
    const logBlock = (block: LedgerBlock) => node.log(`${LEDGER_LOG_PREFIX}${JSON.stringify({ kind: "block", ...block })}`);
    const state = new LedgerState(accounts, blockSize, logBlock);
    if (options.consensus === "none") return unreplicated(node, state);
    const raft = startRaft(node, { apply: (command, _index, id) => state.apply(command as LedgerRequest, id) }, options);
    serveThroughRaft(node, raft, ["transfer", "balances"], options);
    node.every(sealEveryMs, () => {
      // The leader's applied state may lag its log by a heartbeat; a spare seal of an empty block is a no-op.
      if (raft.isLeader && state.unsealed > 0) raft.submit({ type: "seal" } satisfies LedgerRequest, raft.newRequestId(), () => {});
    });
  }, "ledgerNode", [options]);

  /** The broken ledger: local checks, local order, gossip. */
  function unreplicated(node: NodeContext, state: LedgerState): void {
    const incarnation = (node.storage.get<number>("ledger.incarnation") ?? 0) + 1;
    node.storage.set("ledger.incarnation", incarnation);
    let counter = 0;
    let applied = 0;
    /** Says what Raft would: "this is my entry at this index", so checkConsensus sees the orders differ. */
    const observe = (transfer: LedgerTransfer) => {
      const { id, from, to, amount } = transfer;
      node.log(`consensus ${JSON.stringify({ kind: "commit", term: 0, index: ++applied, value: { id, command: { type: "transfer", from, to, amount } } })}`);
    };
    node.on<LedgerRequest & { type: "transfer" }>("transfer", (msg) => {
      const id = `${node.id}.${incarnation}.${++counter}`;
      const { msg_id: _m, ...request } = msg.body as LedgerRequest & { type: "transfer"; msg_id?: number };
      const reply = state.apply(request, id);
      if (reply.type === "transfer_ok") {
        const transfer: LedgerTransfer = { id, ...(request.ref === undefined ? {} : { ref: request.ref }), from: request.from, to: request.to, amount: request.amount };
        observe(transfer);
        for (const peer of node.peers) node.send(peer, { type: "ledger_gossip", transfer });
      }
      return reply;
    });
    node.on<{ type: "ledger_gossip"; transfer: LedgerTransfer }>("ledger_gossip", (msg: Envelope<{ type: "ledger_gossip"; transfer: LedgerTransfer }>) => {
      state.record(msg.body.transfer); // "the sender checked it"
      observe(msg.body.transfer);
    });
    node.on("balances", () => ({ type: "balances_ok", balances: { ...state.balances }, height: state.chain.length - 1 }));
    node.every(sealEveryMs, () => state.seal());
  }
}
