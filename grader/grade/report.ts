/** What grading one submission produced: the model every output (results.json, JUnit, feedback) is written from. */
import type { RunExit, Verdict, Visibility } from "../lab/types.js";

export interface ScenarioResult extends Verdict {
  readonly visibility: Visibility;
  /** How the run ended ("not-run" when the submission did not compile or grading stopped first). */
  readonly exit: RunExit | "not-run";
  /** The isolation that held the submission in this run, as one line. */
  readonly isolation: string;
  readonly wallMs: number;
  /** One command line that re-runs exactly this scenario (with the failing seed when there is one). */
  readonly replay: string;
  /** The submission's own output, capped; shown to help, never scored. */
  readonly log?: string;
  /** The grader's own failure (an infrastructure limit, a judge that threw), not the learner's. */
  readonly infrastructure?: boolean;
}

export interface GradeReport {
  readonly lab: string;
  readonly labTitle: string;
  /** The submission as named in messages. */
  readonly submission: string;
  readonly score: number;
  readonly maxScore: number;
  readonly results: readonly ScenarioResult[];
  /** Why the submission could not be run at all (syntax error, missing name), when it could not. */
  readonly compileError?: string;
  /** The grader itself failed; the results are partial. */
  readonly graderError?: string;
  /** The isolation in force across the run (distinct values, joined). */
  readonly isolation: string;
  readonly executionMs: number;
  /** The scenario selection and seed of a replay run. */
  readonly only?: readonly string[];
  readonly seed?: number;
}

export function totals(results: readonly ScenarioResult[]): { score: number; maxScore: number } {
  // Rounded so that float sums of fractional points print and compare cleanly.
  const round = (value: number) => Math.round(value * 1000) / 1000;
  return {
    score: round(results.reduce((sum, result) => sum + result.points, 0)),
    maxScore: round(results.reduce((sum, result) => sum + result.maxPoints, 0)),
  };
}

export function isolationSummary(results: readonly ScenarioResult[]): string {
  const distinct = [...new Set(results.filter((result) => result.exit !== "not-run").map((result) => result.isolation))];
  return distinct.length ? distinct.join(" | ") : "not run";
}

export function countBy(results: readonly ScenarioResult[], visibility: Visibility): { passed: number; total: number } {
  const subset = results.filter((result) => result.visibility === visibility);
  return { passed: subset.filter((result) => result.status === "passed").length, total: subset.length };
}
