/**
 * pardis/grader: the autograder and the instructor's publisher. Today it reads
 * and validates notebooks; grading and publishing build on this (see the README).
 */
export { parseNotebook, readNotebook, type Notebook, type NotebookCell, type CellType } from "./notebook.js";
export { GraderError, type GraderErrorCode } from "./errors.js";
