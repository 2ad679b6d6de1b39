/** Writes a grade report's files, each atomically (a reader never sees half a results.json). */
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { feedbackHtml } from "./feedback-html.js";
import { feedbackMarkdown } from "./feedback-md.js";
import { junitXml } from "./junit.js";
import type { GradeReport } from "./report.js";
import { gradescopeResults, type ReportOptions } from "./results-json.js";

export type { ReportOptions } from "./results-json.js";

export const REPORT_FILES = ["results.json", "junit.xml", "feedback.md", "feedback.html"] as const;
export type ReportFile = (typeof REPORT_FILES)[number];

export function writeAtomically(path: string, text: string): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, text);
  renameSync(temporary, path);
}

function render(report: GradeReport, file: ReportFile, options: ReportOptions): string {
  switch (file) {
    case "results.json":
      return `${JSON.stringify(gradescopeResults(report, options), null, 2)}\n`;
    case "junit.xml":
      return junitXml(report);
    case "feedback.md":
      return feedbackMarkdown(report, options);
    case "feedback.html":
      return feedbackHtml(report, options);
  }
}

export function writeReports(report: GradeReport, outDir: string, options: ReportOptions = {}, files: readonly ReportFile[] = REPORT_FILES): void {
  mkdirSync(outDir, { recursive: true });
  for (const file of files) writeAtomically(join(outDir, file), render(report, file, options));
}
