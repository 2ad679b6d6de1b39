/**
 * grader/grade: grading submissions (one, or a folder in parallel), the
 * reports they produce (Gradescope results.json, JUnit XML, feedback in
 * markdown and HTML), validating a lab, and packaging it for Gradescope.
 */
export { gradeSubmission, gradeWithLab, type GradeOptions } from "./grade-submission.js";
export { gradeBatch, batchEntries, summaryCsv, type BatchEntry, type BatchOptions } from "./batch.js";
export { validateLab, formatValidation, studentStubs, type ValidationRow, type ValidateOptions } from "./validate.js";
export { packageLab, type PackageOptions, type PackageResult } from "./package.js";
export { writeReports, REPORT_FILES, type ReportFile } from "./outputs.js";
export { gradescopeResults, headline, type GradescopeResults, type GradescopeTest, type GradescopeVisibility, type ReportOptions } from "./results-json.js";
export { junitXml } from "./junit.js";
export { feedbackMarkdown } from "./feedback-md.js";
export { feedbackHtml } from "./feedback-html.js";
export { Pool } from "./pool.js";
export { ReferenceCache } from "./reference.js";
export { replayCommand, selectScenarios } from "./scenarios.js";
export { runScenario, type IsolationRequest, type ScenarioRun } from "./run-scenario.js";
export type { GradeReport, ScenarioResult } from "./report.js";
