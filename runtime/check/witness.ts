/**
 * From a non-linearizable key history to a witness a learner can read: first
 * the shortest prefix in time that is already non-linearizable, then removal
 * of operations (halves, quarters, ... single ones, oldest first) while what
 * is left stays non-linearizable, within a step budget.
 *
 * A prefix up to time T keeps the operations called by T; those still running
 * at T become pending. Every prefix of a linearizable history is linearizable
 * under that cut, so the shortest failing prefix can be found by bisection.
 *
 * The operation whose completion ends that prefix is the culprit: the first
 * moment the history goes wrong. Every candidate keeps it. Removal alone could
 * still turn a stale read into a "read of a value never written" by dropping
 * the write it read, so the witness must also keep the reason: if freeing the
 * culprit from real time (any position in the order) makes the prefix
 * linearizable, the failure is one of timing, and each candidate must become
 * linearizable with the culprit freed too; otherwise the culprit fits nowhere,
 * and candidates must keep failing with it freed, yet keep the operations that
 * could enable it on their own (the write a losing cas expected, say).
 */
import type { AnyModel } from "./models.js";
import { checkKey, type KeyOperation } from "./key-history.js";

export interface Witness {
  ops: KeyOperation[];
  /** The operation whose completion first makes the history non-linearizable, when one alone does. */
  culprit?: KeyOperation;
  /** True when the culprit could happen at some other time (a stale read, say); false when it fits nowhere (a value never written). */
  timing?: boolean;
  /** The end of the shortest failing prefix. */
  prefixEndMs: number;
  /** The budget ran out before the witness was minimal. */
  exhausted: boolean;
  /** Search steps spent. */
  steps: number;
}

/**
 * `hintEndMs`, when given, is where the full search got stuck (a return it
 * could not get past): the shortest failing prefix usually ends there, and
 * trying it first spares the bisection most of its expensive failing checks.
 */
export function minimalWitness(model: AnyModel, ops: readonly KeyOperation[], budgetSteps: number, hintEndMs?: number): Witness {
  let spent = 0;
  let exhausted = false;
  /** "fail", "ok" or "unknown" for these operations, within what is left of the budget. */
  const verdict = (candidate: readonly KeyOperation[]): "ok" | "fail" | "unknown" => {
    const left = budgetSteps - spent;
    if (left <= 0) {
      exhausted = true;
      return "unknown";
    }
    const result = checkKey(model, candidate, left);
    spent += result.steps;
    if (result.result === "unknown") exhausted = true;
    return result.result;
  };

  // Bisection on the end of the prefix, over the return times of completed operations.
  const ends = [...new Set(ops.filter((op) => !op.pending).map((op) => op.ret))].sort((a, b) => a - b);
  const prefix = (end: number): KeyOperation[] =>
    ops.filter((op) => op.call <= end).map((op) => (op.ret <= end ? op : { ...op, ret: Infinity, pending: true }));
  let lo = 0;
  let hi = ends.length - 1;
  const hint = hintEndMs === undefined ? -1 : ends.indexOf(hintEndMs);
  if (hint >= 0 && hint < hi && verdict(prefix(ends[hint]!)) === "fail") hi = hint;
  // The search got stuck there, so the prefix just before it is usually fine: try that too.
  if (hint > 0 && hint === hi && !exhausted && verdict(prefix(ends[hint - 1]!)) === "ok") lo = hint;
  while (lo < hi && !exhausted) {
    const mid = (lo + hi) >> 1;
    if (verdict(prefix(ends[mid]!)) === "fail") hi = mid;
    else lo = mid + 1;
  }
  const prefixEndMs = ends.length > 0 ? ends[hi]! : Infinity;
  let current = ends.length > 0 ? prefix(prefixEndMs) : [...ops];
  const without = (list: readonly KeyOperation[], op: KeyOperation) => list.filter((o) => o !== op);
  const culprit = current.filter((op) => op.ret === prefixEndMs).find((op) => verdict(without(current, op)) === "ok");

  const calls = current.map((op) => op.call);
  const rets = current.filter((op) => !op.pending).map((op) => op.ret);
  const earliest = Math.min(...calls) - 1;
  const latest = Math.max(...rets, ...calls) + 1;
  const freed = (list: readonly KeyOperation[]) => list.map((op) => (op === culprit ? { ...op, call: earliest, ret: latest } : op));
  const timing = culprit !== undefined && verdict(freed(current)) === "ok";
  // When the culprit fits nowhere, keep what could have enabled it: some of the others, in any order, then the culprit.
  const enabling = (list: readonly KeyOperation[]) =>
    list.map((op) => (op === culprit ? { ...op, call: 0, ret: 1 } : { ...op, call: 0, ret: Infinity, pending: true }));
  const enabled = (list: readonly KeyOperation[]) => verdict(enabling(list)) !== "fail";
  const mustStayEnabled = culprit !== undefined && !timing && enabled(current);
  const sameReason = (candidate: readonly KeyOperation[]) =>
    culprit === undefined ||
    (candidate.includes(culprit) && verdict(freed(candidate)) === (timing ? "ok" : "fail") && (!mustStayEnabled || enabled(candidate)));

  for (let size = current.length >> 1; size >= 1 && !exhausted; size = size === 1 ? 0 : size >> 1) {
    for (let at = 0; at < current.length && !exhausted; ) {
      const candidate = [...current.slice(0, at), ...current.slice(at + size)];
      if (candidate.length > 0 && verdict(candidate) === "fail" && sameReason(candidate)) {
        current = candidate;
      }
      else at += size;
    }
  }
  return { ops: current, culprit, timing: culprit === undefined ? undefined : timing, prefixEndMs, exhausted, steps: spent };
}
