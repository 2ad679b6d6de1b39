/**
 * Options and programs are checked once, at the edge, with TypeErrors that say
 * what was expected and what arrived; everything past here trusts them.
 */
import { randomInt } from "node:crypto";
import { DEFAULT_MAX_STEPS } from "./failure.js";
import { kernelInterruptSignal } from "../core/index.js";
import { memoryLayout, type MemoryLayout } from "./memory.js";
import type { ExploreOptions, ExploreStrategy, SharedProgram } from "./types.js";

const STRATEGIES: readonly ExploreStrategy[] = ["random", "pct", "exhaustive"];

export function checkProgram(program: SharedProgram): MemoryLayout {
  if (!program || typeof program !== "object") throw new TypeError(`Expected a program object, got \`${String(program)}\` (${typeof program})`);
  if (!Array.isArray(program.threads) || program.threads.length === 0 || !program.threads.every((body) => typeof body === "function")) {
    throw new TypeError(`Expected \`program.threads\` to be a non-empty array of thread bodies (async (t) => { ... }), got \`${String(program.threads)}\``);
  }
  if (program.check !== undefined && typeof program.check !== "function") {
    throw new TypeError(`Expected \`program.check\` to be a function of the final memory, got ${typeof program.check}`);
  }
  for (const [field, table] of [["sections", program.sections], ["barriers", program.barriers]] as const) {
    for (const [name, value] of Object.entries(table ?? {})) {
      if (!Number.isInteger(value) || value < 1) throw new TypeError(`Expected \`program.${field}.${name}\` to be an integer from 1 up, got \`${String(value)}\``);
    }
  }
  return memoryLayout(program.memory ?? {});
}

export function positiveInteger(value: number | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) throw new TypeError(`Expected \`${name}\` to be an integer from 1 up, got \`${String(value)}\` (${typeof value})`);
  return value;
}

export interface Settings {
  strategy: ExploreStrategy;
  seed: number;
  runs: number;
  depth: number;
  maxSteps: number;
  preemptions: number;
  sleepSets: boolean;
  stopOnFailure: boolean;
  signal: AbortSignal | undefined;
}

export function settings(options: ExploreOptions): Settings {
  const strategy = options.strategy ?? "pct";
  if (!STRATEGIES.includes(strategy)) throw new TypeError(`Expected \`strategy\` to be one of ${STRATEGIES.join(", ")}, got \`${String(strategy)}\``);
  if (options.seed !== undefined && !Number.isSafeInteger(options.seed)) throw new TypeError(`Expected \`seed\` to be an integer, got \`${String(options.seed)}\` (${typeof options.seed})`);
  const preemptions = options.preemptions ?? Infinity;
  if (preemptions !== Infinity && (!Number.isInteger(preemptions) || preemptions < 0)) {
    throw new TypeError(`Expected \`preemptions\` to be an integer from 0 up, got \`${String(preemptions)}\``);
  }
  return {
    strategy,
    seed: options.seed ?? randomInt(0, 2 ** 31 - 1),
    runs: positiveInteger(options.runs, "runs", strategy === "exhaustive" ? 100_000 : 1000),
    depth: positiveInteger(options.depth, "depth", 3),
    maxSteps: positiveInteger(options.maxSteps, "maxSteps", DEFAULT_MAX_STEPS),
    preemptions,
    sleepSets: (options.sleepSets ?? true) && preemptions === Infinity,
    stopOnFailure: options.stopOnFailure ?? false,
    signal: options.signal ?? kernelInterruptSignal(),
  };
}
