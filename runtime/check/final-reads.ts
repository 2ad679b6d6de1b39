/**
 * What convergence and broadcast checkers compare: the last read each node
 * answered, and which nodes were up when the run ended (a node whose last
 * crash came after its last restart is down and owes no answer).
 */
import type { HistoryOperation, RunEvent } from "../core/history.js";

/** Nodes not crashed at the end of a run, in the order given. */
export function liveNodesAtEnd(nodes: readonly string[], events: readonly RunEvent[]): string[] {
  const down = new Set<string>();
  for (const event of [...events].sort((a, b) => a.atMs - b.atMs)) {
    if (event.node === undefined) continue;
    if (event.kind === "crash") down.add(event.node);
    else if (event.kind === "restart") down.delete(event.node);
  }
  return nodes.filter((node) => !down.has(node));
}

/**
 * The last ok read per node (by completion time, then id), considering only
 * reads invoked at or after `fromMs`. Reads without a node are grouped under
 * their client: a client that always talks to one replica speaks for it.
 */
export function finalReads(history: readonly HistoryOperation[], fromMs = -Infinity, f = "read"): Map<string, HistoryOperation> {
  const last = new Map<string, HistoryOperation>();
  for (const op of history) {
    if (op.f !== f || op.outcome !== "ok" || op.invokeMs < fromMs) continue;
    const who = op.node ?? op.client;
    const seen = last.get(who);
    if (seen === undefined || (op.completeMs ?? 0) > (seen.completeMs ?? 0) || ((op.completeMs ?? 0) === (seen.completeMs ?? 0) && op.id > seen.id)) last.set(who, op);
  }
  return new Map([...last].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
