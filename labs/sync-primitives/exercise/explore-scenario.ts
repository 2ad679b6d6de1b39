/**
 * An explorer scenario: the answer's primitive in a small program of virtual
 * threads, explored under many schedules from a fixed seed. What is reported
 * is the explorer's own result (failures with seed, schedule and log), cut to
 * a size the channel and a feedback report can carry.
 */
import { explore, type ExploreFailure, type ExploreResult } from "../../../runtime/index.js";
import type { ExerciseContext, JsonValue } from "../../../grader/lab/types.js";
import { factoryOf } from "./handles.js";
import type { ExploreParams } from "./params.js";
import { programFor } from "./programs.js";

/**
 * Steps before a run counts as a livelock. The graded programs need under 200
 * steps; the explorer's default (10000) would let a spinning answer take
 * seconds per scenario.
 */
const MAX_STEPS = 2_000;

/** A failing run's log keeps its last events: that is where it went wrong. */
const EVENTS_KEPT = 240;
const FAILURES_KEPT = 4;

/** The observation an explorer scenario emits. */
export interface ExploreObservation {
  readonly kind: "explore";
  readonly program: string;
  readonly ok: boolean;
  readonly strategy: string;
  readonly seed: number;
  readonly runs: number;
  readonly schedules: number;
  readonly failures: ExploreFailure[];
  /** Events dropped from the front of each kept failure's log. */
  readonly droppedEvents: number[];
}

function trimmed(failure: ExploreFailure): { failure: ExploreFailure; dropped: number } {
  const dropped = Math.max(0, failure.events.length - EVENTS_KEPT);
  return { failure: { ...failure, events: failure.events.slice(dropped) }, dropped };
}

export function observation(result: ExploreResult, program: string): ExploreObservation {
  const kept = result.failures.slice(0, FAILURES_KEPT).map(trimmed);
  return {
    kind: "explore",
    program,
    ok: result.ok,
    strategy: result.strategy,
    seed: result.seed,
    runs: result.runs,
    schedules: result.schedulesExplored,
    failures: kept.map((k) => k.failure),
    droppedEvents: kept.map((k) => k.dropped),
  };
}

export async function runExploreScenario(context: ExerciseContext, params: ExploreParams): Promise<void> {
  const factory = factoryOf(context.submission, params.primitive);
  const program = programFor(factory, params);
  const result = await explore(program, {
    strategy: params.strategy,
    seed: params.seed,
    runs: params.runs,
    ...(params.depth !== undefined ? { depth: params.depth } : {}),
    maxSteps: params.maxSteps ?? MAX_STEPS,
  });
  context.emit(observation(result, program.name ?? params.primitive) as unknown as JsonValue);
}
