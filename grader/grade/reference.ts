/**
 * The reference solution's outcomes, for scenarios judged against it (a
 * speedup relative to the reference measured on the same machine, in the same
 * run). Computed once per scenario and shared by every submission of a batch.
 */
import { compileSubmission, readSubmission } from "../lab/submission.js";
import { labSourcePath, type LabTree } from "../lab/registry.js";
import type { ExerciseOutcome, LabDefinition, ScenarioSpec, SubmissionCode } from "../lab/types.js";
import { rootsFor, runScenario, type IsolationRequest } from "./run-scenario.js";

export class ReferenceCache {
  private readonly codes = new Map<string, SubmissionCode>();
  private readonly outcomes = new Map<string, Promise<ExerciseOutcome>>();

  /** The reference notebook's answer cells, compiled (throws if the lab's own reference does not compile). */
  code(lab: LabDefinition, tree: LabTree): SubmissionCode {
    let code = this.codes.get(lab.id);
    if (!code) {
      code = compileSubmission(readSubmission(labSourcePath(lab, lab.reference, tree)), lab.exports);
      this.codes.set(lab.id, code);
    }
    return code;
  }

  outcome(lab: LabDefinition, scenario: ScenarioSpec, tree: LabTree, isolation: IsolationRequest): Promise<ExerciseOutcome> {
    const key = `${lab.id}\u0000${JSON.stringify(scenario)}`;
    let outcome = this.outcomes.get(key);
    if (!outcome) {
      outcome = (async () => runScenario(lab, scenario, this.code(lab, tree), { ...rootsFor(tree), isolation }))();
      this.outcomes.set(key, outcome);
    }
    return outcome;
  }
}
