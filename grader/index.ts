/**
 * pardis/grader: the autograder and the instructor's publisher.
 *
 * - Labs: `labs/<id>/` splits each lab along the trust boundary (an exercise that
 *   runs inside the sandbox and reports observations; scenarios, judges, the
 *   reference and the known-wrong variants that stay in the grader). See
 *   `lab/types.ts` for the contract.
 * - Grading: `gradeSubmission` / `gradeBatch` run every scenario in a sandboxed
 *   runner (bwrap or unshare, prlimit, a per-job uid, the submission confined in
 *   an SES Compartment) and write results.json (Gradescope), JUnit and feedback.
 * - In a notebook: `checkLab` runs a lab's public checks on the learner's code.
 * - Publishing: `publish` writes student notebooks, grader bundles and the site.
 */
export { parseNotebook, readNotebook, type Notebook, type NotebookCell, type CellType } from "./notebook.js";
export { GraderError, type GraderErrorCode } from "./errors.js";
export { checkLab, sourceOfValues, type CheckOptions, type CheckResult } from "./check.js";
export {
  gradeSubmission,
  gradeWithLab,
  gradeBatch,
  validateLab,
  formatValidation,
  packageLab,
  writeReports,
  gradescopeResults,
  junitXml,
  feedbackMarkdown,
  feedbackHtml,
  replayCommand,
  selectScenarios,
  runScenario,
  type GradeOptions,
  type BatchOptions,
  type GradeReport,
  type ScenarioResult,
  type ValidationRow,
  type PackageOptions,
  type GradescopeVisibility,
  type ReportOptions,
  type IsolationRequest,
} from "./grade/index.js";
export { listLabs, loadLab, loadPublicLab, type LabTree } from "./lab/registry.js";
export { readSubmission, compileSubmission, notebookAnswer, ANSWER_TAG, type SubmissionSource } from "./lab/submission.js";
export type { LabDefinition, PublicLab, ScenarioSpec, Verdict, ExerciseOutcome, ExerciseContext, KnownWrongVariant } from "./lab/types.js";
export { detectIsolation } from "./runner/index.js";
export { publish } from "./publish/index.js";
export { studentNotebook } from "./publish/student.js";
