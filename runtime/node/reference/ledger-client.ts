import type { NodeContext } from "../context.js";
import { RpcError } from "../rpc-error.js";
import { DEFAULT_ACCOUNTS } from "./ledger.js";
import { LEDGER_LOG_PREFIX } from "./ledger-chain.js";

export interface TransferClientOptions {
  /** The accounts to move money between. @default the ledger's default accounts */
  accounts?: readonly string[];
  /** Mean pause between requests (exponential). @default 30 */
  thinkMs?: number;
  /** No new request after this time on the node's clock. @default no end */
  stopMs?: number;
  /** How long to wait for an answer before recording the outcome as unknown. @default 300 */
  timeoutMs?: number;
  /** Amounts are drawn from 1..maxAmount: large enough that some transfers bounce. @default 60 */
  maxAmount?: number;
  /** One request in this many is a balances read. @default 5 */
  readEvery?: number;
}

/** What a transfer client logs when a request ends: accepted, refused (definitely not applied) or unknown (timeout, crash). */
export interface TransferOutcome {
  kind: "outcome";
  ref: string;
  from: string;
  to: string;
  amount: number;
  outcome: "ok" | "refused" | "unknown";
}

/**
 * A load generator that runs beside a ledger node in the simulator, since the
 * register workload does not speak transfers: one client per node, one
 * request at a time, each to a random node, with a `ref` of its own (unique
 * across restarts). It logs each transfer's outcome as
 * `ledger {"kind":"outcome", ...}`, so a test can ask whether every accepted
 * transfer made it into the chain.
 *
 *   simulate((node) => { ledgerNode()(node); transferClient(node, { stopMs: 2000 }); }, { ... })
 */
export function transferClient(node: NodeContext, options: TransferClientOptions = {}): void {
  const accounts = options.accounts ?? Object.keys(DEFAULT_ACCOUNTS);
  const thinkMs = options.thinkMs ?? 30;
  const timeoutMs = options.timeoutMs ?? 300;
  const maxAmount = options.maxAmount ?? 60;
  const readEvery = options.readEvery ?? 5;
  const incarnation = (node.storage.get<number>("ledger-client.incarnation") ?? 0) + 1;
  node.storage.set("ledger-client.incarnation", incarnation);
  let counter = 0;

  const think = () => Math.round(-thinkMs * Math.log(1 - node.random.next()) * 1000) / 1000;
  const next = () => {
    if (options.stopMs === undefined || node.now() < options.stopMs) node.setTimer(think(), () => request());
  };

  async function request(): Promise<void> {
    const target = node.random.pick(node.nodeIds);
    if (node.random.int(readEvery) === 0) {
      await node.rpc(target, { type: "balances" }, { timeoutMs }).catch(() => undefined);
      return next();
    }
    const from = node.random.pick(accounts);
    const to = node.random.pick(accounts.filter((a) => a !== from));
    const amount = 1 + node.random.int(maxAmount);
    const ref = `${node.id}.${incarnation}.${++counter}`;
    let outcome: TransferOutcome["outcome"];
    try {
      const reply = await node.rpc(target, { type: "transfer", from, to, amount, ref }, { timeoutMs });
      // msg_ids start over after a restart: an answer meant for an earlier life's request names another ref.
      outcome = reply.body.ref === ref ? "ok" : "unknown";
    } catch (error) {
      outcome = error instanceof RpcError && error.definite ? "refused" : "unknown";
    }
    node.log(`${LEDGER_LOG_PREFIX}${JSON.stringify({ kind: "outcome", ref, from, to, amount, outcome } satisfies TransferOutcome)}`);
    next();
  }
  next();
}
