/**
 * The numbers of a run a systems course asks about: how long operations took
 * (percentiles, since a mean hides the slow tail that timeouts and retries
 * make), and what the protocol cost in messages per operation, by type and by
 * fault. Computed here once, read by the stats figure, its text and any code.
 */
import type { HistoryOperation, MessageRecord } from "../core/history.js";
import { countBy, formatCounts, outcomeOf, recordOf, sortedCounts, type RunSource } from "./run-format.js";

export interface LatencyStats {
  /** The operation kind ("read", "write", ...), or "all" for every ok operation together. */
  f: string;
  count: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  meanMs: number;
}

export interface RunStatistics {
  operations: { total: number; ok: number; fail: number; info: number; pending: number };
  /** Latency (completeMs - invokeMs) of ok operations, per f in name order, then "all" when there is more than one f. */
  latency: LatencyStats[];
  /** Every ok operation's latency by f, ascending: what the CDF draws. */
  latenciesByF: ReadonlyMap<string, readonly number[]>;
  /** Messages whose source and destination are both nodes: the protocol's own traffic. */
  messagesBetweenNodes: number;
  /** Requests and replies between clients and nodes. */
  messagesWithClients: number;
  /** Operations that definitely ended (ok or fail); info and pending ones may still be running. */
  completedOperations: number;
  /** messagesBetweenNodes / completedOperations (Maelstrom's "msgs-per-op" for servers); undefined without completed operations. */
  msgsPerOperation: number | undefined;
  /** Count per message type, most frequent first. */
  messagesByType: Array<[string, number]>;
  /** Count per fault ("loss", "partition", "crashed", "duplicate", ...), most frequent first; fault-free messages are not listed. */
  messagesByFault: Array<[string, number]>;
  delivered: number;
  notDelivered: number;
}

/** Nearest rank: the smallest value with at least p of the values at or below it, so a percentile is always a measured latency. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;
}

function latencyOf(f: string, sorted: readonly number[]): LatencyStats {
  return {
    f,
    count: sorted.length,
    p50Ms: percentile(sorted, 0.5),
    p95Ms: percentile(sorted, 0.95),
    p99Ms: percentile(sorted, 0.99),
    maxMs: sorted[sorted.length - 1]!,
    meanMs: sorted.reduce((sum, value) => sum + value, 0) / sorted.length,
  };
}

const isOkWithTime = (op: HistoryOperation) => op.outcome === "ok" && op.completeMs !== undefined;

/** The statistics of a run, without drawing anything. */
export function runStatistics(source: RunSource): RunStatistics {
  const run = recordOf(source);
  const outcomes = countBy(run.history, outcomeOf);
  const operations = {
    total: run.history.length,
    ok: outcomes.get("ok") ?? 0,
    fail: outcomes.get("fail") ?? 0,
    info: outcomes.get("info") ?? 0,
    pending: outcomes.get("pending") ?? 0,
  };

  const byF = new Map<string, number[]>();
  for (const op of run.history.filter(isOkWithTime)) {
    const list = byF.get(op.f) ?? byF.set(op.f, []).get(op.f)!;
    list.push(op.completeMs! - op.invokeMs);
  }
  const names = [...byF.keys()].sort();
  for (const list of byF.values()) list.sort((a, b) => a - b);
  const latency = names.map((f) => latencyOf(f, byF.get(f)!));
  if (names.length > 1) latency.push(latencyOf("all", [...byF.values()].flat().sort((a, b) => a - b)));
  const latenciesByF = new Map(names.map((f) => [f, byF.get(f)!] as const));

  const nodes = new Set(run.nodes);
  const betweenNodes = (m: MessageRecord) => nodes.has(m.src) && nodes.has(m.dest);
  const messagesBetweenNodes = run.messages.filter(betweenNodes).length;
  const completedOperations = operations.ok + operations.fail;
  const notDelivered = run.messages.filter((m) => m.deliveredMs === undefined).length;
  return {
    operations,
    latency,
    latenciesByF,
    messagesBetweenNodes,
    messagesWithClients: run.messages.length - messagesBetweenNodes,
    completedOperations,
    msgsPerOperation: completedOperations > 0 ? messagesBetweenNodes / completedOperations : undefined,
    messagesByType: sortedCounts(countBy(run.messages, (m) => m.type)),
    messagesByFault: sortedCounts(countBy(run.messages.filter((m) => m.fault !== undefined), (m) => m.fault!)),
    delivered: run.messages.length - notDelivered,
    notDelivered,
  };
}

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]) => cells.map((text, column) => (column === 0 ? text.padEnd(widths[column]!) : text.padStart(widths[column]!))).join(" | ");
  return [line(header), ...rows.map(line)];
}

/** The text fallback: operations, a latency table per f, and the message counts. */
export function describeRunStats(stats: RunStatistics, header = "Run statistics"): string {
  const { operations } = stats;
  const outcomes = formatCounts(new Map(Object.entries(operations).filter(([name, count]) => name !== "total" && count > 0)));
  const lines = [`${header}: ${operations.total} operations${outcomes ? ` (${outcomes})` : ""}`];
  if (stats.latency.length === 0) lines.push("latency: no ok operations");
  else {
    lines.push("latency of ok operations (ms):");
    const ms = (value: number) => value.toFixed(1);
    lines.push(...table(["f", "count", "p50", "p95", "p99", "max"], stats.latency.map((row) => [row.f, String(row.count), ms(row.p50Ms), ms(row.p95Ms), ms(row.p99Ms), ms(row.maxMs)])).map((l) => `  ${l}`));
  }
  const perOp = stats.msgsPerOperation === undefined ? "no completed operations to divide by" : `${stats.msgsPerOperation.toFixed(2)} per completed operation (${stats.completedOperations} ok or fail)`;
  lines.push(`messages: ${stats.messagesBetweenNodes} between nodes, ${stats.messagesWithClients} with clients; ${perOp}`);
  if (stats.messagesByType.length > 0) lines.push(`by type: ${stats.messagesByType.map(([name, count]) => `${count} ${name}`).join(", ")}`);
  const faults = stats.messagesByFault.map(([name, count]) => `${count} ${name}`).join(", ");
  lines.push(`delivered ${stats.delivered}, not delivered ${stats.notDelivered}${faults ? `; faults: ${faults}` : ""}`);
  return lines.join("\n");
}
