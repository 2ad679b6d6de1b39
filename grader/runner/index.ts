/**
 * grader/runner: runs one scenario's exercise against a submission — in the
 * OS sandbox with the submission SES-confined (`runScenario`), or in this
 * process for trusted code (`runExerciseInProcess`). Exercises' worker
 * threads load the submission with `loadSubmission`.
 */
export { runScenario, limitsFor, type RunScenarioOptions, type SandboxedOutcome } from "./run-scenario.js";
export { importExercise, runExerciseInProcess } from "./in-process.js";
export { loadSubmission, type LoadOptions } from "./load-submission.js";
export { detectIsolation, type IsolationReport, type IsolationMode } from "../sandbox/index.js";
