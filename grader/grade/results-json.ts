/**
 * Gradescope's results.json (https://gradescope-autograders.readthedocs.io/en/latest/specs/):
 * the lingua franca of autograders, emitted natively. Hidden scenarios show
 * their outcome and witness once grades are published, never their parameters.
 */
import { countBy, type GradeReport, type ScenarioResult } from "./report.js";

export type GradescopeVisibility = "visible" | "hidden" | "after_due_date" | "after_published";

export interface ReportOptions {
  /** When learners see hidden scenarios' results on Gradescope. @default "after_published" */
  readonly hiddenVisibility?: GradescopeVisibility;
  /** How much of a hidden scenario's result the feedback report shows: everything but its parameters, or only pass/fail and points. @default "full" */
  readonly hiddenFeedback?: "full" | "outcome";
}

export interface GradescopeTest {
  name: string;
  number: string;
  score: number;
  max_score: number;
  status: "passed" | "failed";
  output: string;
  output_format: "md";
  visibility: GradescopeVisibility;
  tags: string[];
  extra_data: Record<string, unknown>;
}

export interface GradescopeResults {
  score: number;
  execution_time: number;
  output: string;
  output_format: "md";
  test_output_format: "md";
  visibility: GradescopeVisibility;
  stdout_visibility: GradescopeVisibility;
  tests: GradescopeTest[];
  extra_data: Record<string, unknown>;
}

/** A fenced block whose fence cannot be closed by the text inside it. */
export function fenced(text: string, language = ""): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((match) => match[0].length));
  const fence = "`".repeat(longest + 1);
  return `${fence}${language}\n${text}\n${fence}`;
}

/** One scenario's result as markdown: the message, the witness, the seed and the replay line. */
export function scenarioMarkdown(result: ScenarioResult): string {
  const parts = [`**${result.status === "passed" ? "passed" : "failed"}**: ${result.message}`];
  if (result.details) parts.push(fenced(result.details));
  if (result.seed !== undefined) parts.push(`seed: \`${result.seed}\``);
  if (result.status === "failed") parts.push(`replay: \`${result.replay}\``);
  if (result.log) parts.push(`your code's output:\n\n${fenced(result.log)}`);
  return parts.join("\n\n");
}

/** The headline: public checks and hidden results counted separately, so "all public checks passed" is never read as a full score. */
export function headline(report: GradeReport, hiddenShownLater: boolean): string {
  if (report.compileError) return `your submission could not be run: ${report.compileError}`;
  const pub = countBy(report.results, "public");
  const hidden = countBy(report.results, "hidden");
  const parts = [`score ${report.score}/${report.maxScore}`];
  if (pub.total) parts.push(`public checks: ${pub.passed}/${pub.total} passed`);
  if (hidden.total) parts.push(hiddenShownLater ? "hidden results pending (shown when grades are published)" : `hidden checks: ${hidden.passed}/${hidden.total} passed`);
  return parts.join(" · ");
}

export function gradescopeResults(report: GradeReport, options: ReportOptions = {}): GradescopeResults {
  const hiddenVisibility = options.hiddenVisibility ?? "after_published";
  const lines = [
    `**${report.labTitle}** (${report.lab}): ${headline(report, hiddenVisibility !== "visible")}`,
    `isolation: ${report.isolation}`,
  ];
  if (report.graderError) lines.push(`**the grader failed** (${report.graderError}); these results are partial, tell the course staff`);
  if (report.results.some((result) => result.infrastructure)) lines.push("some scenarios failed because of the grader, not your code; tell the course staff");
  return {
    score: report.score,
    execution_time: Math.round(report.executionMs / 1000),
    output: lines.join("\n\n"),
    output_format: "md",
    test_output_format: "md",
    visibility: "visible",
    stdout_visibility: "hidden",
    tests: report.results.map((result, index) => ({
      name: `${result.title} (${result.scenario})`,
      number: String(index + 1),
      score: result.points,
      max_score: result.maxPoints,
      status: result.status,
      output: scenarioMarkdown(result),
      output_format: "md",
      visibility: result.visibility === "public" ? "visible" : hiddenVisibility,
      tags: [result.visibility],
      extra_data: {
        lab: report.lab,
        scenario: result.scenario,
        isolation: result.isolation,
        exit: result.exit,
        wall_ms: result.wallMs,
        ...(result.seed !== undefined ? { seed: result.seed } : {}),
        ...(result.infrastructure ? { infrastructure_error: true } : {}),
      },
    })),
    extra_data: {
      lab: report.lab,
      submission: report.submission,
      isolation: report.isolation,
      max_score: report.maxScore,
      ...(report.compileError ? { compile_error: report.compileError } : {}),
      ...(report.graderError ? { grader_error: report.graderError } : {}),
      ...(report.only ? { only: report.only } : {}),
      ...(report.seed !== undefined ? { seed: report.seed } : {}),
    },
  };
}

/** results.json for a run that could not grade at all (unknown lab, broken install): still written, so the platform shows why. */
export function failureResults(message: string): GradescopeResults {
  return {
    score: 0,
    execution_time: 0,
    output: `**the grader could not grade this submission**: ${message}\n\nThis is not your code's fault; tell the course staff.`,
    output_format: "md",
    test_output_format: "md",
    visibility: "visible",
    stdout_visibility: "hidden",
    tests: [],
    extra_data: { grader_error: message },
  };
}
