/**
 * How much faster a job runs with more threads: `speedup(job, { threads })`
 * runs the job on a fresh pool per thread count and plots speedup and
 * efficiency against the ideal, with an Amdahl fit and Gustafson's view.
 *
 * The baseline is a 1-worker pool, not the main thread, so the pool's own
 * costs (messaging, cloning, loop guards) are in the baseline too and the
 * plot shows what parallelism bought, not what the pool costs. Each thread
 * count gets its own pool, warm-up runs (workers started, functions compiled,
 * JIT warm) and then `repeat` timed runs, whose median is the point.
 */
import { availableParallelism } from "node:os";
import { median, type SpeedupData, type SpeedupPoint } from "../core/index.js";
import { kernelBridge } from "../viz/kernel-bridge.js";
import { progress, speedupPlot, type ProgressBar, type SpeedupFigure } from "../viz/index.js";
import { createPool } from "./pool.js";
import type { Pool } from "./pool-types.js";
import { taskCancelled } from "./task-errors.js";

export interface SpeedupOptions {
  /** Thread counts to measure; 1 is always added. @default 1, 2, 4, ... up to the cores, and the core count itself */
  threads?: readonly number[];
  /** Timed runs per thread count. @default 3 */
  repeat?: number;
  /** Untimed runs first, per thread count. @default 1 */
  warmup?: number;
  /** What the plot calls the job. @default the job function's name */
  label?: string;
}

/** 1, 2, 4, ... up to the cores, plus the core count itself when it is no power of two. */
export function defaultThreadCounts(cores: number): number[] {
  const counts: number[] = [];
  for (let n = 1; n <= cores; n *= 2) counts.push(n);
  if (counts[counts.length - 1] !== cores) counts.push(cores);
  return counts;
}

function checkCount(name: string, value: unknown, min: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min) {
    throw new TypeError(`speedup: expected \`${name}\` to be an integer from ${min} up, got \`${String(value)}\` (${typeof value})`);
  }
  return value;
}

/**
 * Measures `job(pool)` at each thread count and returns the speedup plot
 * (its numbers are fields of the figure: speedups, efficiencies, serialFraction).
 * The job should do the same total work whatever the pool's size, e.g.
 * `(pool) => pool.map(work, items)`.
 */
export async function speedup(job: (pool: Pool) => Promise<unknown>, options: SpeedupOptions = {}): Promise<SpeedupFigure> {
  if (typeof job !== "function") throw new TypeError(`speedup: expected a job (pool) => Promise, got ${typeof job}`);
  const cores = availableParallelism();
  const requested = options.threads ?? defaultThreadCounts(cores);
  if (!Array.isArray(requested) || requested.length === 0) throw new TypeError("speedup: expected `threads` to be a non-empty array of thread counts");
  const threads = [...new Set([1, ...requested.map((n) => checkCount("threads", n, 1))])].sort((a, b) => a - b);
  const repeat = checkCount("repeat", options.repeat ?? 3, 1);
  const warmup = checkCount("warmup", options.warmup ?? 1, 0);
  const label = options.label ?? (job.name || "job");
  // Taken once: an interrupt during the measurement stops it between runs too.
  const interrupt = kernelBridge()?.interruptSignal;
  const bar: ProgressBar | undefined = kernelBridge() ? progress(threads.length * (warmup + repeat), { label: `speedup of ${label}` }) : undefined;

  const points: SpeedupPoint[] = [];
  for (const count of threads) {
    // Pools inside the measurement draw no progress bars of their own.
    const pool = createPool({ threads: count, progress: false });
    try {
      const runsMs: number[] = [];
      for (let run = 0; run < warmup + repeat; run++) {
        if (interrupt?.aborted) throw taskCancelled(`speedup of ${label}`, interrupt.reason);
        const startedMs = performance.now();
        await job(pool);
        const elapsedMs = performance.now() - startedMs;
        if (run >= warmup) runsMs.push(elapsedMs);
        bar?.tick();
      }
      points.push({ threads: count, runsMs, medianMs: median(runsMs) });
    } finally {
      await pool.close({ force: true });
    }
  }
  bar?.finish();
  const data: SpeedupData = { label, cores, points };
  return speedupPlot(data);
}
