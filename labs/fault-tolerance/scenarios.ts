/**
 * How the lab's scenarios are built: the shapes, not the seeds. The public
 * scenarios (public.ts) and the hidden ones (lab.ts) fill in their own seeds.
 */
import type { ScenarioSpec, Visibility } from "../../grader/lab/types.js";
import type { ClusterParams, DetectorParams, SimulatedParams } from "./exercise/params.js";

/** Short runs of 3 nodes: a seed costs ~15 ms in the simulator, so a hundred of them grade in seconds. */
export const NODES = 3;
export const DURATION_MS = 2000;
/** Clients stop late, so there is plenty of traffic after the faults end; they give up on a request after 300 ms. */
export const WORKLOAD = { kind: "register", keys: 2, clients: 3, stopMs: 1900, timeoutMs: 300 } as const;

const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);

function spec(id: string, title: string, points: number, visibility: Visibility, params: SimulatedParams | DetectorParams | ClusterParams, wallMs?: number): ScenarioSpec {
  return { id, title, points, visibility, params: params as unknown as ScenarioSpec["params"], ...(wallMs !== undefined ? { wallMs } : {}) };
}

/** The primary (n0 starts as primary) crashes for good; a little message loss keeps replication busy. */
export function crashPrimary(id: string, visibility: Visibility, points: number, seeds: number[]): ScenarioSpec {
  return spec(id, "The primary crashes for good: another node takes over without losing a write", points, visibility, {
    kind: "simulated",
    seeds,
    nodes: NODES,
    durationMs: DURATION_MS,
    network: { loss: 0.1 },
    faults: [{ atMs: 500, fault: "crash", node: "n0" }],
    workload: { ...WORKLOAD },
    liveness: { fromMs: 1000, minAnswered: 2 },
  });
}

/** The detector alone: heavy message loss the whole run, and one node crashes for good. */
export function detector(id: string, visibility: Visibility, points: number, seeds: number[], loss: number): ScenarioSpec {
  return spec(id, `Failure detector: suspects a crashed node for good, and stops suspecting live ones despite ${Math.round(loss * 100)}% message loss`, points, visibility, {
    kind: "detector",
    seeds,
    nodes: NODES,
    durationMs: 3000,
    network: { loss },
    crash: { node: "n2", atMs: 1000 },
    detectWithinMs: 1000,
    accurateFromMs: 2000,
  });
}

/** Every node loses power at once and comes back: only node.storage survives. */
export function powerFailure(id: string, points: number, seeds: number[]): ScenarioSpec {
  return spec(id, "Power failure: every node crashes at once and restarts from its durable storage", points, "hidden", {
    kind: "simulated",
    seeds,
    nodes: NODES,
    durationMs: DURATION_MS,
    faults: [
      { atMs: 600, fault: "crash", node: "n0", restartAfterMs: 100 },
      { atMs: 610, fault: "crash", node: "n1", restartAfterMs: 140 },
      { atMs: 620, fault: "crash", node: "n2", restartAfterMs: 60 },
    ],
    workload: { ...WORKLOAD },
    liveness: { fromMs: 1200, minAnswered: 2 },
  });
}

/** Each node in turn crashes and restarts, under message loss: primaries and backups alike. */
export function rollingRestarts(id: string, points: number, seeds: number[]): ScenarioSpec {
  return spec(id, "Rolling restarts: each node crashes and restarts in turn, under message loss", points, "hidden", {
    kind: "simulated",
    seeds,
    nodes: NODES,
    durationMs: DURATION_MS,
    network: { loss: 0.05 },
    faults: [
      { atMs: 300, fault: "crash", node: "n0", restartAfterMs: 150 },
      { atMs: 600, fault: "crash", node: "n1", restartAfterMs: 150 },
      { atMs: 900, fault: "crash", node: "n2", restartAfterMs: 150 },
      { atMs: 1100, fault: "crash", node: "n0", restartAfterMs: 100 },
    ],
    workload: { ...WORKLOAD },
    liveness: { fromMs: 1500, minAnswered: 2 },
  });
}

/** Swarm testing: each seed draws its own mix of loss, duplication, reordering, partitions, crash/restart, pauses and skew, all over by 1000 ms. */
export function swarm(id: string, points: number, firstSeed: number, count: number): ScenarioSpec {
  return spec(id, `Swarm of faults (seeds ${firstSeed}–${firstSeed + count - 1}): loss, duplication, reordering, partitions, crashes and restarts, pauses, skew`, points, "hidden", {
    kind: "simulated",
    seeds: range(firstSeed, count),
    nodes: NODES,
    durationMs: DURATION_MS,
    faults: { swarm: { untilMs: 1000 } },
    workload: { ...WORKLOAD },
    liveness: { fromMs: 1400, minAnswered: 2 },
  });
}

/** Real OS processes over ZeroMQ: the primary is killed (SIGKILL) and restarted from its files. */
export function realProcesses(id: string, points: number, seeds: number[]): ScenarioSpec {
  return spec(
    id,
    "Real processes: the primary is killed with SIGKILL and restarts from disk",
    points,
    "hidden",
    {
      kind: "cluster",
      seeds,
      nodes: NODES,
      durationMs: 3000,
      faults: [{ atMs: 1000, fault: "crash", node: "n0", restartAfterMs: 500 }],
      workload: { ...WORKLOAD, stopMs: 2800 },
      liveness: { fromMs: 1800, minAnswered: 2 },
    },
    60_000,
  );
}
