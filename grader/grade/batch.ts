/**
 * Grading a folder of submissions: each entry (a notebook, a .ts file, or a
 * folder holding one) is one submission. All scenarios of all submissions
 * share one pool, so every core stays busy until the last scenario; each
 * submission gets its own report folder, and summary.csv has one row each.
 */
import { readdirSync, statSync } from "node:fs";
import { extname, join } from "node:path";
import { GraderError } from "../errors.js";
import { labTree, loadLab } from "../lab/registry.js";
import { gradeWithLab, type GradeOptions } from "./grade-submission.js";
import { writeAtomically } from "./outputs.js";
import { Pool } from "./pool.js";
import { Progress, type ProgressStream } from "./progress.js";
import { ReferenceCache } from "./reference.js";
import type { GradeReport } from "./report.js";
import { selectScenarios } from "./scenarios.js";

export interface BatchOptions extends Omit<GradeOptions, "pool" | "outDir" | "onResult" | "replayTarget"> {
  /** Per-submission report folders and summary.csv go here. */
  readonly outDir: string;
  /** Where progress goes. @default nowhere */
  readonly progress?: ProgressStream;
}

export interface BatchEntry {
  /** The entry's name in the folder; also its report folder's name. */
  readonly name: string;
  readonly path: string;
  readonly report: GradeReport;
}

/** The submissions in a folder: files with a submission's extension and sub-folders, sorted, dot-files skipped. */
export function batchEntries(folder: string): Array<{ name: string; path: string }> {
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch (cause) {
    throw new GraderError("unreadable-file", `cannot read the submissions folder ${folder}: ${(cause as Error).message}`, { cause });
  }
  return names
    .filter((name) => !name.startsWith("."))
    .map((name) => ({ name, path: join(folder, name) }))
    .filter(({ name, path }) => statSync(path).isDirectory() || [".ipynb", ".ts"].includes(extname(name)))
    .sort((a, b) => a.name.localeCompare(b.name));
}

function csvField(value: string | number): string {
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function summaryCsv(entries: readonly BatchEntry[]): string {
  const scenarioIds = [...new Set(entries.flatMap((entry) => entry.report.results.map((result) => result.scenario)))];
  const header = ["submission", "score", "max_score", ...scenarioIds, "error"];
  const rows = entries.map(({ name, report }) => {
    const points = new Map(report.results.map((result) => [result.scenario, result.points]));
    return [name, report.score, report.maxScore, ...scenarioIds.map((id) => points.get(id) ?? ""), report.compileError ?? report.graderError ?? ""];
  });
  return `${[header, ...rows].map((row) => row.map(csvField).join(",")).join("\n")}\n`;
}

/** Report folder names: the entry name, made safe (entries come from the file system, names are not trusted). */
function folderName(name: string): string {
  return name.replace(/[^\w.-]+/g, "_").replace(/^\.+/, "_") || "_";
}

export async function gradeBatch(folder: string, labId: string, options: BatchOptions): Promise<BatchEntry[]> {
  const tree = options.tree ?? labTree();
  const lab = await loadLab(labId, tree);
  const entries = batchEntries(folder);
  if (entries.length === 0) throw new GraderError("bad-arguments", `${folder} holds no submissions (.ipynb, .ts or folders)`);
  const scenarios = selectScenarios(lab, options.only, options.seed);
  const pool = new Pool(options.concurrency);
  const references = options.references ?? new ReferenceCache();
  const progress = options.progress ? new Progress(options.progress, scenarios.length * entries.length, entries.length) : undefined;
  const graded = await Promise.all(
    entries.map(async ({ name, path }): Promise<BatchEntry> => {
      const report = await gradeWithLab(lab, path, {
        ...options,
        tree,
        pool,
        references,
        outDir: join(options.outDir, folderName(name)),
        replayTarget: name,
        onResult: () => progress?.scenarioDone(),
      });
      const note = report.compileError ? " (could not be run)" : report.graderError ? " (grader error)" : "";
      progress?.submissionDone(name, report.score, report.maxScore, note);
      return { name, path, report };
    }),
  );
  progress?.finish();
  writeAtomically(join(options.outDir, "summary.csv"), summaryCsv(graded));
  return graded;
}
