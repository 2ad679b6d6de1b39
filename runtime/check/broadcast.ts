/**
 * Broadcast delivery, as Maelstrom's broadcast workload checks it: every
 * acknowledged broadcast ({ f: "broadcast", input: message }) shows up in the
 * final read ({ f: "read", output: message[] or { messages } }) of every node
 * up at the end, and no read ever shows a message nobody broadcast.
 *
 * Details carry the cost and speed of dissemination: messages between nodes
 * per client operation, and stable latency, the time from a broadcast's call
 * until every later read on every node includes it (measured to the
 * completion of the first such read, so an upper bound).
 */
import type { CheckVerdict, HistoryOperation, RunRecord } from "../core/history.js";
import { finalReads, liveNodesAtEnd } from "./final-reads.js";
import { canonicalJson } from "./json.js";
import { runOf, withReplay, type CheckInput } from "./run-input.js";

export interface BroadcastOptions {
  /** Nodes that must hold every message. @default the run's nodes not crashed at the end, or else every node with a read */
  nodes?: string[];
  /** Only reads invoked at or after this time count as final. @default the last read per node */
  finalFromMs?: number;
}

const messagesOf = (output: unknown): unknown[] => {
  if (Array.isArray(output)) return output;
  const inner = (output as { messages?: unknown } | undefined)?.messages;
  return Array.isArray(inner) ? inner : [];
};

function quantile(sorted: readonly number[], q: number): number | undefined {
  if (sorted.length === 0) return undefined;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

export function checkBroadcast(input: CheckInput, options: BroadcastOptions = {}): CheckVerdict {
  return withReplay(judge(input, options), runOf(input));
}

function judge(input: CheckInput, options: BroadcastOptions): CheckVerdict {
  const run = Array.isArray(input) ? undefined : (input as RunRecord);
  const history: readonly HistoryOperation[] = run?.history ?? (input as readonly HistoryOperation[]);
  const broadcasts = history.filter((op) => op.f === "broadcast");
  const acked = broadcasts.filter((op) => op.outcome === "ok");
  const reads = history.filter((op) => op.f === "read" && op.outcome === "ok");
  const final = finalReads(history, options.finalFromMs);
  const nodes = options.nodes ?? (run ? liveNodesAtEnd(run.nodes, run.events) : [...final.keys()]);
  const contents = new Map(reads.map((r) => [r.id, new Set(messagesOf(r.output).map(canonicalJson))]));

  const details: Record<string, unknown> = { broadcasts: broadcasts.length, acknowledged: acked.length, reads: reads.length, nodes };
  if (run) {
    const servers = new Set(run.nodes);
    const between = run.messages.filter((m) => servers.has(m.src) && servers.has(m.dest)).length;
    details.messagesBetweenNodes = between;
    details.msgsPerOperation = history.length === 0 ? 0 : between / history.length;
  }

  const sent = new Set(broadcasts.map((op) => canonicalJson(op.input)));
  for (const read of reads) {
    const phantom = [...contents.get(read.id)!].find((m) => !sent.has(m));
    if (phantom !== undefined) {
      return { checker: "broadcast", ok: false, anomaly: "phantom-message", message: `phantom-message: read #${read.id} on ${read.node ?? read.client} returned ${phantom}, which nobody broadcast`, witness: [read.id], details };
    }
  }

  const silent = nodes.filter((node) => !final.has(node));
  const lost: Array<{ broadcast: number; read: number; node: string }> = [];
  for (const node of nodes) {
    const read = final.get(node);
    if (read === undefined) continue;
    for (const b of acked) if (!contents.get(read.id)!.has(canonicalJson(b.input))) lost.push({ broadcast: b.id, read: read.id, node });
  }
  details.lost = lost.length;
  if (silent.length > 0) details.nodesWithoutReads = silent;

  // Stable latency: per node, the first read after which no read misses the message.
  const readsByNode = new Map<string, HistoryOperation[]>();
  for (const read of reads) {
    const node = read.node ?? read.client;
    readsByNode.set(node, [...(readsByNode.get(node) ?? []), read]);
  }
  for (const list of readsByNode.values()) list.sort((a, b) => a.invokeMs - b.invokeMs || a.id - b.id);
  const latencies: number[] = [];
  for (const b of acked) {
    const message = canonicalJson(b.input);
    let worst = -Infinity;
    for (const node of nodes) {
      const list = (readsByNode.get(node) ?? []).filter((r) => r.invokeMs >= b.invokeMs);
      let stable: HistoryOperation | undefined;
      for (const r of list) {
        if (!contents.get(r.id)!.has(message)) stable = undefined;
        else stable ??= r;
      }
      if (stable !== undefined) worst = Math.max(worst, (stable.completeMs ?? stable.invokeMs) - b.invokeMs);
    }
    if (worst > -Infinity) latencies.push(worst);
  }
  latencies.sort((a, b) => a - b);
  details.stableLatencyMs = {
    count: latencies.length,
    p50: quantile(latencies, 0.5),
    p95: quantile(latencies, 0.95),
    p99: quantile(latencies, 0.99),
    max: latencies.at(-1),
  };

  if (lost.length > 0) {
    const first = lost[0]!;
    const b = acked.find((op) => op.id === first.broadcast)!;
    return {
      checker: "broadcast",
      ok: false,
      anomaly: "lost-delivery",
      message: `lost-delivery: ${lost.length} (message, node) pair(s) missing; first: ${JSON.stringify(b.input)}, acknowledged by broadcast #${b.id}, is not in ${first.node}'s final read #${first.read}`,
      witness: [first.broadcast, first.read].sort((x, y) => x - y),
      details: { ...details, missing: lost.slice(0, 50) },
    };
  }
  return {
    checker: "broadcast",
    ok: true,
    message: `delivered: all ${acked.length} acknowledged messages reached all ${nodes.length - silent.length} node(s) with a final read${silent.length > 0 ? ` (${silent.join(", ")} never read)` : ""}`,
    details,
  };
}
