/**
 * The stencil-speedup lab's judge (grader side): a correctness scenario
 * passes when the grid the workers left equals the sequential result, which
 * the judge recomputes itself from the scenario's seed; a speedup scenario
 * also needs every timed repetition right and scores the median speedup
 * against the reference's in the same grading run. Observations are
 * evidence, never trusted for their shape.
 */
import type { ExerciseOutcome, JsonValue, JudgeContext, ScenarioSpec, Verdict } from "../../grader/lab/types.js";
import { parseParams, type GridRun, type SpeedupParams } from "./exercise/params.js";
import { checkGrid, gridValues } from "./grid-check.js";
import { FULL_SHARE, HALF_SHARE, measured, NO_SPEEDUP_AT_MOST, NOMINAL_REFERENCE_SPEEDUP, speedupBand, timingsOf, type Measured } from "./speedup.js";

/** What went wrong (or right) before it becomes a verdict. */
type Finding = Pick<Verdict, "message"> & Partial<Pick<Verdict, "details" | "figure" | "seed">>;

function record(value: JsonValue): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** Why a run produced no usable result: the exercise's own report of a failed run first, then how the sandbox run ended. */
function failureOf(outcome: ExerciseOutcome): string | undefined {
  for (const observation of outcome.observations) {
    const failure = record(observation);
    if (failure?.kind === "failure" && typeof failure.message === "string") {
      return `${typeof failure.label === "string" ? `${failure.label}: ` : ""}${failure.message}`.slice(0, 2000);
    }
  }
  if (outcome.exit !== "ok") return `the run ended with ${outcome.exit}${outcome.message ? `: ${outcome.message}` : ""}`;
  return undefined;
}

/** The checked grid labelled `label`, compared with the sequential result; undefined when it is right. */
function gridProblem(outcome: ExerciseOutcome, label: string, run: GridRun, workers: number): Finding | undefined {
  const failure = failureOf(outcome);
  const observed = outcome.observations.map(record).find((o) => o?.kind === "grid" && o.label === label);
  if (!observed) return { message: failure ?? `the run reported no grid (${label})`, seed: run.seed };
  const values = gridValues(observed.values, run.rows * run.cols);
  if (!values) return { message: `the ${label} reported a malformed grid (expected ${run.rows * run.cols} integers)`, seed: run.seed };
  const check = checkGrid(run, workers, values);
  if (check.ok) return undefined;
  return { message: `${label === "run" ? "" : `${label}: `}${check.message}`, details: check.details, figure: check.figure, seed: run.seed };
}

function speedupFigure(submission: Measured, reference: Measured | undefined): JsonValue {
  const who = reference ? ["submission", "reference"] : ["submission"];
  const rows = reference ? [submission, reference] : [submission];
  return {
    data: [
      { type: "bar", name: "sequential (trusted baseline)", x: who, y: rows.map((m) => Math.round(m.sequentialMs)) },
      { type: "bar", name: "one worker", x: who, y: rows.map((m) => Math.round(m.oneWorkerMs)) },
      { type: "bar", name: "parallel", x: who, y: rows.map((m) => Math.round(m.parallelMs)) },
    ],
    layout: { title: { text: "median time per run (ms)" }, barmode: "group", yaxis: { title: { text: "ms" } } },
  };
}

function judgeSpeedup(params: SpeedupParams, outcome: ExerciseOutcome, context: JudgeContext, maxPoints: number): { points: number } & Finding {
  const problem = gridProblem(outcome, "staggered check", params.check, params.workers);
  if (problem) return { points: 0, ...problem };
  const timings = timingsOf(outcome, params.repetitions);
  if (typeof timings === "string") return { points: 0, message: failureOf(outcome) ?? timings };
  const wrong = timings.find((timing) => timing.checksum !== timing.expectedChecksum || timing.oneWorkerChecksum !== timing.expectedChecksum);
  if (wrong) {
    const which = wrong.checksum !== wrong.expectedChecksum ? `${params.workers} workers` : "one worker";
    return {
      points: 0,
      message: `wrong grid in timed repetition ${wrong.repetition} (${params.rows} × ${params.cols}, ${which}): a fast wrong answer has no speedup`,
      seed: params.seed + wrong.repetition,
    };
  }
  const submission = measured(timings);
  let reference: Measured | undefined;
  let referenceSpeedup = NOMINAL_REFERENCE_SPEEDUP;
  let against = `the nominal ${NOMINAL_REFERENCE_SPEEDUP}× (no reference ran here; grading compares with the reference on the grading machine)`;
  if (context.reference) {
    const referenceTimings = timingsOf(context.reference, params.repetitions);
    if (typeof referenceTimings === "string") {
      return { points: 0, message: `cannot grade speedup: the reference's own run failed (${failureOf(context.reference) ?? referenceTimings})` };
    }
    reference = measured(referenceTimings);
    referenceSpeedup = reference.speedup;
    against = `the reference's ${reference.speedup.toFixed(2)}× in this grading run`;
    if (reference.speedup <= NO_SPEEDUP_AT_MOST) {
      return {
        points: 0,
        message: `cannot grade speedup: the reference itself reached only ${reference.speedup.toFixed(2)}× here (a busy machine, or fewer cores than workers)`,
        figure: speedupFigure(submission, reference),
      };
    }
  }
  const band = speedupBand(submission.speedup, referenceSpeedup);
  const share = Math.round((100 * submission.speedup) / referenceSpeedup);
  const points = band === "full" ? maxPoints : band === "half" ? maxPoints / 2 : 0;
  const speedup = `${submission.speedup.toFixed(2)}× speedup with ${params.workers} workers (median ${submission.parallelMs.toFixed(0)} ms, vs ${submission.sequentialMs.toFixed(0)} ms sequential and ${submission.oneWorkerMs.toFixed(0)} ms on one worker), ${share}% of ${against}`;
  const message =
    band === "full"
      ? speedup
      : submission.speedup <= NO_SPEEDUP_AT_MOST
        ? `no parallel speedup: ${speedup}; at most ${NO_SPEEDUP_AT_MOST}× counts as none (do all workers compute their own band at the same time?)`
        : `${speedup}: full points from ${Math.round(FULL_SHARE * 100)}%, half from ${Math.round(HALF_SHARE * 100)}%`;
  const details = [
    "Speedup = min(median sequential, median one worker) / median parallel.",
    ...timings.map((t) => `repetition ${t.repetition}: sequential ${t.sequentialMs.toFixed(1)} ms, one worker ${t.oneWorkerMs.toFixed(1)} ms, ${params.workers} workers ${t.parallelMs.toFixed(1)} ms`),
  ].join("\n");
  return { points, message, details, figure: speedupFigure(submission, reference) };
}

export function judge(scenario: ScenarioSpec, outcome: ExerciseOutcome, context: JudgeContext): Verdict {
  const base = { scenario: scenario.id, title: scenario.title, maxPoints: scenario.points };
  let params;
  try {
    params = parseParams(scenario.params);
  } catch (error) {
    return { ...base, points: 0, status: "failed", message: `lab error: ${(error as Error).message}` };
  }
  if (params.kind === "correctness") {
    const problem = gridProblem(outcome, "run", params, params.workers);
    if (problem) return { ...base, points: 0, status: "failed", ...problem };
    return { ...base, points: scenario.points, status: "passed", message: `the grid after ${params.steps} steps on ${params.workers} worker${params.workers === 1 ? "" : "s"} equals the sequential result` };
  }
  const verdict = judgeSpeedup(params, outcome, context, scenario.points);
  return { ...base, status: verdict.points === scenario.points ? "passed" : "failed", ...verdict };
}

/** The scenario with another seed, for a replay line (`--only S --seed N`). */
export function withSeed(scenario: ScenarioSpec, seed: number): ScenarioSpec {
  const params = scenario.params as Record<string, JsonValue>;
  const check = record(params.check as JsonValue);
  return { ...scenario, params: { ...params, seed, ...(check ? { check: { ...(check as Record<string, JsonValue>), seed } } : {}) } };
}
