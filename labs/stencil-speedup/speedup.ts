/**
 * Grader side: speedup from timing observations, and how it turns into
 * points. Coarse bands on purpose: on a two-core machine one repetition can
 * be 10-20% off, and the same submission must get the same score every time.
 */
import type { ExerciseOutcome } from "../../grader/lab/types.js";

/** At or below this speedup over the sequential program there is no parallel speedup: zero points. */
export const NO_SPEEDUP_AT_MOST = 1.25;
/** A speedup at least this share of the reference's, in the same grading run: full points. */
export const FULL_SHARE = 0.75;
/** At least this share (and above NO_SPEEDUP_AT_MOST): half the points. */
export const HALF_SHARE = 0.5;
/**
 * What the reference reaches with two workers on two idle cores, minus a
 * margin; used only where no reference ran (a learner's public checks).
 */
export const NOMINAL_REFERENCE_SPEEDUP = 1.6;

export interface Timing {
  readonly repetition: number;
  readonly sequentialMs: number;
  readonly parallelMs: number;
  /** The same answer with one worker. */
  readonly oneWorkerMs: number;
  readonly checksum: number;
  readonly oneWorkerChecksum: number;
  readonly expectedChecksum: number;
}

export interface Measured {
  readonly sequentialMs: number;
  readonly parallelMs: number;
  readonly oneWorkerMs: number;
  /**
   * The smaller of two speedups of the median parallel time: over the trusted
   * sequential program, and over the same answer on one worker. Either alone
   * can be fooled (see the exercise's measure()); together they are the
   * speedup parallelism bought.
   */
  readonly speedup: number;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function isTiming(value: unknown): value is Timing {
  if (typeof value !== "object" || value === null) return false;
  const record = value as Record<string, unknown>;
  const positive = (key: string) => typeof record[key] === "number" && Number.isFinite(record[key]) && (record[key] as number) > 0;
  return (
    record.kind === "timing" &&
    Number.isInteger(record.repetition) &&
    positive("sequentialMs") &&
    positive("parallelMs") &&
    positive("oneWorkerMs") &&
    Number.isInteger(record.checksum) &&
    Number.isInteger(record.oneWorkerChecksum) &&
    Number.isInteger(record.expectedChecksum)
  );
}

/** The timing observations of an outcome, in order of repetition; an error message if they are not all there. */
export function timingsOf(outcome: ExerciseOutcome, repetitions: number): Timing[] | string {
  const timings: Timing[] = [];
  for (const observation of outcome.observations as readonly unknown[]) if (isTiming(observation)) timings.push(observation);
  const seen = new Set(timings.map((timing) => timing.repetition));
  if (timings.length !== repetitions || seen.size !== repetitions || ![...seen].every((r) => r >= 0 && r < repetitions)) {
    return `expected ${repetitions} timed repetitions, got ${timings.length}`;
  }
  return [...timings].sort((a, b) => a.repetition - b.repetition);
}

export function measured(timings: readonly Timing[]): Measured {
  const sequentialMs = median(timings.map((timing) => timing.sequentialMs));
  const parallelMs = median(timings.map((timing) => timing.parallelMs));
  const oneWorkerMs = median(timings.map((timing) => timing.oneWorkerMs));
  return { sequentialMs, parallelMs, oneWorkerMs, speedup: Math.min(sequentialMs, oneWorkerMs) / parallelMs };
}

export type SpeedupBand = "full" | "half" | "none";

/** The points band of a speedup, given the reference's speedup in the same run. */
export function speedupBand(speedup: number, referenceSpeedup: number): SpeedupBand {
  if (speedup <= NO_SPEEDUP_AT_MOST) return "none";
  const share = speedup / referenceSpeedup;
  if (share >= FULL_SHARE) return "full";
  if (share >= HALF_SHARE) return "half";
  return "none";
}
