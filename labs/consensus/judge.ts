/**
 * Lab "consensus", grader side: a scenario's verdict from the exercise's
 * observations (one per seed). A scenario passes only if every seed passes;
 * the verdict names the first failing seed, its anomaly with the witness, the
 * replay line, and a diagram. The rule for one seed is seed-verdict.ts.
 */
import type { ExerciseOutcome, ScenarioSpec, Verdict } from "../../grader/lab/types.js";
import { parseParams, type ScenarioParams } from "./exercise/params.js";
import { seedProblem, type SeedObservation, type SeedProblem } from "./exercise/seed-verdict.js";
import { seedFigure } from "./figure.js";
import { asSeedObservation, malformedSeed } from "./observations.js";

export function judge(scenario: ScenarioSpec, outcome: ExerciseOutcome): Verdict {
  const base = { scenario: scenario.id, title: scenario.title, maxPoints: scenario.points };
  const failed = (message: string, extra: Partial<Verdict> = {}): Verdict => ({ ...base, points: 0, status: "failed", message, ...extra });
  if (outcome.exit !== "ok") {
    const log = outcome.log.trim() === "" ? "" : `\nlog (last lines):\n${outcome.log.slice(-2000)}`;
    return failed(`the run did not finish (${outcome.exit})${outcome.message ? `: ${outcome.message}` : ""}`, { details: `after ${Math.round(outcome.wallMs)} ms${log}` });
  }
  let params: ScenarioParams;
  try {
    params = parseParams(scenario.params);
  } catch (error) {
    return failed(`the scenario's parameters are wrong: ${(error as Error).message}`);
  }

  const runs: SeedObservation[] = [];
  for (const [i, observation] of outcome.observations.entries()) {
    const why = malformedSeed(observation);
    if (why !== undefined) return failed(`observation ${i + 1} from the exercise is malformed: ${why}`);
    const run = asSeedObservation(observation);
    if (run.seed !== params.seeds[i]) return failed(`observation ${i + 1} is for seed ${run.seed}, expected seed ${params.seeds[i]}`);
    runs.push(run);
  }

  for (const run of runs) {
    let problem: SeedProblem | undefined;
    try {
      problem = seedProblem(run, params);
    } catch (error) {
      return failed(`seed ${run.seed}: the observations do not check: ${(error as Error).message}`, { seed: run.seed });
    }
    if (problem === undefined) continue;
    const figure = seedFigure(run, problem);
    return failed(`seed ${run.seed}: ${problem.message}`, {
      seed: run.seed,
      details: `${problem.details}\nreplay (simulator): ${run.replay}`,
      ...(figure !== undefined ? { figure } : {}),
    });
  }
  if (runs.length < params.seeds.length) {
    return failed(`the exercise reported ${runs.length} of ${params.seeds.length} seeds, all fine, and stopped`, { details: outcome.log.slice(-2000) });
  }

  const committed = runs.reduce((sum, run) => sum + run.history.filter((op) => op.outcome === "ok").length, 0);
  const elections = runs.reduce((sum, run) => sum + run.trace.leaders.length, 0);
  if (params.safety && params.livenessFromMs === null && committed === 0) {
    // Safety holds vacuously for a cluster that never does anything; that earns nothing.
    return failed(`vacuous: no client operation committed in any of the ${runs.length} seeds, so safety was never put to the test (${elections} leader(s) elected)`);
  }
  const what = [params.safety ? "safe" : "", params.livenessFromMs !== null ? `live from ${params.livenessFromMs} ms` : ""].filter(Boolean).join(" and ");
  return {
    ...base,
    points: scenario.points,
    status: "passed",
    message: `${what} on all ${runs.length} seeds (${elections} elections, ${committed} client operations committed)`,
  };
}

/** The scenario narrowed to one seed, for the replay command (`--only <scenario> --seed N`). */
export function withSeed(scenario: ScenarioSpec, seed: number): ScenarioSpec {
  return { ...scenario, params: { ...(scenario.params as Record<string, never>), seeds: [seed] } };
}
