/**
 * Turns a submission's CommonJS JavaScript into its exports, in the thread
 * that calls it. Confined loading (an SES Compartment after lockdown, done
 * lazily once per thread) is what the sandboxed runner and its exercises'
 * worker threads use; unconfined loading is for trusted code only (the lab's
 * own tests of its reference and variants, a learner's public checks on
 * their own machine).
 */
import type { SubmissionCode } from "../lab/types.js";
// Imported first so that this thread's SharedArrayBuffer/Atomics are captured before any lockdown.
import "./captured.js";
import { evaluateConfined, refusingRequire } from "./confine.js";

export interface LoadOptions {
  /** Evaluate in an SES Compartment (lockdown() runs first in this thread, once). */
  readonly confined: boolean;
  /** Extra globals the lab grants the submission (hardened when confined). */
  readonly endowments?: Readonly<Record<string, unknown>>;
}

export function loadSubmission(code: SubmissionCode, options: LoadOptions): Readonly<Record<string, unknown>> {
  if (options.confined) return evaluateConfined(code, options.endowments);
  const module = { exports: {} as Record<string, unknown> };
  const names = Object.keys(options.endowments ?? {});
  const body = `${code.js}\n//# sourceURL=${code.name}`;
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- trusted code only (see the file comment)
  const evaluate = new Function("exports", "module", "require", ...names, body);
  evaluate(module.exports, module, refusingRequire, ...names.map((name) => options.endowments![name]));
  return module.exports;
}
