/**
 * Verdicts of the sync-primitives lab, from observations only: the
 * explorer's failures (kind, seed, schedule, log) or a stress run's counters.
 * Messages start with a label that names the property that broke, in the
 * same words for the explorer and for real workers ("mutual exclusion
 * violated", "deadlock", ...), so a bug reads the same wherever it showed.
 */
import type { ExerciseOutcome, JsonValue, ScenarioSpec, Verdict } from "../../grader/lab/types.js";
import { formatExploreFailure, scheduleTimelineSpec, type ExploreFailure } from "../../runtime/index.js";
import { exploreEvidence, stressEvidence } from "./evidence.js";
import type { ExploreObservation } from "./exercise/explore-scenario.js";
import { parseParams, type ExploreParams, type StressParams } from "./exercise/params.js";
import type { StressObservation } from "./exercise/stress.js";

/** Which failure a verdict shows when a scenario found several: the one that most directly names the bug. */
const PRIORITY = ["exception", "misuse", "mutual-exclusion", "barrier", "check", "assertion", "data-race", "lost-wakeup", "deadlock", "step-limit", "nondeterminism"];

function label(failure: ExploreFailure, params: ExploreParams): string {
  switch (failure.kind) {
    case "mutual-exclusion":
      return params.primitive === "semaphore" ? "more threads than permits" : "mutual exclusion violated";
    case "barrier":
      return "barrier phases mixed";
    case "data-race":
      return "data race";
    case "deadlock":
      return params.together ? `deadlock: fewer than ${params.permits ?? 1} threads could hold a permit at once` : "deadlock";
    case "lost-wakeup":
      return "lost wake-up";
    case "exception":
      return "your code threw";
    case "misuse":
      return "misuse of the cells (is every cell operation awaited?)";
    case "check":
      return "lost update";
    case "assertion":
      return "a thread saw a stale value after the barrier";
    case "step-limit":
      return "no progress (a livelock, or a spin that never ends)";
    default:
      return failure.kind;
  }
}

type Base = Pick<Verdict, "scenario" | "title" | "maxPoints">;

function passed(base: Base, message: string): Verdict {
  return { ...base, points: base.maxPoints, status: "passed", message };
}

function failed(base: Base, message: string, extra: Partial<Pick<Verdict, "details" | "seed" | "figure">> = {}): Verdict {
  return { ...base, points: 0, status: "failed", message, ...extra };
}

function figureOf(failure: ExploreFailure): JsonValue | undefined {
  try {
    return JSON.parse(JSON.stringify(scheduleTimelineSpec(failure))) as JsonValue;
  } catch {
    return undefined;
  }
}

function judgeExploration(base: Base, params: ExploreParams, evidence: ExploreObservation): Verdict {
  const how = `${evidence.strategy} exploration, seed ${evidence.seed}, ${evidence.runs} runs (${evidence.schedules} distinct schedules) of ${evidence.program}`;
  if (evidence.ok) return passed(base, `no failure in the ${how}`);
  const rank = (f: ExploreFailure) => (PRIORITY.includes(f.kind) ? PRIORITY.indexOf(f.kind) : PRIORITY.length);
  const shown = [...evidence.failures].sort((a, b) => rank(a) - rank(b))[0]!;
  let details: string;
  try {
    details = [
      `${how}: ${evidence.failures.length} distinct failure${evidence.failures.length > 1 ? "s" : ""}.`,
      ...evidence.failures.map((failure, i) => {
        const dropped = evidence.droppedEvents[i] ?? 0;
        return `\n${formatExploreFailure(failure)}${dropped > 0 ? `\n  (the first ${dropped} events of this run are not shown)` : ""}`;
      }),
    ].join("\n");
  } catch {
    details = `${how}; the failing runs' logs could not be formatted`;
  }
  const figure = figureOf(shown);
  return failed(base, `${label(shown, params)}: ${shown.message}`, {
    details,
    ...(shown.seed !== null ? { seed: shown.seed } : {}),
    ...(figure !== undefined ? { figure } : {}),
  });
}

function who(workers: NonNullable<StressObservation["stalled"]>["workers"]): string {
  return workers.map((w) => `worker ${w.worker} ${w.doing} at round ${w.round}`).join("; ");
}

function judgeStress(base: Base, params: StressParams, evidence: StressObservation): Verdict {
  const expected = params.workers * params.rounds;
  const run = `${params.workers} workers × ${params.rounds} ${params.primitive === "barrier" ? "phases" : "rounds"}`;
  const details = [
    `stress run: ${run}${params.permits ? `, ${params.permits} permits` : ""}, ${evidence.wallMs} ms`,
    `rounds completed: ${evidence.completedRounds} of ${expected}`,
    ...(params.primitive !== "barrier" ? [`most workers inside at once: ${evidence.maxInside} (allowed: ${evidence.capacity})`] : []),
    ...(params.primitive === "mutex" ? [`guarded counter: ${evidence.counter} (expected ${expected})`] : []),
    ...(evidence.violations > 0 ? [`violations: ${evidence.violations}`] : []),
    ...(evidence.stalled ? [`no progress for ${evidence.stalled.afterMs} ms; where the unfinished workers stood: ${who(evidence.stalled.workers)}`] : []),
    ...evidence.errors.map((error) => `error: ${error}`),
  ].join("\n");
  if (evidence.errors.length > 0) return failed(base, `your code threw on a worker thread: ${evidence.errors[0]}`, { details });
  const first = evidence.firstViolation;
  if (evidence.violations > 0 && first) {
    const message =
      params.primitive === "barrier"
        ? `barrier phases mixed: worker ${first.worker} passed phase ${first.round} when only ${first.seen} of ${params.workers} workers had arrived`
        : params.primitive === "semaphore"
          ? `more threads than permits: ${first.seen} workers held a permit at once (permits: ${evidence.capacity}), first at worker ${first.worker}'s round ${first.round}`
          : `mutual exclusion violated: ${first.seen} workers inside the critical section at once, first at worker ${first.worker}'s round ${first.round}`;
    return failed(base, `${message} (${evidence.violations} time${evidence.violations > 1 ? "s" : ""} in the run)`, { details });
  }
  if (evidence.stalled) {
    return failed(base, `deadlock (or a lost wake-up) on real workers: no worker made progress for ${evidence.stalled.afterMs} ms; ${who(evidence.stalled.workers)}`, { details });
  }
  if (params.primitive === "mutex" && evidence.counter !== expected) {
    return failed(base, `lost update: the counter guarded by the mutex is ${evidence.counter}, expected ${expected}`, { details });
  }
  if (evidence.completedRounds !== expected) return failed(base, `only ${evidence.completedRounds} of ${expected} rounds completed`, { details });
  return passed(base, `${run} on real threads: every round completed${params.primitive === "barrier" ? ", phases never mixed" : `, at most ${evidence.maxInside} inside at once`} (${evidence.wallMs} ms)`);
}

const EXITS: Readonly<Record<string, string>> = {
  timeout: "did not finish within the time limit (a loop that never awaits a cell operation?)",
  "cpu-limit": "used up its CPU time limit",
  "heap-limit": "ran out of memory",
  "address-space-limit": "hit the address-space limit (an infrastructure problem: tell the course staff)",
  "output-limit": "printed too much",
  crashed: "the run crashed",
};

export function judge(scenario: ScenarioSpec, outcome: ExerciseOutcome): Verdict {
  const base: Base = { scenario: scenario.id, title: scenario.title, maxPoints: scenario.points };
  const params = parseParams(scenario.params);
  if (outcome.exit !== "ok") {
    const why = outcome.exit === "error" ? `the scenario could not run: ${outcome.message ?? "unknown error"}` : (EXITS[outcome.exit] ?? outcome.exit);
    return failed(base, why, { ...(outcome.log ? { details: `output:\n${outcome.log}` } : {}) });
  }
  if (params.kind === "explore") {
    const evidence = exploreEvidence(outcome.observations);
    return evidence ? judgeExploration(base, params, evidence) : failed(base, "the exercise reported no exploration result (malformed or missing observation)");
  }
  const evidence = stressEvidence(outcome.observations);
  return evidence ? judgeStress(base, params, evidence) : failed(base, "the exercise reported no stress result (malformed or missing observation)");
}

/** The scenario narrowed to one failing run: run 0 of an exploration uses the seed itself. */
export function withSeed(scenario: ScenarioSpec, seed: number): ScenarioSpec {
  const params = parseParams(scenario.params);
  if (params.kind !== "explore") return scenario;
  return { ...scenario, params: { ...(scenario.params as Record<string, JsonValue>), seed, runs: 1 } };
}
