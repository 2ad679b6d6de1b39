import { createHash } from "node:crypto";

/** A transfer as a block records it: `ref` is the client's own name for it, `id` the cluster's. */
export interface LedgerTransfer {
  id: string;
  ref?: string;
  from: string;
  to: string;
  amount: number;
}

/**
 * One block of the chain. Block 0 (genesis) holds no transfers, only the
 * opening balances; every later block holds the transfers accepted since the
 * previous one and the balances after them, and names the previous block by
 * its hash, so changing any block changes every hash after it.
 */
export interface LedgerBlock {
  height: number;
  prevHash: string;
  transfers: LedgerTransfer[];
  /** Every account's balance after this block's transfers. */
  balances: Record<string, number>;
  hash: string;
}

/** What genesis names as its previous block. */
export const GENESIS_PREV_HASH = "0".repeat(64);

/** The prefix of a node's log line that carries a ledger observation (a block it sealed), for runtime/check/ledger.ts. */
export const LEDGER_LOG_PREFIX = "ledger ";

/**
 * SHA-256 of the block's content, written out field by field in a fixed order
 * (not JSON.stringify of the object, whose key order follows how it was built)
 * so every node computes the same hash for the same block.
 */
export function blockHash(block: Omit<LedgerBlock, "hash">): string {
  const content = JSON.stringify([
    block.height,
    block.prevHash,
    block.transfers.map((t) => [t.id, t.ref ?? null, t.from, t.to, t.amount]),
    Object.keys(block.balances).sort().map((account) => [account, block.balances[account]]),
  ]);
  return createHash("sha256").update(content).digest("hex");
}

export function sealBlock(height: number, prevHash: string, transfers: LedgerTransfer[], balances: Record<string, number>): LedgerBlock {
  const block = { height, prevHash, transfers, balances: { ...balances } };
  return { ...block, hash: blockHash(block) };
}

export function genesisBlock(balances: Record<string, number>): LedgerBlock {
  return sealBlock(0, GENESIS_PREV_HASH, [], balances);
}
