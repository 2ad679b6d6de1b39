/**
 * What a run detects, before the explorer dresses it as a ExploreFailure (with seed,
 * schedule, log and replay hint). Oracles and the run loop produce these.
 */
import type { ExploreFailureKind } from "./types.js";

export interface Finding {
  kind: ExploreFailureKind;
  message: string;
  /** The step at which it was detected. */
  step: number;
  threads: number[];
  subject?: string;
  /** Steps worth highlighting, besides `step`. */
  steps?: number[];
}

export function threadList(threads: Iterable<number>): string {
  return [...threads].map((t) => `T${t}`).join(", ");
}
