/**
 * One scenario of one submission, run the way the grader runs it: by the
 * sandboxed runner (a separate process, OS isolation, the submission confined
 * with SES), or in this process for trusted code (a lab's own reference and
 * variants in tests). Every caller in grader/grade goes through here, and the
 * isolation actually in force comes back as one line.
 */
import { join } from "node:path";
import { packageRoot, type LabTree } from "../lab/registry.js";
import type { ExerciseOutcome, PublicLab, ScenarioSpec, SubmissionCode } from "../lab/types.js";
import { importExercise, runExerciseInProcess } from "../runner/in-process.js";
import { runScenario as runSandboxed } from "../runner/index.js";

/**
 * "auto": the strongest sandbox this machine has; "none": a plain child
 * process (still a separate process with limits and SES, no OS namespaces);
 * "in-process": no process at all, for trusted code only.
 */
export type IsolationRequest = "auto" | "none" | "in-process";

export interface RunScenarioOptions {
  /** The built package's dist/ (the runner and the runtime come from here). */
  readonly distRoot: string;
  /** Where `lab.exercise` is resolved. @default distRoot */
  readonly exerciseRoot?: string;
  readonly isolation?: IsolationRequest;
  readonly signal?: AbortSignal;
}

/** The outcome plus a one-line description of the isolation that held the submission. */
export type ScenarioRun = ExerciseOutcome & { readonly isolation: string };

/** The isolation the runner reports, as one line for people (a structured report carries its own summary). */
export function describeIsolation(isolation: unknown): string {
  if (typeof isolation === "string") return isolation;
  if (isolation && typeof isolation === "object") {
    const summary = (isolation as { summary?: unknown }).summary;
    // The runner's summary reads "isolation: full — ..."; the reports print their own label.
    return typeof summary === "string" ? summary.replace(/^isolation:\s*/, "") : JSON.stringify(isolation);
  }
  return "unknown";
}

/** Runner and runtime from this package's build; the exercise from the lab's tree (the package, or a test's fixture). */
export function rootsFor(tree: LabTree): { distRoot: string; exerciseRoot: string } {
  return { distRoot: join(packageRoot(), "dist"), exerciseRoot: tree.distRoot };
}

export const IN_PROCESS = "in-process: no sandbox, no limits (trusted code only)";

export async function runScenario(lab: PublicLab, scenario: ScenarioSpec, code: SubmissionCode, options: RunScenarioOptions): Promise<ScenarioRun> {
  const exerciseRoot = options.exerciseRoot ?? options.distRoot;
  if (options.isolation === "in-process") {
    const exercise = await importExercise(exerciseRoot, lab.exercise);
    return { ...(await runExerciseInProcess(exercise, scenario, code)), isolation: IN_PROCESS };
  }
  const outcome = await runSandboxed(lab, scenario, code, {
    distRoot: options.distRoot,
    exerciseRoot,
    isolation: options.isolation ?? "auto",
    ...(options.signal ? { signal: options.signal } : {}),
  });
  return { ...outcome, isolation: describeIsolation(outcome.isolation) };
}
