/**
 * The consensus lab's scenarios, by kind. Each seed draws its own faults from
 * the plan (exercise/params.ts); a scenario passes when every seed does.
 * Safety scenarios check only safety (a cluster that stops electing is safe),
 * liveness scenarios only liveness, the public ones both, so that each bug
 * loses the scenarios about what it breaks.
 */
import type { JsonValue, ScenarioSpec, Visibility } from "../../grader/lab/types.js";
import type { ScenarioParams } from "./exercise/params.js";

const seedRange = (first: number, count: number) => Array.from({ length: count }, (_, i) => first + i);

function spec(id: string, title: string, visibility: Visibility, points: number, params: ScenarioParams): ScenarioSpec {
  return { id, title, visibility, points, params: params as unknown as JsonValue };
}

const calm = { network: null, clients: 3 } as const;

/** No faults: a leader is elected and clients' operations commit. */
export function election(id: string, visibility: Visibility, points: number, seeds: number[]): ScenarioSpec {
  return spec(id, "Election: a leader is elected and client operations commit", visibility, points, {
    ...calm, seeds, nodes: 5, durationMs: 3000, faults: null, safety: true, livenessFromMs: 800,
  });
}

/** One partition (a random minority cut off) that heals: safe throughout, live after the heal. */
export function onePartition(id: string, visibility: Visibility, points: number, seeds: number[]): ScenarioSpec {
  return spec(id, "A partition heals: one leader per term, agreed commits, and progress after the heal", visibility, points, {
    ...calm, seeds, nodes: 5, durationMs: 4500, faults: { startMs: 600, untilMs: 2000, partitions: 1, crashes: 0, pauses: 0 }, safety: true, livenessFromMs: 2600,
  });
}

/** Four partitions in a row and a paused node: safety. */
export function partitions(id: string, points: number, first: number, count: number): ScenarioSpec {
  return spec(id, "Safety under repeated partitions and a paused node", "hidden", points, {
    ...calm, seeds: seedRange(first, count), nodes: 5, durationMs: 4000, faults: { startMs: 300, untilMs: 3400, partitions: 4, crashes: 0, pauses: 1 }, safety: true, livenessFromMs: null,
  });
}

/** Three nodes, crashes (20-400 ms down) between two partitions: safety. */
export function crashes(id: string, points: number, first: number, count: number): ScenarioSpec {
  return spec(id, "Safety under crashes and restarts with partitions (three nodes)", "hidden", points, {
    ...calm, seeds: seedRange(first, count), nodes: 3, durationMs: 4000, faults: { startMs: 300, untilMs: 3400, partitions: 2, crashes: 6, pauses: 0 }, safety: true, livenessFromMs: null,
  });
}

/** A node crashes every ~50 ms and restarts a few ms later: a vote must survive a restart. */
export function churn(id: string, points: number, first: number, count: number): ScenarioSpec {
  return spec(id, "Safety under crash-restart churn (a node down every ~50 ms for 2-32 ms)", "hidden", points, {
    ...calm, seeds: seedRange(first, count), nodes: 5, durationMs: 3000, faults: { startMs: 50, untilMs: 2000, partitions: 0, crashes: 40, pauses: 0, downMs: [2, 32] }, safety: true, livenessFromMs: null,
  });
}

/** Loss, duplication and reordering all run long, with partitions, crashes and a pause: safety. */
export function lossy(id: string, points: number, first: number, count: number): ScenarioSpec {
  return spec(id, "Safety on a lossy network (15% loss, duplicates, reordering) with partitions and crashes", "hidden", points, {
    seeds: seedRange(first, count), nodes: 5, durationMs: 4000, faults: { startMs: 300, untilMs: 3400, partitions: 3, crashes: 2, pauses: 1 },
    network: { loss: 0.15, duplicate: 0.1, reorder: 0.2 }, clients: 3, safety: true, livenessFromMs: null,
  });
}

/** Partitions and a crash, then a whole network: a leader and progress within 600 ms. */
export function liveness(id: string, points: number, first: number, count: number): ScenarioSpec {
  return spec(id, "Liveness: after partitions and a crash end, a leader is elected and every operation is answered", "hidden", points, {
    ...calm, seeds: seedRange(first, count), nodes: 5, durationMs: 4500, faults: { startMs: 300, untilMs: 2000, partitions: 2, crashes: 1, pauses: 0 }, safety: false, livenessFromMs: 2600,
  });
}
