import type { Random } from "../core/index.js";

/**
 * How long a message takes, in virtual milliseconds. `jitterMs` adds a uniform
 * extra in [0, jitterMs) on top of any distribution, so two messages on the
 * same link may overtake each other.
 */
export type Latency =
  | { kind: "constant"; ms: number; jitterMs?: number }
  | { kind: "uniform"; minMs: number; maxMs: number; jitterMs?: number }
  | { kind: "exponential"; meanMs: number; minMs?: number; jitterMs?: number }
  | { kind: "lognormal"; medianMs: number; sigma: number; jitterMs?: number };

export const DEFAULT_LATENCY: Latency = { kind: "uniform", minMs: 1, maxMs: 10 };

/** Builds a sampler once per run (no switch per message). Never negative; the simulator rounds event times to microseconds. */
export function latencySampler(latency: Latency, random: Random): () => number {
  const jitter = latency.jitterMs ?? 0;
  const withJitter = (base: () => number): (() => number) =>
    jitter > 0 ? () => nonNegative(base() + random.next() * jitter) : base;
  switch (latency.kind) {
    case "constant":
      return withJitter(() => latency.ms);
    case "uniform": {
      const span = latency.maxMs - latency.minMs;
      return withJitter(() => latency.minMs + random.next() * span);
    }
    case "exponential": {
      const min = latency.minMs ?? 0;
      return withJitter(() => min - latency.meanMs * Math.log(1 - random.next()));
    }
    case "lognormal":
      return withJitter(() => latency.medianMs * Math.exp(latency.sigma * standardNormal(random)));
    default:
      throw new TypeError(`Unknown latency kind ${(latency as { kind: unknown }).kind}`);
  }
}

/** Box-Muller, one draw of the pair (the other is thrown away to keep the draw count per message fixed). */
function standardNormal(random: Random): number {
  const u = 1 - random.next();
  const v = random.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

function nonNegative(ms: number): number {
  return ms > 0 ? ms : 0;
}
