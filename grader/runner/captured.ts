/**
 * The intrinsics the runner needs, taken in each thread before anything else
 * can touch them: lockdown() removes SharedArrayBuffer and Atomics from what
 * a compartment may have (ses `permits.js`: "purposely suppressed"), and a
 * submission must never be able to swap writeSync or JSON.stringify under
 * the trusted channel. Import this module first.
 */
import { writeSync } from "node:fs";
import { performance } from "node:perf_hooks";

export const captured = Object.freeze({
  SharedArrayBuffer: globalThis.SharedArrayBuffer,
  Atomics: globalThis.Atomics,
  writeSync,
  stringify: JSON.stringify,
  parse: JSON.parse,
  now: performance.now.bind(performance),
  String: globalThis.String,
});
