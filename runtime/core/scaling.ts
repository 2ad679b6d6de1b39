/**
 * The two classic laws of parallel speedup, and the fit that estimates a job's
 * serial fraction from measured speedups. Pure math: imports nothing.
 *
 * Amdahl (fixed problem size): a fraction `f` of the work cannot be split, so
 * n workers take `f + (1 - f) / n` of the time one worker takes, and the speedup
 * can never pass `1 / f`, however many workers there are.
 *
 * Gustafson (scaled problem size): if the parallel part grows with n while the
 * serial part stays the same, n workers do `n - f (n - 1)` times the work of one
 * worker in the same time, so speedup keeps growing with n.
 */

function checkFraction(f: number): void {
  if (!(f >= 0 && f <= 1)) throw new TypeError(`Expected a serial fraction \`f\` from 0 to 1, got \`${f}\``);
}

function checkThreads(n: number): void {
  if (!(Number.isFinite(n) && n >= 1)) throw new TypeError(`Expected a thread count \`n\` of at least 1, got \`${n}\``);
}

/** Amdahl's law: speedup of a fixed-size job with serial fraction `f` on `n` workers. 1 / f as n grows (Infinity for f = 0). */
export function amdahlSpeedup(f: number, n: number): number {
  checkFraction(f);
  checkThreads(n);
  return 1 / (f + (1 - f) / n);
}

/** Gustafson's law: scaled speedup on `n` workers when the parallel part of the problem grows with n. */
export function gustafsonSpeedup(f: number, n: number): number {
  checkFraction(f);
  checkThreads(n);
  return n - f * (n - 1);
}

export interface SpeedupSample {
  threads: number;
  /** T(1) / T(threads). */
  speedup: number;
}

/**
 * Least-squares estimate of the serial fraction f from measured speedups,
 * clamped to [0, 1]; undefined when no sample has more than one thread (one
 * thread says nothing about f).
 *
 * Method: Amdahl's law rearranged is linear in f,
 *   1/S - 1/n = f (1 - 1/n),   i.e. y = f x with x = 1 - 1/n, y = 1/S - 1/n,
 * so the least-squares line through the origin gives f = Σxy / Σx² in closed
 * form (no iteration, no starting guess). Fitting 1/S = T(n)/T(1) rather than
 * S is what makes it linear, and its residuals are in time, where the noise of
 * a measurement is. A superlinear sample (cache effects) pulls the
 * estimate below 0 and a slowdown above 1: both are clamped, since f is a
 * fraction of the work.
 */
export function fitSerialFraction(samples: readonly SpeedupSample[]): number | undefined {
  let sumXY = 0;
  let sumXX = 0;
  for (const { threads, speedup } of samples) {
    checkThreads(threads);
    if (!(Number.isFinite(speedup) && speedup > 0)) {
      throw new TypeError(`Expected a positive, finite speedup at ${threads} threads, got \`${speedup}\``);
    }
    const x = 1 - 1 / threads;
    const y = 1 / speedup - 1 / threads;
    sumXY += x * y;
    sumXX += x * x;
  }
  if (sumXX === 0) return undefined;
  return Math.min(1, Math.max(0, sumXY / sumXX));
}

/** The middle value (the mean of the two middle values for an even count): a run time that one slow outlier does not move. */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new TypeError("Expected at least one value for a median, got none");
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
