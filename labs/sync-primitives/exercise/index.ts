/**
 * The sync-primitives exercise: runs inside the sandbox next to the answer
 * and reports what it observed (the explorer's findings, or a stress run's
 * counters); the grader's judge turns that into a verdict.
 */
import type { ExerciseContext } from "../../../grader/lab/types.js";
import { runExploreScenario } from "./explore-scenario.js";
import { parseParams } from "./params.js";
import { runStressScenario } from "./stress.js";

export async function run(context: ExerciseContext): Promise<void> {
  const params = parseParams(context.scenario.params);
  if (params.kind === "explore") await runExploreScenario(context, params);
  else await runStressScenario(context, params);
}
