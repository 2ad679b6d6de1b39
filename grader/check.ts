/**
 * `checkLab` for a lab notebook's public-checks cell: runs the lab's public
 * scenarios against the learner's current answer and shows the verdicts as a
 * table. Failing checks are the point of the exercise, so they never throw;
 * only a call that cannot mean anything (no lab id, no values) does.
 *
 * The answer reaches the runner as source text (`toString` of each value), the
 * same way a submitted notebook does: code that uses a helper must nest it or
 * pass it too.
 */
import { GraderError } from "./errors.js";
import { feedbackMarkdown } from "./grade/feedback-md.js";
import { gradeWithLab } from "./grade/grade-submission.js";
import type { GradeReport } from "./grade/report.js";
import { countBy } from "./grade/report.js";
import type { IsolationRequest } from "./grade/run-scenario.js";
import { hasFullLab, labTree, loadLab, loadPublicLab, type LabTree } from "./lab/registry.js";
import type { SubmissionSource } from "./lab/submission.js";

export interface CheckOptions {
  /** Also run the hidden scenarios (the instructor's machine: only where the whole lab is built). */
  readonly hidden?: boolean;
  /** Only these scenarios. */
  readonly only?: readonly string[];
  /** @default "auto", falling back to a plain process, then to this process, where a sandbox cannot start */
  readonly isolation?: IsolationRequest;
  readonly tree?: LabTree;
}

export interface CheckResult {
  readonly report: GradeReport;
  /** One line: "public checks: 3/4 passed · hidden checks run when you submit". */
  readonly summary: string;
  /** What the run could not do here (no sandbox, hidden checks not on this machine), one line each. */
  readonly notes: readonly string[];
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
/** The names the kernel's loop guards use (kernel/ts/loop-guard.ts; grader/ does not import kernel/). */
const LOOP_GUARD = "__pardisLoopGuard";
const LOOP_TICKS = "__pardisLoopTicks";

/** One top-level declaration per value, from its source. */
function declaration(name: string, value: unknown): string {
  if (!IDENTIFIER.test(name)) throw new GraderError("bad-arguments", `checkLab: ${JSON.stringify(name)} is not a name a declaration can have`);
  if (typeof value === "function") {
    const source = Function.prototype.toString.call(value).trim();
    if (source.includes("[native code]")) {
      throw new GraderError("bad-arguments", `checkLab: \`${name}\` is a built-in or bound function; pass the function you wrote`);
    }
    const declared = /^(?:async\s+)?function\b\s*\*?\s*([\w$]+)?|^class\b\s*([\w$]+)?/.exec(source);
    if (declared) {
      const ownName = declared[1] ?? declared[2];
      return ownName === name ? source : `const ${name} = (${source});`;
    }
    if (/^(?:async\s*)?(?:\([^)]*\)|[\w$]+)\s*=>/.test(source)) return `const ${name} = ${source};`;
    // Method shorthand (`{ add(a, b) { ... } }.add`): wrap it back into an object.
    const method = /^(?:async\s+)?\*?\s*([\w$]+)\s*\(/.exec(source);
    if (method) return `const ${name} = ({ ${source} }).${method[1]};`;
    return `const ${name} = (${source});`;
  }
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch {
    json = undefined;
  }
  if (json === undefined) throw new GraderError("bad-arguments", `checkLab: \`${name}\` is neither a function, a class nor plain data`);
  return `const ${name} = ${json};`;
}

/** The values as a submission module: one declaration each, as a notebook's answer cells would declare them. */
export function sourceOfValues(impl: Readonly<Record<string, unknown>>): SubmissionSource {
  const parts = Object.entries(impl).map(([name, value]) => declaration(name, value));
  // Functions defined in a pardis notebook carry the kernel's interrupt guards in their source
  // (a countdown and a call at the top of every loop body). Outside the kernel nothing defines
  // them; the sandbox's wall clock is what stops a runaway loop there, so the guard does nothing.
  if (parts.some((part) => part.includes(LOOP_GUARD))) parts.unshift(`let ${LOOP_TICKS} = 0;\nfunction ${LOOP_GUARD}(): void {}`);
  return { ts: parts.join("\n\n"), name: "your answer (checkLab)", fromNotebook: true };
}

function summaryOf(report: GradeReport, hiddenRan: boolean): string {
  if (report.compileError) return `your answer could not be run: ${report.compileError}`;
  const pub = countBy(report.results, "public");
  const hidden = countBy(report.results, "hidden");
  const parts = [`public checks: ${pub.passed}/${pub.total} passed`];
  parts.push(hiddenRan ? `hidden checks: ${hidden.passed}/${hidden.total} passed` : "hidden checks run when you submit");
  return parts.join(" · ");
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\s*\n\s*/g, " ");
}

function markdownOf(result: CheckResult): string {
  const rows = result.report.results.map(
    (r) => `| ${r.status === "passed" ? "✓" : "✗"} | ${escapeCell(r.title)} (\`${r.scenario}\`) | ${r.points}/${r.maxPoints} | ${escapeCell(r.message)} | ${r.seed ?? ""} |`,
  );
  const failedDetails = result.report.results
    .filter((r) => r.status === "failed" && r.details)
    .map((r) => `<details><summary>${escapeCell(r.scenario)}: details</summary>\n\n\`\`\`\n${r.details}\n\`\`\`\n\n</details>`);
  return [
    `**${result.report.labTitle}**: ${result.summary}`,
    "",
    "| | check | points | result | seed |",
    "|---|---|---|---|---|",
    ...rows,
    "",
    ...failedDetails,
    // A blank line first: without it the notes would belong to the last <details> HTML block and show their underscores.
    "",
    ...result.notes.map((note) => `_${note}_`),
  ].join("\n");
}

function plainOf(result: CheckResult): string {
  const lines = result.report.results.map((r) => `${r.status === "passed" ? "✓" : "✗"} ${r.scenario}  ${r.points}/${r.maxPoints}  ${r.message}${r.seed !== undefined ? `  (seed ${r.seed})` : ""}`);
  return [`${result.report.labTitle}: ${result.summary}`, ...lines, ...result.notes].join("\n");
}

/** Every run failed before its scenario started (no sandbox here, no runner): worth one try with less isolation. */
function couldNotStart(report: GradeReport): boolean {
  return !report.compileError && report.results.length > 0 && report.results.every((r) => r.infrastructure && r.exit === "not-run");
}

export async function checkLab(labId: string, impl: Readonly<Record<string, unknown>>, options: CheckOptions = {}): Promise<CheckResult> {
  if (typeof labId !== "string" || labId === "") throw new GraderError("bad-arguments", 'checkLab needs the lab id first, like checkLab("sync-primitives", { Mutex })');
  if (typeof impl !== "object" || impl === null || Array.isArray(impl)) {
    throw new GraderError("bad-arguments", "checkLab needs your answer's names as an object, like checkLab(lab, { Mutex, Barrier })");
  }
  const tree = options.tree ?? labTree();
  const notes: string[] = [];
  const hiddenHere = options.hidden === true && hasFullLab(labId, tree);
  if (options.hidden && !hiddenHere) notes.push("the hidden checks are not on this machine; they run when you submit");
  const lab = hiddenHere ? await loadLab(labId, tree) : await loadPublicLab(labId, tree);
  const source = sourceOfValues(impl);

  const attempts: IsolationRequest[] = options.isolation ? [options.isolation] : ["auto", "none", "in-process"];
  let report: GradeReport | undefined;
  for (const [index, isolation] of attempts.entries()) {
    report = await gradeWithLab(lab, source, {
      tree,
      isolation,
      replayTarget: "your-notebook.ipynb",
      ...(options.only ? { only: options.only } : {}),
    });
    if (!couldNotStart(report) || index === attempts.length - 1) break;
    notes.push(`isolation "${isolation}" could not start here (${report.results[0]!.message}); ran with less isolation`);
  }
  const result: CheckResult = { report: report!, summary: summaryOf(report!, hiddenHere), notes: [...notes, `isolation: ${report!.isolation}`] };
  Object.defineProperty(result, Symbol.for("Jupyter.display"), {
    value: () => ({ "text/markdown": markdownOf(result), "text/plain": plainOf(result) }),
    enumerable: false,
  });
  return result;
}

/** The full feedback (markdown) of a check, for those who want more than the table. */
export function checkFeedback(result: CheckResult): string {
  return feedbackMarkdown(result.report);
}
