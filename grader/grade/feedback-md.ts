/**
 * The learner's feedback report in markdown: a table of every scenario, then
 * each failure with its message, witness, seed and replay line. Hidden
 * scenarios show their outcome (and, unless told otherwise, their witness),
 * never their parameters.
 */
import type { GradeReport, ScenarioResult } from "./report.js";
import { fenced, headline, type ReportOptions } from "./results-json.js";

function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\s*\n\s*/g, " ");
}

/** The result as the feedback may show it: hidden ones reduced to their outcome when the options say so. */
export function shownResult(result: ScenarioResult, options: ReportOptions): ScenarioResult {
  if (result.visibility !== "hidden" || (options.hiddenFeedback ?? "full") === "full") return result;
  const { details: _details, figure: _figure, log: _log, seed: _seed, ...rest } = result;
  return { ...rest, message: result.status === "passed" ? "passed" : "failed (details are withheld for hidden scenarios)" };
}

export function resultsTable(results: readonly ScenarioResult[]): string {
  const rows = results.map(
    (result) =>
      `| ${result.status === "passed" ? "✓" : "✗"} | ${cell(result.title)} (\`${result.scenario}\`) | ${result.visibility} | ${result.points}/${result.maxPoints} | ${cell(result.message)} | ${result.seed ?? ""} |`,
  );
  return ["| | scenario | kind | points | result | seed |", "|---|---|---|---|---|---|", ...rows].join("\n");
}

export function failureSection(result: ScenarioResult): string {
  const parts = [`### ✗ ${result.title} (\`${result.scenario}\`): ${result.points}/${result.maxPoints}`, result.message];
  if (result.infrastructure) parts.push("_This is the grader's failure, not your code's: tell the course staff._");
  if (result.details) parts.push(fenced(result.details));
  if (result.seed !== undefined) parts.push(`seed: \`${result.seed}\``);
  parts.push(`replay:\n\n${fenced(result.replay, "sh")}`);
  if (result.figure !== undefined) parts.push("_(a diagram of this run is in feedback.html)_");
  if (result.log) parts.push(`your code's output:\n\n${fenced(result.log)}`);
  return parts.join("\n\n");
}

export function feedbackMarkdown(report: GradeReport, options: ReportOptions = {}): string {
  const results = report.results.map((result) => shownResult(result, options));
  const failures = results.filter((result) => result.status === "failed");
  const parts = [
    `# ${report.labTitle}: feedback`,
    `submission: \`${report.submission}\` · ${headline(report, false)}`,
    `isolation: ${report.isolation}`,
  ];
  if (report.compileError) parts.push(`**Your submission could not be run**: ${report.compileError}`);
  if (report.graderError) parts.push(`**The grader failed** (${report.graderError}); these results are partial. Tell the course staff.`);
  parts.push(resultsTable(results));
  if (failures.length > 0 && !report.compileError) parts.push("## What failed", ...failures.map(failureSection));
  else if (failures.length === 0) parts.push("Every scenario passed.");
  return `${parts.join("\n\n")}\n`;
}
