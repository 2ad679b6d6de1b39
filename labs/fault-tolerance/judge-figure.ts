/**
 * The picture for a failing seed: a Lamport diagram of the messages around
 * the anomaly when the exercise sent them, the operation timeline with the
 * witness highlighted otherwise, and for the detector a strip per
 * (node, peer) showing when the node suspected the peer.
 */
import { lamportDiagram, operationTimeline, type CheckVerdict, type HistoryOperation, type RunRecord } from "../../runtime/index.js";
import type { JsonValue } from "../../grader/lab/types.js";

const asJson = (value: unknown): JsonValue => JSON.parse(JSON.stringify(value)) as JsonValue;

function plain(figure: { data: unknown; layout?: unknown }): JsonValue {
  return asJson({ data: figure.data, layout: figure.layout });
}

export function runFigure(history: HistoryOperation[], endMs: number, verdict: CheckVerdict | undefined, window: unknown, title: string): JsonValue | undefined {
  const nodes = [...new Set(history.map((op) => op.node).filter((n): n is string => n !== undefined))].sort();
  const clients = [...new Set(history.map((op) => op.client))].sort();
  try {
    const w = window as { fromMs?: unknown; toMs?: unknown; nodes?: unknown; clients?: unknown; messages?: unknown; events?: unknown } | undefined;
    if (w && typeof w.fromMs === "number" && typeof w.toMs === "number" && Array.isArray(w.messages) && Array.isArray(w.events) && Array.isArray(w.nodes) && Array.isArray(w.clients)) {
      const record = { nodes: w.nodes, clients: w.clients, messages: w.messages, events: w.events, history, endMs } as RunRecord;
      return plain(lamportDiagram(record, { title, fromMs: w.fromMs, toMs: w.toMs }));
    }
  } catch {
    // a window that does not draw (malformed evidence) falls back to the timeline below
  }
  try {
    const record: RunRecord = { nodes, clients, messages: [], events: [], history, endMs };
    return plain(operationTimeline(record, verdict, { title }));
  } catch {
    return undefined;
  }
}

/** When each node suspected each peer: one bar per suspicion, per (node, peer) lane. */
export function beliefFigure(beliefs: Array<[number, string, string, string]>, endMs: number, crash: { node: string; atMs: number }, title: string): JsonValue {
  const lanes = [...new Set(beliefs.map(([, node, , peer]) => `${node} suspects ${peer}`))].sort();
  const x: Array<number | null> = [];
  const y: Array<string | null> = [];
  const open = new Map<string, number>();
  for (const [atMs, node, word, peer] of beliefs) {
    const lane = `${node} suspects ${peer}`;
    if (word === "suspect" && !open.has(lane)) open.set(lane, atMs);
    if (word === "trust" && open.has(lane)) {
      x.push(open.get(lane)!, atMs, null);
      y.push(lane, lane, null);
      open.delete(lane);
    }
  }
  for (const [lane, from] of open) {
    x.push(from, endMs, null);
    y.push(lane, lane, null);
  }
  return asJson({
    data: [
      { type: "scatter", mode: "lines", x, y, line: { width: 10, color: "#d62728" }, name: "suspected" },
      { type: "scatter", mode: "markers", x: [crash.atMs], y: [lanes[0] ?? ""], marker: { symbol: "x", size: 12, color: "black" }, name: `${crash.node} crashes` },
    ],
    layout: { title: { text: title }, xaxis: { title: { text: "time (ms)" }, range: [0, endMs] }, yaxis: { type: "category", categoryarray: lanes }, showlegend: true },
  });
}
