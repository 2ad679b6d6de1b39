/**
 * Turns what a run found into a ExploreFailure: typed data with a stable code, the
 * seed and schedule that reproduce it, and one line that says how.
 */
import type { PardisErrorCode } from "../core/index.js";
import type { Finding } from "./finding.js";
import type { RunResult } from "./run.js";
import { formatInterleaving } from "./schedule.js";
import type { ExploreFailure, ExploreFailureKind, ExploreStrategy } from "./types.js";

export const DEFAULT_MAX_STEPS = 10_000;

const CODES: Record<ExploreFailureKind, PardisErrorCode> = {
  "data-race": "explore-violation",
  "mutual-exclusion": "explore-violation",
  barrier: "explore-violation",
  deadlock: "deadlock",
  "lost-wakeup": "deadlock",
  assertion: "explore-violation",
  exception: "explore-violation",
  check: "explore-violation",
  "step-limit": "explore-violation",
  misuse: "sync-misuse",
  nondeterminism: "explore-violation",
};

/** Failures of one kind on one subject count as one; messages tell apart checks, assertions and exceptions. */
export function failureKey(finding: Finding): string {
  const about = finding.subject ?? (finding.kind === "deadlock" || finding.kind === "step-limit" ? "" : finding.message);
  return `${finding.kind}\u0000${about}`;
}

/** The part of a run's schedule that reproduces a finding: a race needs only the steps up to its second access. */
export function witness(finding: Finding, schedule: readonly number[]): number[] {
  return finding.kind === "data-race" ? schedule.slice(0, finding.step) : [...schedule];
}

export interface FailureContext {
  program?: string;
  strategy: ExploreStrategy | "replay";
  seed: number | null;
  depth?: number;
  run: number;
  maxSteps: number;
  occurrences: number;
}

export function replayHint(context: FailureContext, schedule: readonly number[]): string {
  const steps = context.maxSteps !== DEFAULT_MAX_STEPS ? `, { maxSteps: ${context.maxSteps} }` : "";
  const bySchedule = `replaySchedule(program, "${formatInterleaving(schedule)}"${steps})`;
  if (context.seed === null || context.strategy === "replay" || context.strategy === "exhaustive") return bySchedule;
  const depth = context.strategy === "pct" ? `, depth: ${context.depth}` : "";
  const maxSteps = context.maxSteps !== DEFAULT_MAX_STEPS ? `, maxSteps: ${context.maxSteps}` : "";
  return `${bySchedule}  or  explore(program, { strategy: "${context.strategy}"${depth}, seed: ${context.seed}, runs: 1${maxSteps} })`;
}

/** An ExploreFailure from a finding and the logged replay of its schedule. */
export function toFailure(finding: Finding, schedule: readonly number[], context: FailureContext, logged: RunResult): ExploreFailure {
  const failure: ExploreFailure = {
    kind: finding.kind,
    code: CODES[finding.kind],
    message: finding.message,
    ...(context.program !== undefined ? { program: context.program } : {}),
    strategy: context.strategy,
    seed: context.seed,
    ...(context.strategy === "pct" ? { depth: context.depth! } : {}),
    run: context.run,
    schedule: [...schedule],
    scheduleText: formatInterleaving(schedule),
    step: finding.step,
    threads: [...finding.threads],
    ...(finding.subject !== undefined ? { subject: finding.subject } : {}),
    steps: [...new Set([...(finding.steps ?? []), finding.step])].sort((a, b) => a - b),
    occurrences: context.occurrences,
    events: logged.events,
    threadStatus: logged.threadStatus,
    replay: replayHint(context, schedule),
  };
  return failure;
}
