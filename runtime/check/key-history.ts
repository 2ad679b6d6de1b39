/**
 * A history as the linearizability search reads it: failed operations gone
 * (they did not take effect), operations without a known outcome pending
 * (they may take effect at any time after their call, or never), and one list
 * per key, since a history is linearizable exactly when each key's part is
 * (Herlihy and Wing's locality; Porcupine's P-compositionality).
 */
import type { HistoryOperation } from "../core/history.js";
import { CheckInputError } from "./errors.js";
import type { AnyModel } from "./models.js";
import { searchLinearization, type SearchOperation, type SearchResult } from "./wgl.js";

export interface KeyOperation {
  id: number;
  client: string;
  f: string;
  input?: unknown;
  output?: unknown;
  call: number;
  /** Infinity when pending. */
  ret: number;
  pending: boolean;
}

/** Operations per key (a history without keys is one key, ""), keys sorted. */
export function partitionByKey(history: readonly HistoryOperation[]): Map<string, KeyOperation[]> {
  const keys = new Map<string, KeyOperation[]>();
  const sorted = [...history].sort((a, b) => a.id - b.id);
  for (const op of sorted) {
    if (op.outcome === "fail") continue;
    if (!Number.isFinite(op.invokeMs)) throw new CheckInputError("bad-operation", `operation ${op.id} has no invokeMs`);
    const pending = op.outcome !== "ok";
    if (!pending && (typeof op.completeMs !== "number" || op.completeMs < op.invokeMs)) {
      throw new CheckInputError("bad-operation", `operation ${op.id} is ok but its completeMs (${String(op.completeMs)}) is missing or before its invokeMs (${op.invokeMs})`);
    }
    const key = op.key ?? "";
    let list = keys.get(key);
    if (list === undefined) keys.set(key, (list = []));
    list.push({
      id: op.id,
      client: op.client,
      f: op.f,
      input: op.input,
      output: op.output,
      call: op.invokeMs,
      ret: pending ? Infinity : op.completeMs!,
      pending,
    });
  }
  return new Map([...keys].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The search's view of some operations: pending reads dropped (they change nothing), and pending operations the model says nobody could observe; the rest compiled by the model. */
export function toSearch(model: AnyModel, ops: readonly KeyOperation[]): { search: SearchOperation[]; kept: KeyOperation[] } {
  const search: SearchOperation[] = [];
  const kept: KeyOperation[] = [];
  const modelOps = ops.map((op) => ({ f: op.f, input: op.input, output: op.output, pending: op.pending }));
  const keepPending = model.keepPending?.(modelOps) ?? (() => true);
  for (const [i, op] of ops.entries()) {
    const modelOp = modelOps[i]!;
    if (op.pending && (model.readOnly(modelOp) || !keepPending(modelOp))) continue;
    kept.push(op);
    search.push({ id: op.id, call: op.call, ret: op.ret, required: !op.pending, compiled: model.compile(modelOp) });
  }
  return { search, kept };
}

export interface KeyResult extends SearchResult {
  /** The operations the search saw, so the indices in `longest` and `stuck` can be mapped back. */
  kept: KeyOperation[];
}

export function checkKey(model: AnyModel, ops: readonly KeyOperation[], maxSteps: number): KeyResult {
  const { search, kept } = toSearch(model, ops);
  return { ...searchLinearization(model, search, maxSteps), kept };
}
