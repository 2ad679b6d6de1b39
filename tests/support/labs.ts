/**
 * A lab as its own tests use it, in this process (trusted code: the lab's own
 * solutions): the whole definition from dist/, its exercise, and its
 * reference (the instructor notebook's answer cells) and known-wrong variants
 * compiled as the grader compiles submissions.
 */
import { join } from "node:path";
import { compileSubmission, readSubmission } from "../../grader/lab/submission.js";
import type { ExerciseModule, LabDefinition, SubmissionCode } from "../../grader/lab/types.js";
import { importExercise } from "../../grader/runner/in-process.js";
import { repoRoot } from "./kernel-client.js";

export interface LabUnderTest {
  readonly lab: LabDefinition;
  readonly exercise: ExerciseModule;
  readonly reference: SubmissionCode;
  /** Every listed variant, by its file name. */
  readonly variants: ReadonlyMap<string, SubmissionCode>;
}

export async function loadLabUnderTest(id: string): Promise<LabUnderTest> {
  const dist = join(repoRoot, "dist");
  const { lab } = (await import(join(dist, "labs", id, "lab.js"))) as { lab: LabDefinition };
  const compile = (path: string) => compileSubmission(readSubmission(join(repoRoot, path)), lab.exports);
  return {
    lab,
    exercise: await importExercise(dist, lab.exercise),
    reference: compile(lab.reference),
    variants: new Map(lab.variants.map((variant) => [variant.file, compile(join("labs", id, "variants", variant.file))])),
  };
}
