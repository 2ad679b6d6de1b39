/**
 * Grading one submission: compile it, run each selected scenario (in the
 * sandbox, up to `concurrency` at once), judge every outcome in this process,
 * and write the reports. Nothing the submission does can change how its
 * verdict is computed: it only ever produces observations.
 */
import { performance } from "node:perf_hooks";
import { GraderError } from "../errors.js";
import { compileSubmission, readSubmission, type SubmissionSource } from "../lab/submission.js";
import { labTree, loadLab, type LabTree } from "../lab/registry.js";
import type { ExerciseOutcome, LabDefinition, PublicLab, ScenarioSpec, SubmissionCode } from "../lab/types.js";
import { writeReports, type ReportOptions } from "./outputs.js";
import { Pool } from "./pool.js";
import { ReferenceCache } from "./reference.js";
import { isolationSummary, totals, type GradeReport, type ScenarioResult } from "./report.js";
import { rootsFor, runScenario, type IsolationRequest } from "./run-scenario.js";
import { replayCommand, selectScenarios } from "./scenarios.js";
import { failed, judgeOutcome } from "./verdict.js";

const LOG_LIMIT = 4000;

export interface GradeOptions extends ReportOptions {
  /** Scenario ids to run (the replay command's `--only`). */
  readonly only?: readonly string[];
  /** Narrow the selected scenarios to this seed (`--seed`, with the lab's withSeed). */
  readonly seed?: number;
  /** Scenarios run at once. @default the number of cores (ignored when `pool` is given) */
  readonly concurrency?: number;
  /** A pool shared with other submissions (batch grading). */
  readonly pool?: Pool;
  readonly isolation?: IsolationRequest;
  /** Where results.json, junit.xml, feedback.md and feedback.html go; nothing is written without it. */
  readonly outDir?: string;
  /** Reference outcomes shared across a batch. */
  readonly references?: ReferenceCache;
  /** Where the labs are. @default this package */
  readonly tree?: LabTree;
  /** How replay commands name the submission. @default the path given, or the source's name */
  readonly replayTarget?: string;
  /** Called as each scenario is judged (progress bars). */
  readonly onResult?: (result: ScenarioResult) => void;
  readonly signal?: AbortSignal;
}

function notRun(lab: PublicLab, scenario: ScenarioSpec, message: string, replay: string, infrastructure = false): ScenarioResult {
  return {
    ...failed(scenario, message),
    visibility: scenario.visibility,
    exit: "not-run",
    isolation: "not run",
    wallMs: 0,
    replay,
    ...(infrastructure ? { infrastructure } : {}),
  };
}

function capLog(log: string): string | undefined {
  if (!log) return undefined;
  return log.length > LOG_LIMIT ? `${log.slice(0, LOG_LIMIT)}\n… (${log.length - LOG_LIMIT} more characters not shown)` : log;
}

async function gradeScenario(
  lab: PublicLab,
  scenario: ScenarioSpec,
  code: SubmissionCode,
  options: GradeOptions,
  tree: LabTree,
  target: string,
): Promise<ScenarioResult> {
  const isolation = options.isolation ?? "auto";
  const replayFor = (seed?: number) => replayCommand(target, lab.id, scenario.id, seed ?? options.seed);
  try {
    let reference: ExerciseOutcome | undefined;
    if ((lab as LabDefinition).needsReference?.includes(scenario.id)) {
      reference = await (options.references ?? new ReferenceCache()).outcome(lab as LabDefinition, scenario, tree, isolation);
    }
    const outcome = await runScenario(lab, scenario, code, { ...rootsFor(tree), isolation, ...(options.signal ? { signal: options.signal } : {}) });
    const { verdict, infrastructure } = judgeOutcome(lab, scenario, outcome, reference ? { reference } : {});
    const log = capLog(outcome.log);
    return {
      ...verdict,
      visibility: scenario.visibility,
      exit: outcome.exit,
      isolation: outcome.isolation,
      wallMs: Math.round(outcome.wallMs),
      replay: replayFor(verdict.seed),
      ...(log ? { log } : {}),
      ...(infrastructure ? { infrastructure } : {}),
    };
  } catch (error) {
    // The runner or the reference failed: ours to fix, reported per scenario, never a crash.
    return notRun(lab, scenario, `internal grader error: ${(error as Error)?.message ?? String(error)}; this is not your code's fault, tell the course staff`, replayFor(), true);
  }
}

/** Grades a submission against an already loaded lab (the whole lab, or only its public part for checkLab). */
export async function gradeWithLab(lab: PublicLab | LabDefinition, submission: string | SubmissionSource, options: GradeOptions = {}): Promise<GradeReport> {
  const started = performance.now();
  const tree = options.tree ?? labTree();
  const scenarios = selectScenarios(lab, options.only, options.seed);
  const target = options.replayTarget ?? (typeof submission === "string" ? submission : submission.name);
  const results = new Array<ScenarioResult | undefined>(scenarios.length);
  let name = typeof submission === "string" ? submission : submission.name;

  const report = (extra: Partial<GradeReport> = {}): GradeReport => {
    const done = scenarios.map(
      (scenario, index) => results[index] ?? notRun(lab, scenario, "not graded: grading stopped before this scenario", replayCommand(target, lab.id, scenario.id, options.seed)),
    );
    return {
      lab: lab.id,
      labTitle: lab.title,
      submission: name,
      ...totals(done),
      results: done,
      isolation: isolationSummary(done),
      executionMs: Math.round(performance.now() - started),
      ...(options.only?.length ? { only: options.only } : {}),
      ...(options.seed !== undefined ? { seed: options.seed } : {}),
      ...extra,
    };
  };

  let code: SubmissionCode;
  try {
    const source = typeof submission === "string" ? readSubmission(submission) : submission;
    name = source.name;
    code = compileSubmission(source, lab.exports);
  } catch (error) {
    if (!(error instanceof GraderError)) throw error;
    const message = `your submission could not be run: ${error.message}`;
    scenarios.forEach((scenario, index) => {
      results[index] = notRun(lab, scenario, message, replayCommand(target, lab.id, scenario.id, options.seed));
      options.onResult?.(results[index]!);
    });
    const final = report({ compileError: error.message });
    if (options.outDir) writeReports(final, options.outDir, options);
    return final;
  }

  const pool = options.pool ?? new Pool(options.concurrency);
  // Timed and worker-heavy scenarios take the whole pool, so no neighbour skews what they measure.
  const timed = new Set((lab as LabDefinition).needsReference ?? []);
  try {
    await Promise.all(
      scenarios.map((scenario, index) =>
        pool.run(async () => {
          const result = await gradeScenario(lab, scenario, code, options, tree, target);
          results[index] = result;
          options.onResult?.(result);
          // Partial results as we go: a grader killed halfway still leaves a results.json.
          if (options.outDir) writeReports(report(), options.outDir, options, ["results.json"]);
        }, timed.has(scenario.id) || scenario.exclusive ? pool.size : 1),
      ),
    );
  } catch (error) {
    const final = report({ graderError: String((error as Error)?.message ?? error) });
    if (options.outDir) writeReports(final, options.outDir, options);
    return final;
  }
  const final = report();
  if (options.outDir) writeReports(final, options.outDir, options);
  return final;
}

/** Grades a submission (a path: .ipynb, .ts or a folder holding one; or its source) against the whole lab `labId`. */
export async function gradeSubmission(submission: string | SubmissionSource, labId: string, options: GradeOptions = {}): Promise<GradeReport> {
  const lab = await loadLab(labId, options.tree ?? labTree());
  return gradeWithLab(lab, submission, options);
}
