/**
 * A scenario's parameters, as lab.ts writes them and the exercise (and the
 * judge) read them. Two kinds: one run checked cell by cell, and a speedup
 * measurement (timed repetitions of the sequential baseline and of the
 * workers, after a small staggered check of the same workers).
 */
import type { JsonValue } from "../../../grader/lab/types.js";

/** One run of the workers on one grid. */
export interface GridRun {
  readonly rows: number;
  readonly cols: number;
  readonly steps: number;
  /** Seed of the initial grid. */
  readonly seed: number;
  /**
   * Worker `w` starts its part `w × staggerMs` ms after worker 0. A correct
   * answer does not care; one that skips the barrier reads mailboxes its
   * neighbours have not written yet, every time (the window is milliseconds,
   * a step is microseconds).
   */
  readonly staggerMs: number;
}

export interface CorrectnessParams extends GridRun {
  readonly kind: "correctness";
  readonly workers: number;
  /** How long the team gets for the run. @default RUN_TIMEOUT_MS */
  readonly timeoutMs: number;
}

export interface SpeedupParams {
  readonly kind: "speedup";
  readonly workers: number;
  /** The timed grid; repetition `i` starts from the grid of seed `seed + i` (no answer can reuse an earlier result). */
  readonly rows: number;
  readonly cols: number;
  /**
   * How long one sequential run should take: the exercise picks the number of
   * steps that makes it so on this machine, in this sandbox (under SES lockdown
   * typed-array code runs ~20× slower than in plain Node, so a fixed step count
   * is either far too long in the sandbox or too short in-process).
   */
  readonly targetMs: number;
  /** Bounds of that step count. */
  readonly minSteps: number;
  readonly maxSteps: number;
  readonly seed: number;
  readonly repetitions: number;
  /** A small staggered run first: a fast answer must also be right, and a missing barrier shows here deterministically. */
  readonly check: GridRun;
}

export type StencilParams = CorrectnessParams | SpeedupParams;

/** A worker team that does not finish one run in this time is stopped (a deadlock, or an endless loop). */
export const RUN_TIMEOUT_MS = 10_000;

function field(record: Record<string, unknown>, name: string, min: number, max: number): number {
  const value = record[name];
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw new Error(`scenario parameter ${name} must be an integer in ${min}..${max}, got ${JSON.stringify(value)}`);
  }
  return value;
}

function gridRun(record: Record<string, unknown>): GridRun {
  const rows = field(record, "rows", 1, 8192);
  const cols = field(record, "cols", 3, 8192);
  return { rows, cols, steps: field(record, "steps", 0, 100_000), seed: field(record, "seed", 0, 2 ** 31), staggerMs: field(record, "staggerMs", 0, 1000) };
}

/** Reads and checks a scenario's params (lab code wrote them, but a typo should say so, not hang a run). */
export function parseParams(params: JsonValue): StencilParams {
  if (typeof params !== "object" || params === null || Array.isArray(params)) throw new Error("scenario params must be an object");
  const record = params as Record<string, unknown>;
  const workers = field(record, "workers", 1, 64);
  if (record.kind === "correctness") {
    const run = gridRun(record);
    if (run.rows < workers) throw new Error(`scenario has ${run.rows} rows for ${workers} workers; every worker needs a row`);
    const timeoutMs = record.timeoutMs === undefined ? RUN_TIMEOUT_MS : field(record, "timeoutMs", 100, 60_000);
    return { kind: "correctness", workers, ...run, timeoutMs };
  }
  if (record.kind === "speedup") {
    const check = gridRun((record.check ?? {}) as Record<string, unknown>);
    const timed = gridRun({ ...record, steps: 0, staggerMs: 0 });
    if (Math.min(check.rows, timed.rows) < workers) throw new Error(`scenario has fewer rows than its ${workers} workers`);
    const { rows, cols, seed } = timed;
    const minSteps = field(record, "minSteps", 1, 100_000);
    const maxSteps = field(record, "maxSteps", minSteps, 100_000);
    const targetMs = field(record, "targetMs", 1, 10_000);
    return { kind: "speedup", workers, rows, cols, seed, targetMs, minSteps, maxSteps, repetitions: field(record, "repetitions", 1, 50), check };
  }
  throw new Error(`scenario kind must be "correctness" or "speedup", got ${JSON.stringify(record.kind)}`);
}
