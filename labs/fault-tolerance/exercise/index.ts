/**
 * The fault-tolerance lab's exercise: trusted code that runs inside the
 * sandbox next to the answer, runs it (simulator seeds, the detector alone,
 * or real processes) and reports raw observations. It decides nothing: the
 * judge in the grader checks every history again.
 */
import type { NodeProgram } from "../../../runtime/index.js";
import type { ExerciseContext } from "../../../grader/lab/types.js";
import { runRealCluster } from "./cluster.js";
import { runDetector } from "./detector.js";
import type { ScenarioParams } from "./params.js";
import { runSimulated } from "./simulated.js";

export async function run(context: ExerciseContext): Promise<void> {
  const params = context.scenario.params as unknown as ScenarioParams;
  const kvNode = context.submission.kvNode;
  if (typeof kvNode !== "function") throw new Error(`kvNode must be a node program (a function taking the node context), got ${typeof kvNode}`);
  const program = kvNode as NodeProgram;
  const emit = (observation: Parameters<ExerciseContext["emit"]>[0]) => context.emit(observation);
  switch (params.kind) {
    case "simulated":
      return runSimulated(program, params, emit);
    case "detector":
      return runDetector(program, params, emit);
    case "cluster":
      return runRealCluster(program, params, emit);
  }
}
