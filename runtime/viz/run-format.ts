/**
 * How the run pictures (Lamport diagram, operation timeline, run statistics)
 * write times, values and operations, so that the three read alike and a
 * label in one can be searched for in another.
 */
import type { HistoryOperation, RunRecord } from "../core/history.js";

/**
 * What the run pictures accept: a RunRecord, or anything that carries one as
 * `record` (the simulator's and the cluster's run results), so that
 * `lamportDiagram(await simulate(...))` works without unwrapping.
 */
export type RunSource = RunRecord | { readonly record: RunRecord };

export function recordOf(source: RunSource): RunRecord {
  return "record" in source ? source.record : source;
}

/** Plotly reads hover text as a little HTML; a value like `<nil>` must stay text. */
export function escapeHover(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

export const formatMs = (value: number): string => `${value.toFixed(1)} ms`;

/** Longest value shown whole in a label; longer ones are cut, since a label sits inside a bar. */
const VALUE_CHARS_MAX = 24;

/** A value as a learner wrote it: strings unquoted, everything else as JSON, long values cut with "…". */
export function formatValue(value: unknown, maxChars = VALUE_CHARS_MAX): string {
  let text: string;
  if (typeof value === "string") text = value;
  else if (value === undefined) text = "undefined";
  else {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = String(value);
    }
  }
  return text.length > maxChars ? `${text.slice(0, maxChars - 1)}…` : text;
}

/** An operation that had not completed when the run ended counts as "info": it may or may not have happened. */
export function outcomeOf(op: HistoryOperation): "ok" | "fail" | "info" | "pending" {
  return op.outcome ?? "pending";
}

/** What the operation returned, or how it ended when there is no value: "3", "ok", "fail: key-does-not-exist", "? timeout", "…". */
function resultOf(op: HistoryOperation): string {
  switch (outcomeOf(op)) {
    case "ok":
      return op.output === undefined ? "ok" : formatValue(op.output);
    case "fail":
      return op.error ? `fail: ${op.error}` : "fail";
    case "info":
      return op.error ? `? ${op.error}` : "?";
    case "pending":
      return "…";
  }
}

/** `f(key) input → output`: "read(x) → 3", "write(x) 5 → ok", "cas(x) [1,2] → fail: precondition-failed". */
export function operationLabel(op: HistoryOperation): string {
  const call = op.key === undefined ? op.f : `${op.f}(${op.key})`;
  const input = op.input === undefined ? "" : ` ${formatValue(op.input)}`;
  return `${call}${input} → ${resultOf(op)}`;
}

/** One line per operation for text fallbacks: "#7 c2 write(x) 5 → ok  [10.0 ms → 25.0 ms] via n1". */
export function operationLine(op: HistoryOperation): string {
  const end = op.completeMs === undefined ? "still pending at the end" : formatMs(op.completeMs);
  return `#${op.id} ${op.client} ${operationLabel(op)}  [${formatMs(op.invokeMs)} → ${end}]${op.node ? ` via ${op.node}` : ""}`;
}

/** "3 loss, 1 partition": counts in descending order, ties by name, so the text is the same on every run. */
export function formatCounts(counts: ReadonlyMap<string, number>): string {
  return sortedCounts(counts)
    .map(([name, count]) => `${count} ${name}`)
    .join(", ");
}

export function sortedCounts(counts: ReadonlyMap<string, number>): Array<[string, number]> {
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

export function countBy<T>(items: Iterable<T>, key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) {
    const name = key(item);
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return counts;
}

export const plural = (count: number, word: string): string => `${count} ${word}${count === 1 ? "" : "s"}`;
