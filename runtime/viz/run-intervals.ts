/**
 * A run's events (crash, restart, pause, resume, partition, heal) are points
 * in time; the pictures need the spans between them: when a node was down or
 * paused, and which partition held when. A span still open when the run ended
 * lasts until `endMs`.
 */
import type { RunEvent, RunRecord } from "../core/history.js";

export interface NodeOutage {
  node: string;
  /** "crashed" from a crash to the next restart; "paused" from a pause to the next resume. */
  kind: "crashed" | "paused";
  startMs: number;
  endMs: number;
}

export interface PartitionBand {
  startMs: number;
  endMs: number;
  /** The groups that could still talk inside each group. */
  groups: string[][];
}

/** Events in time order; events at the same time keep their recorded order (sort is stable). */
function inTimeOrder(run: RunRecord): RunEvent[] {
  return [...run.events].sort((a, b) => a.atMs - b.atMs);
}

/** When each node was down or paused. A second crash while down (or pause while paused) does not start a new span. */
export function nodeOutages(run: RunRecord): NodeOutage[] {
  const outages: NodeOutage[] = [];
  const open = new Map<string, NodeOutage>();
  const ends: Record<string, NodeOutage["kind"]> = { restart: "crashed", resume: "paused" };
  const starts: Record<string, NodeOutage["kind"]> = { crash: "crashed", pause: "paused" };
  for (const event of inTimeOrder(run)) {
    if (event.node === undefined) continue;
    const startKind = starts[event.kind];
    const endKind = ends[event.kind];
    if (startKind) {
      const id = `${event.node}\u0000${startKind}`;
      if (open.has(id)) continue;
      const outage: NodeOutage = { node: event.node, kind: startKind, startMs: event.atMs, endMs: run.endMs };
      open.set(id, outage);
      outages.push(outage);
    } else if (endKind) {
      const id = `${event.node}\u0000${endKind}`;
      const outage = open.get(id);
      if (outage) {
        outage.endMs = event.atMs;
        open.delete(id);
      }
      // A restart also ends a pause: the restarted process runs.
      if (event.kind === "restart") {
        const paused = open.get(`${event.node}\u0000paused`);
        if (paused) {
          paused.endMs = event.atMs;
          open.delete(`${event.node}\u0000paused`);
        }
      }
    }
  }
  return outages;
}

/** Partitions as bands: each lasts until a heal or until the next partition replaces it. */
export function partitionBands(run: RunRecord): PartitionBand[] {
  const bands: PartitionBand[] = [];
  let current: PartitionBand | undefined;
  for (const event of inTimeOrder(run)) {
    if (event.kind !== "partition" && event.kind !== "heal") continue;
    if (current) {
      current.endMs = event.atMs;
      current = undefined;
    }
    if (event.kind === "partition") {
      current = { startMs: event.atMs, endMs: run.endMs, groups: event.groups ?? [] };
      bands.push(current);
    }
  }
  return bands;
}

/** "{n1 n2} | {n3 n4 n5}" */
export function formatGroups(groups: readonly string[][]): string {
  return groups.length === 0 ? "(groups not recorded)" : groups.map((group) => `{${group.join(" ")}}`).join(" | ");
}
