/**
 * `pardis validate`: proof that a lab grades what it claims. The reference
 * (the instructor notebook) scores full marks, the student version (its
 * stubs) scores zero, and each known-wrong variant loses exactly the
 * scenarios it lists, with the expected failure in their messages.
 */
import { basename } from "node:path";
import { notebookAnswer, readSubmission, type SubmissionSource } from "../lab/submission.js";
import { labSourcePath, labTree, loadLab, type LabTree } from "../lab/registry.js";
import type { KnownWrongVariant, LabDefinition } from "../lab/types.js";
import { readNotebook } from "../notebook.js";
import { serializeNotebook, studentNotebook } from "../publish/student.js";
import { gradeWithLab } from "./grade-submission.js";
import { Pool } from "./pool.js";
import { ReferenceCache } from "./reference.js";
import type { GradeReport } from "./report.js";
import type { IsolationRequest } from "./run-scenario.js";

export interface ValidationRow {
  readonly lab: string;
  /** "reference", "student stubs", or the variant's file. */
  readonly case: string;
  readonly expected: string;
  readonly got: string;
  readonly ok: boolean;
  /** What did not match, one line each. */
  readonly problems: readonly string[];
}

export interface ValidateOptions {
  readonly tree?: LabTree;
  readonly concurrency?: number;
  readonly isolation?: IsolationRequest;
  readonly pool?: Pool;
  /** Called as each row is known. */
  readonly onRow?: (row: ValidationRow) => void;
}

/** The student version's answer cells: what a learner who changed nothing would submit. */
export function studentStubs(lab: LabDefinition, tree: LabTree): SubmissionSource {
  const path = labSourcePath(lab, lab.reference, tree);
  const student = studentNotebook(readNotebook(path));
  return notebookAnswer(serializeNotebook(student), `${basename(path)} (student version)`);
}

function failedIds(report: GradeReport): string[] {
  return report.results.filter((result) => result.status === "failed").map((result) => result.scenario);
}

function row(lab: string, name: string, expected: string, report: GradeReport, problems: string[]): ValidationRow {
  const failed = failedIds(report);
  return { lab, case: name, expected, got: `${report.score}/${report.maxScore}${failed.length ? `, fails ${failed.join(", ")}` : ""}`, ok: problems.length === 0, problems };
}

function infrastructure(report: GradeReport): string[] {
  return report.results.filter((result) => result.infrastructure).map((result) => `${result.scenario}: ${result.message}`);
}

export async function validateLab(labId: string, options: ValidateOptions = {}): Promise<ValidationRow[]> {
  const tree = options.tree ?? labTree();
  const lab = await loadLab(labId, tree);
  const pool = options.pool ?? new Pool(options.concurrency);
  const references = new ReferenceCache();
  const grade = (submission: string | SubmissionSource) => gradeWithLab(lab, submission, { tree, pool, references, ...(options.isolation ? { isolation: options.isolation } : {}) });
  const emit = (made: ValidationRow) => {
    options.onRow?.(made);
    return made;
  };

  const reference = (async () => {
    const report = await grade(readSubmission(labSourcePath(lab, lab.reference, tree)));
    const problems = [
      ...(report.compileError ? [`does not compile: ${report.compileError}`] : []),
      ...report.results.filter((result) => result.status === "failed").map((result) => `${result.scenario} failed: ${result.message}`),
    ];
    return emit(row(lab.id, "reference", `${report.maxScore}/${report.maxScore}`, report, problems));
  })();

  const stubs = (async () => {
    let source: SubmissionSource;
    try {
      source = studentStubs(lab, tree);
    } catch (error) {
      return emit({ lab: lab.id, case: "student stubs", expected: "0", got: "no student version", ok: false, problems: [String((error as Error).message)] });
    }
    const report = await grade(source);
    const problems = [
      ...(report.compileError ? [`the student version does not compile: ${report.compileError}`] : []),
      ...report.results.filter((result) => result.points > 0).map((result) => `${result.scenario} gives ${result.points} points to the stubs`),
      ...infrastructure(report),
    ];
    return emit(row(lab.id, "student stubs", `0/${report.maxScore}`, report, problems));
  })();

  const expectedText = (variant: KnownWrongVariant, scenario: string) => variant.expectIn?.[scenario] ?? variant.expect;
  const variants = lab.variants.map(async (variant) => {
    const report = await grade(labSourcePath(lab, variant.file, tree));
    const failed = new Set(failedIds(report));
    const expected = new Set(variant.fails);
    const problems = [
      ...(report.compileError ? [`does not compile: ${report.compileError}`] : []),
      ...variant.fails.filter((id) => !failed.has(id)).map((id) => `${id} should fail (${variant.bug}) but passed`),
      ...[...failed].filter((id) => !expected.has(id)).map((id) => `${id} failed but should pass: ${report.results.find((r) => r.scenario === id)?.message}`),
      ...report.results
        .filter((result) => result.status === "failed" && expected.has(result.scenario) && !result.message.includes(expectedText(variant, result.scenario)))
        .map((result) => `${result.scenario}: the message does not mention ${JSON.stringify(expectedText(variant, result.scenario))}: ${result.message}`),
      ...infrastructure(report),
    ];
    return emit(row(lab.id, variant.file, `fails ${variant.fails.join(", ")}`, report, problems));
  });

  return Promise.all([reference, stubs, ...variants]);
}

/** The rows as a plain-text table, problems under their row. */
export function formatValidation(rows: readonly ValidationRow[]): string {
  const header = ["", "lab", "case", "expected", "got"];
  const cells = rows.map((r) => [r.ok ? "✓" : "✗", r.lab, r.case, r.expected, r.got]);
  const widths = header.map((_, column) => Math.max(...[header, ...cells].map((line) => line[column]!.length)));
  const line = (values: string[]) => values.map((value, column) => value.padEnd(widths[column]!)).join("  ").trimEnd();
  const out = [line(header)];
  rows.forEach((r, index) => {
    out.push(line(cells[index]!));
    for (const problem of r.problems) out.push(`      - ${problem}`);
  });
  const bad = rows.filter((r) => !r.ok).length;
  out.push(bad === 0 ? `all ${rows.length} checks match` : `${bad} of ${rows.length} checks do not match`);
  return `${out.join("\n")}\n`;
}
