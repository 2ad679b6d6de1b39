/**
 * checkLedger on hand-made chains: a consistent chain (also sealed again after
 * a restart) passes; each kind of damage is named by its anomaly.
 */
import { describe, expect, test } from "vitest";
import { CheckInputError, checkLedger, genesisBlock, sealBlock, type BlockObservation, type LedgerBlock, type LedgerTransfer, type RunRecord } from "../../runtime/index.js";

const opening = { alice: 100, bob: 50 };
const t = (id: string, from: string, to: string, amount: number): LedgerTransfer => ({ id, from, to, amount });

/** Seals blocks honestly: balances follow the transfers, whatever they are. */
function chainOf(...blocks: LedgerTransfer[][]): LedgerBlock[] {
  const chain = [genesisBlock(opening)];
  const balances: Record<string, number> = { ...opening };
  for (const transfers of blocks) {
    for (const x of transfers) {
      balances[x.from]! -= x.amount;
      balances[x.to]! += x.amount;
    }
    chain.push(sealBlock(chain.length, chain.at(-1)!.hash, transfers, balances));
  }
  return chain;
}
const on = (node: string, chain: LedgerBlock[], startMs = 0): BlockObservation[] => chain.map((block, i) => ({ node, atMs: startMs + 10 * i, block }));

const good = chainOf([t("a", "alice", "bob", 30)], [t("b", "bob", "alice", 80), t("c", "alice", "bob", 1)]);

describe("checkLedger", () => {
  test("nodes that sealed the same chain, one of them twice across a restart, are consistent", () => {
    const verdict = checkLedger([...on("n0", good), ...on("n1", good.slice(0, 2)), ...on("n1", good, 100)]);
    expect(verdict.ok, verdict.message).toBe(true);
    expect(verdict.message).toBe("consistent: 2 node(s) agree on a chain of 2 block(s) after genesis, 3 transfer(s), total 150 conserved, no balance below zero");
  });

  test("a block whose content was changed after sealing: bad-hash", () => {
    const tampered = { ...good[1]!, transfers: [t("a", "alice", "bob", 3)] };
    const verdict = checkLedger(on("n0", [good[0]!, tampered]));
    expect(verdict.anomaly).toBe("bad-hash");
    expect(verdict.message).toContain("the hash of block 1 does not match its content");
  });

  test("a block that does not name its predecessor: broken-link", () => {
    const orphan = sealBlock(2, "f".repeat(64), [], { alice: 70, bob: 80 });
    expect(checkLedger(on("n0", [good[0]!, good[1]!, orphan])).anomaly).toBe("broken-link");
    // A gap (block 2 right after genesis) is a broken link too.
    expect(checkLedger(on("n0", [good[0]!, good[2]!])).anomaly).toBe("broken-link");
  });

  test("two nodes with different blocks at one height: divergent-chain, whichever is longer", () => {
    const other = chainOf([t("x", "bob", "alice", 5)]);
    const verdict = checkLedger([...on("n0", good), ...on("n1", other, 1)]);
    expect(verdict.anomaly).toBe("divergent-chain");
    expect(verdict.message).toContain("n0 and n1 sealed different blocks at height 1");
  });

  test("money spent twice: overdraft", () => {
    const verdict = checkLedger(on("n0", chainOf([t("a", "alice", "bob", 60)], [t("b", "alice", "bob", 60)])));
    expect(verdict.anomaly).toBe("overdraft");
    expect(verdict.message).toContain("alice goes to -20 in block 2");
  });

  test("balances that do not follow from the transfers (money created): wrong-balances", () => {
    const minted = sealBlock(1, good[0]!.hash, [t("a", "alice", "bob", 30)], { alice: 70, bob: 90 });
    const verdict = checkLedger(on("n0", [good[0]!, minted]));
    expect(verdict.anomaly).toBe("wrong-balances");
    expect(verdict.message).toContain("(total 160)");
  });

  test("one transfer twice, a negative amount, an unknown account", () => {
    expect(checkLedger(on("n0", chainOf([t("a", "alice", "bob", 1)], [t("a", "alice", "bob", 1)]))).anomaly).toBe("double-apply");
    // The same client transfer (by ref) appended twice under two cluster ids.
    const twice = checkLedger(on("n0", chainOf([{ ...t("a", "alice", "bob", 1), ref: "c1.1" }, { ...t("b", "alice", "bob", 1), ref: "c1.1" }])));
    expect(twice.message).toContain("double-apply: the client's transfer c1.1 is in the chain twice (as a and b)");
    expect(checkLedger(on("n0", chainOf([t("a", "alice", "bob", -5)]))).anomaly).toBe("invalid-transfer");
    const stranger = sealBlock(1, good[0]!.hash, [t("a", "alice", "mallory", 5)], { alice: 95, bob: 50, mallory: 5 });
    expect(checkLedger(on("n0", [good[0]!, stranger])).anomaly).toBe("invalid-transfer");
  });

  test("reads blocks from a run's log lines, and a failing verdict ends with the run's replay line", () => {
    const other = chainOf([t("x", "bob", "alice", 5)]);
    const line = (node: string, atMs: number, block: LedgerBlock) => ({ atMs, kind: "log" as const, node, detail: `ledger ${JSON.stringify({ kind: "block", ...block })}` });
    const record: RunRecord = {
      nodes: ["n0", "n1"], clients: [], messages: [], history: [], endMs: 100, replay: "pardis-sim {}",
      events: [line("n0", 1, good[0]!), line("n1", 1, other[0]!), { atMs: 2, kind: "log", node: "n0", detail: 'ledger {"kind":"outcome","ref":"r","outcome":"ok"}' }, line("n0", 3, good[1]!), line("n1", 4, other[1]!)],
    };
    const verdict = checkLedger(record);
    expect(verdict.anomaly).toBe("divergent-chain");
    expect(verdict.message.endsWith("\nreplay: pardis-sim {}")).toBe(true);
  });

  test("a malformed block is an input error, not a verdict", () => {
    const bad = [{ node: "n0", atMs: 0, block: { height: 0 } as unknown as LedgerBlock }];
    expect(() => checkLedger(bad)).toThrow(CheckInputError);
    try {
      checkLedger(bad);
    } catch (error) {
      expect((error as CheckInputError).code).toBe("bad-observation");
    }
  });
});
