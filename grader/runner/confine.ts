/**
 * SES confinement of a submission, once per thread: lockdown() freezes the
 * shared intrinsics, then the submission is evaluated in a Compartment whose
 * only globals are a console (to stdout, never scored), the hardened
 * SharedArrayBuffer and Atomics captured before lockdown, and the lab's
 * hardened endowments. No process, no require, no fs, no import().
 */
import { createRequire } from "node:module";
import type { SubmissionCode } from "../lab/types.js";
import { captured } from "./captured.js";

interface SesGlobals {
  lockdown(options: Record<string, string>): void;
  harden<T>(value: T): T;
  Compartment: new (options: { globals: Record<string, unknown>; __options__: true }) => { evaluate(source: string): unknown };
}
const ses = globalThis as unknown as SesGlobals;

let lockedDown = false;

/** lockdown() in this thread, with the options our runtime (simulator, explorer, worker pools) keeps working under. */
export function lockdownThread(): void {
  if (lockedDown) return;
  // Loaded lazily: trusted processes that never confine (the grader itself) must not get SES's globals.
  createRequire(import.meta.url)("ses");
  ses.lockdown({
    errorTaming: "unsafe", // keep stack traces for the exercise's own errors
    overrideTaming: "severe", // assignments like `instance.toString = ...` keep working on frozen prototypes
    consoleTaming: "unsafe",
    stackFiltering: "verbose",
    // Node's own handling stays: a worker's uncaught error reaches the exercise as an "error" event,
    // the runner's main thread reports it on the channel (SES would print and exit instead).
    errorTrapping: "none",
    unhandledRejectionTrapping: "none",
  });
  // Not hardened by lockdown (it suppresses them); unhardened, a guest holding any SAB could
  // patch SharedArrayBuffer.prototype for the whole realm.
  ses.harden(captured.SharedArrayBuffer);
  ses.harden(captured.Atomics);
  lockedDown = true;
}

/** A value as one line of text, without handing the guest any host object (util.inspect would). */
function describe(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value !== "object" || value === null) return captured.String(value);
  try {
    return captured.stringify(value) ?? captured.String(value);
  } catch {
    return "[unprintable]";
  }
}

function makeConsole() {
  const print = (...values: unknown[]) => {
    try {
      captured.writeSync(1, `${values.map(describe).join(" ")}\n`);
    } catch {
      // stdout closed: logs are best effort
    }
  };
  return ses.harden({ log: print, info: print, warn: print, error: print, debug: print, trace: print });
}

/** Submissions get no modules: `require` of anything names what was refused. */
export function refusingRequire(specifier: unknown): never {
  throw new Error(`a submission cannot load modules (it asked for ${describe(specifier)}); everything it needs is passed to it`);
}

/** Evaluates CommonJS-shaped JavaScript in a fresh compartment; returns its exports. */
export function evaluateConfined(code: SubmissionCode, endowments: Readonly<Record<string, unknown>> = {}): Readonly<Record<string, unknown>> {
  lockdownThread();
  const globals: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(endowments)) globals[name] = ses.harden(value);
  globals.console = makeConsole();
  globals.SharedArrayBuffer = captured.SharedArrayBuffer;
  globals.Atomics = captured.Atomics;
  const compartment = new ses.Compartment({ globals, __options__: true });
  const sourceName = code.name.replace(/[^\w.()\- ]+/g, "_");
  const factory = compartment.evaluate(`(function (exports, module, require) {\n${code.js}\n})\n//# sourceURL=${sourceName}\n`) as (
    exports: Record<string, unknown>,
    module: { exports: Record<string, unknown> },
    require: typeof refusingRequire,
  ) => void;
  const module = { exports: {} as Record<string, unknown> };
  factory(module.exports, module, ses.harden(refusingRequire));
  return module.exports;
}
