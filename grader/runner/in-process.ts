/**
 * Runs one scenario's exercise in this process, without a sandbox: for trusted
 * code only (a lab's tests of its reference and variants, and a learner's
 * public checks on their own machine). The sandboxed runner gives the exercise
 * the same context, so an exercise cannot tell the two apart.
 */
import { performance } from "node:perf_hooks";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { ExerciseModule, ExerciseOutcome, JsonValue, ScenarioSpec, SubmissionCode } from "../lab/types.js";
import { loadSubmission } from "./load-submission.js";

/** Loads an exercise module by its path under dist/ (as in LabDefinition.exercise), or by an absolute path. */
export async function importExercise(distRoot: string, exercise: string): Promise<ExerciseModule> {
  const loaded = (await import(pathToFileURL(resolve(distRoot, exercise)).href)) as Partial<ExerciseModule> & { default?: ExerciseModule };
  const module = loaded.run ? (loaded as ExerciseModule) : loaded.default;
  if (!module || typeof module.run !== "function") throw new Error(`${exercise} exports no run(context)`);
  return module;
}

export async function runExerciseInProcess(exercise: ExerciseModule, scenario: ScenarioSpec, code: SubmissionCode): Promise<ExerciseOutcome> {
  const observations: JsonValue[] = [];
  const started = performance.now();
  try {
    const submission = loadSubmission(code, { confined: false });
    await exercise.run({
      scenario,
      submission,
      code,
      confined: false,
      // A round trip through JSON, as over the sandbox's channel: what is judged is what could be sent.
      emit: (observation) => observations.push(JSON.parse(JSON.stringify(observation)) as JsonValue),
      now: () => performance.now(),
    });
    return { exit: "ok", observations, log: "", wallMs: performance.now() - started };
  } catch (error) {
    return { exit: "error", observations, message: (error as Error)?.message ?? String(error), log: "", wallMs: performance.now() - started };
  }
}
