/**
 * A scenario's parameters, as lab.ts writes them and the exercise reads them.
 * Two kinds: an exploration of virtual threads by the schedule explorer, and a
 * stress run on real worker threads.
 */
import type { JsonValue } from "../../../grader/lab/types.js";
import { PRIMITIVES, type Primitive } from "./layout.js";

interface Common {
  readonly primitive: Primitive;
  /** Mutex and semaphore: lock/unlock (acquire/release) rounds per thread. Barrier: phases. */
  readonly rounds: number;
  /** Semaphore only. */
  readonly permits?: number;
}

export interface ExploreParams extends Common {
  readonly kind: "explore";
  readonly threads: number;
  readonly strategy: "random" | "pct";
  readonly seed: number;
  readonly runs: number;
  /** PCT bug depth. */
  readonly depth?: number;
  readonly maxSteps?: number;
  /** Semaphore only: every thread holds its permit until all `permits` of them are in together (threads = permits). */
  readonly together?: boolean;
}

export interface StressParams extends Common {
  readonly kind: "stress";
  readonly workers: number;
  /** No progress by any worker for this long (ms) while some are unfinished: a deadlock or a lost wake-up. */
  readonly stallMs: number;
}

export type ScenarioParams = ExploreParams | StressParams;

function field(params: Record<string, JsonValue>, name: string, min: number): number {
  const value = params[name];
  if (typeof value !== "number" || !Number.isInteger(value) || value < min) throw new TypeError(`scenario param ${name} must be an integer >= ${min}, got ${JSON.stringify(value)}`);
  return value;
}

/** Checks a scenario's params (they come from lab.ts, so a failure here is a lab bug). */
export function parseParams(raw: JsonValue): ScenarioParams {
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) throw new TypeError("scenario params must be an object");
  const primitive = raw.primitive as Primitive;
  if (!PRIMITIVES.includes(primitive)) throw new TypeError(`unknown primitive ${JSON.stringify(raw.primitive)}`);
  const common = {
    primitive,
    rounds: field(raw, "rounds", 1),
    ...(primitive === "semaphore" ? { permits: field(raw, "permits", 1) } : {}),
  };
  if (raw.kind === "explore") {
    const strategy = raw.strategy;
    if (strategy !== "random" && strategy !== "pct") throw new TypeError(`strategy must be "random" or "pct", got ${JSON.stringify(strategy)}`);
    return {
      kind: "explore",
      ...common,
      threads: field(raw, "threads", 2),
      strategy,
      seed: field(raw, "seed", 0),
      runs: field(raw, "runs", 1),
      ...(raw.depth !== undefined ? { depth: field(raw, "depth", 1) } : {}),
      ...(raw.maxSteps !== undefined ? { maxSteps: field(raw, "maxSteps", 1) } : {}),
      ...(raw.together === true ? { together: true } : {}),
    };
  }
  if (raw.kind === "stress") return { kind: "stress", ...common, workers: field(raw, "workers", 2), stallMs: field(raw, "stallMs", 1) };
  throw new TypeError(`scenario kind must be "explore" or "stress", got ${JSON.stringify(raw.kind)}`);
}
