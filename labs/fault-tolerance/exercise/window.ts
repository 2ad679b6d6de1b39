/**
 * The part of a run a diagram needs around an anomaly: the messages between
 * nodes and clients (heartbeats left out: they would bury the rest) and the
 * crashes, restarts and partitions, in a short time window.
 */
import type { CheckVerdict, RunRecord } from "../../../runtime/index.js";
import type { WindowObservation } from "./params.js";

const MAX_MESSAGES = 400;

export function windowAround(record: RunRecord, verdict: CheckVerdict | undefined, fallbackFromMs: number): WindowObservation {
  const witness = new Set(verdict?.witness ?? []);
  const ops = record.history.filter((op) => witness.has(op.id));
  const fromMs = Math.max(0, (ops.length > 0 ? Math.min(...ops.map((op) => op.invokeMs)) : fallbackFromMs) - 100);
  const toMs = Math.min(record.endMs, (ops.length > 0 ? Math.max(...ops.map((op) => op.completeMs ?? op.invokeMs)) : fallbackFromMs + 300) + 50);
  const messages = record.messages
    .filter((m) => m.type !== "heartbeat" && m.sentMs <= toMs && (m.deliveredMs ?? m.sentMs) >= fromMs)
    .slice(0, MAX_MESSAGES);
  const events = record.events.filter((e) => e.kind !== "timer" && e.kind !== "log" && e.atMs <= toMs);
  return { fromMs, toMs, nodes: record.nodes, clients: record.clients, messages: JSON.parse(JSON.stringify(messages)), events: JSON.parse(JSON.stringify(events)) };
}
