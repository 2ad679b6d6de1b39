/**
 * Histories over the channel as tuples (a third of the size of the objects),
 * and back. The judge decodes what it receives with `decodeHistory`, which
 * refuses anything that is not a well-formed history instead of trusting it.
 */
import type { HistoryOperation } from "../../../runtime/index.js";
import type { CompactOperation } from "./params.js";

const round = (ms: number) => Math.round(ms * 1000) / 1000;

export function encodeHistory(history: readonly HistoryOperation[]): CompactOperation[] {
  return history.map((op) => [
    op.id,
    op.client,
    op.f,
    op.key ?? null,
    op.input ?? null,
    op.output ?? null,
    op.outcome ?? null,
    round(op.invokeMs),
    op.completeMs === undefined ? null : round(op.completeMs),
    op.node ?? null,
    op.error ?? null,
  ]);
}

const OUTCOMES = new Set(["ok", "fail", "info"]);
const isString = (x: unknown): x is string => typeof x === "string";
const isTime = (x: unknown): x is number => typeof x === "number" && Number.isFinite(x) && x >= 0;

/** The history back, or a reason why what was received is not one. */
export function decodeHistory(value: unknown): HistoryOperation[] | string {
  if (!Array.isArray(value)) return "the history is not a list";
  const ids = new Set<number>();
  const history: HistoryOperation[] = [];
  for (const [index, row] of value.entries()) {
    if (!Array.isArray(row) || row.length !== 11) return `operation ${index} is not a history row`;
    const [id, client, f, key, input, output, outcome, invokeMs, completeMs, node, error] = row as unknown[];
    if (!Number.isInteger(id) || ids.has(id as number)) return `operation ${index} has a bad or repeated id`;
    ids.add(id as number);
    if (!isString(client) || !isString(f) || !["read", "write", "cas"].includes(f)) return `operation ${index} is not a register operation`;
    if (key !== null && !isString(key)) return `operation ${index} has a bad key`;
    if (outcome !== null && !(isString(outcome) && OUTCOMES.has(outcome))) return `operation ${index} has a bad outcome`;
    if (!isTime(invokeMs) || (completeMs !== null && !(isTime(completeMs) && completeMs >= invokeMs))) return `operation ${index} has bad times`;
    if ((outcome === null) !== (completeMs === null)) return `operation ${index} completed without an outcome (or the other way round)`;
    history.push({
      id: id as number,
      client,
      f,
      ...(key !== null ? { key } : {}),
      ...(input !== null ? { input } : {}),
      ...(output !== null ? { output } : {}),
      ...(outcome !== null ? { outcome: outcome as HistoryOperation["outcome"] } : {}),
      invokeMs,
      ...(completeMs !== null ? { completeMs } : {}),
      ...(isString(node) ? { node } : {}),
      ...(isString(error) ? { error } : {}),
    });
  }
  return history;
}
