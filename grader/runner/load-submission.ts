/**
 * Turns a submission's CommonJS JavaScript into its exports, in the thread
 * that calls it. Confined loading (an SES Compartment after lockdown) is what
 * the sandboxed runner uses; unconfined loading is for trusted code only
 * (the lab's own tests of its reference and variants, a learner's public
 * checks on their own machine).
 */
import type { SubmissionCode } from "../lab/types.js";

export interface LoadOptions {
  /** Evaluate in an SES Compartment (the runner has called lockdown first). */
  readonly confined: boolean;
  /** Extra globals the lab grants the submission (hardened when confined). */
  readonly endowments?: Readonly<Record<string, unknown>>;
}

/** Submissions get no modules: `require` of anything names what was refused. */
function refusingRequire(specifier: string): never {
  throw new Error(`a submission cannot load modules (it asked for ${JSON.stringify(specifier)}); everything it needs is passed to it`);
}

export function loadSubmission(code: SubmissionCode, options: LoadOptions): Readonly<Record<string, unknown>> {
  if (options.confined) throw new Error("confined loading is not available in this build");
  const module = { exports: {} as Record<string, unknown> };
  const names = Object.keys(options.endowments ?? {});
  const body = `${code.js}\n//# sourceURL=${code.name}`;
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- trusted code only (see the file comment)
  const evaluate = new Function("exports", "module", "require", ...names, body);
  evaluate(module.exports, module, refusingRequire, ...names.map((name) => options.endowments![name]));
  return module.exports;
}
