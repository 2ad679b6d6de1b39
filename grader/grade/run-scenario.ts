/**
 * One scenario of one submission, run the way the grader runs it: through the
 * sandboxed runner (`grader/runner/index.js`) when it is built, else in this
 * process, with the isolation actually in force reported either way. Every
 * caller in grader/grade goes through here, so the runner can change under it.
 */
import type { ExerciseOutcome, LabDefinition, PublicLab, ScenarioSpec, SubmissionCode } from "../lab/types.js";
import { importExercise, runExerciseInProcess } from "../runner/in-process.js";

export type IsolationRequest = "auto" | "none";

export interface RunScenarioOptions {
  readonly distRoot: string;
  readonly isolation?: IsolationRequest;
  readonly signal?: AbortSignal;
}

/** The outcome plus a one-line description of the isolation that held the submission. */
export type ScenarioRun = ExerciseOutcome & { readonly isolation: string };

type Runner = (
  lab: PublicLab | LabDefinition,
  scenario: ScenarioSpec,
  code: SubmissionCode,
  options: RunScenarioOptions,
) => Promise<ExerciseOutcome & { isolation?: unknown }>;

/** The isolation the runner reports, as one line for people (it may be a string or a structured summary). */
export function describeIsolation(isolation: unknown): string {
  if (typeof isolation === "string") return isolation;
  if (isolation && typeof isolation === "object") {
    const record = isolation as Record<string, unknown>;
    for (const key of ["summary", "description", "label"]) if (typeof record[key] === "string") return record[key] as string;
    return JSON.stringify(isolation);
  }
  return "unknown";
}

const IN_PROCESS = "none (in-process: no sandbox, no limits; trusted code only)";

async function inProcess(lab: PublicLab, scenario: ScenarioSpec, code: SubmissionCode, options: RunScenarioOptions): Promise<ScenarioRun> {
  const exercise = await importExercise(options.distRoot, lab.exercise);
  return { ...(await runExerciseInProcess(exercise, scenario, code)), isolation: IN_PROCESS };
}

let sandboxed: Promise<Runner | undefined> | undefined;

/** The sandboxed runner if this build has it (a variable specifier: the module may not exist yet in every build). */
function sandboxRunner(): Promise<Runner | undefined> {
  const specifier = "../runner/index.js";
  sandboxed ??= import(specifier).then(
    (module: { runScenario?: Runner }) => module.runScenario,
    () => undefined,
  );
  return sandboxed;
}

export async function runScenario(lab: PublicLab, scenario: ScenarioSpec, code: SubmissionCode, options: RunScenarioOptions): Promise<ScenarioRun> {
  if (options.isolation === "none") return inProcess(lab, scenario, code, options);
  const runner = await sandboxRunner();
  if (!runner) return { ...(await inProcess(lab, scenario, code, options)), isolation: `${IN_PROCESS}; this build has no sandboxed runner` };
  const outcome = await runner(lab, scenario, code, options);
  return { ...outcome, isolation: describeIsolation(outcome.isolation) };
}
