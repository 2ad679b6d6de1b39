/**
 * A function written in a notebook cell, made ready to run in a worker: its
 * source text, a hash workers compile it under (once per worker), and a check
 * that it captures nothing from its surroundings. The work is done once per
 * function object (WeakMap) and the analysis once per source text, so calling
 * `pool.run(f, x)` in a loop costs one WeakMap lookup per call: re-hashing
 * `fn.toString()` on every call costs ~20% of a task at the pool's best
 * setting (runtime-anchors.md §1c).
 */
import { createHash } from "node:crypto";
import { CapturedVariablesError, writtenName } from "./captured-error.js";
import { analyseFunction, type FunctionAnalysis } from "./free-identifiers.js";
import type { CodeRef } from "./protocol.js";
import { workerGlobalNames } from "./worker-globals.js";

export interface ShippedFunction {
  code: Extract<CodeRef, { kind: "source" }>;
  /** What traces and errors call it: the function's name, or "anonymous". */
  label: string;
}

/** Stack frames in a worker name the function's own lines `pool-function:<label>:<line>:<column>`, line 1 being its first line. */
export const SHIPPED_FILENAME_PREFIX = "pool-function:";

/** Per function: ready to ship, or why not (a fresh error is built per call, so its stack shows that call). */
const byFunction = new WeakMap<Function, ShippedFunction | (() => Error)>();
const analysisBySource = new Map<string, FunctionAnalysis | undefined>();
/** Distinct sources analysed per process; beyond it the cache starts over (a notebook rarely ships thousands of functions). */
const ANALYSIS_CACHE_MAX = 2000;

const RESERVED = new Set(
  ("break case catch class const continue debugger default delete do else enum export extends false finally for function if import in " +
    "instanceof new null return super switch this throw true try typeof var void while with yield let static implements interface " +
    "package private protected public await arguments eval").split(" "),
);
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

function bindableName(name: string): string | undefined {
  return IDENTIFIER.test(name) && !RESERVED.has(name) ? name : undefined;
}

function analyse(source: string): FunctionAnalysis | undefined {
  if (analysisBySource.has(source)) return analysisBySource.get(source);
  if (analysisBySource.size >= ANALYSIS_CACHE_MAX) analysisBySource.clear();
  const analysis = analyseFunction(source);
  analysisBySource.set(source, analysis);
  return analysis;
}

/**
 * The text a worker evaluates to get the function back. Its first line is a
 * prelude and the function's source starts on the second, which the worker
 * compiles with lineOffset -1, so error positions are lines of the function.
 * A function that calls itself by name (`const fib = (n) => ... fib(n - 1)`)
 * gets that name bound to itself, as it was where it was written; binding the
 * name also lets V8 show it in stack frames for arrow functions.
 */
function workerCode(source: string, shape: FunctionAnalysis["shape"], name: string | undefined): string {
  if (shape === "method") return `"use strict"; (() => { const methods = {\n${source}\n}; return methods[Reflect.ownKeys(methods)[0]]; })()`;
  if (name) return `"use strict"; (() => { const ${name} = (\n${source}\n); return ${name}; })()`;
  return `"use strict"; (\n${source}\n)`;
}

function prepare(fn: Function): ShippedFunction | (() => Error) {
  const source = Function.prototype.toString.call(fn);
  const label = typeof fn.name === "string" && fn.name !== "" ? fn.name : "anonymous";
  if (/\{\s*\[native code\]\s*\}\s*$/.test(source)) {
    return () =>
      new TypeError(
        `Expected a function written in JavaScript or TypeScript, got a built-in or bound function (${label}). ` +
          `Pools send functions to workers as source text; wrap it, e.g. (x) => ${label === "anonymous" ? "f" : label}(x), if the worker has it too.`,
      );
  }
  if (/^class\b/.test(source)) {
    return () => new TypeError(`Expected a function, got the class ${label}. Pass a function that creates and uses the class inside the worker.`);
  }
  const analysis = analyse(source);
  if (!analysis) return () => new TypeError(`Expected a single function, got source text that does not parse as one: ${source.slice(0, 80)}`);
  const globals = workerGlobalNames();
  const selfName = analysis.shape === "expression" ? bindableName(label) : undefined;
  const captured = analysis.free.filter((free) => !globals.has(free.name) && free.name !== selfName);
  if (captured.length > 0) {
    const names = [...new Set(captured.map(writtenName))];
    return () => new CapturedVariablesError(label, names);
  }
  const code = workerCode(source, analysis.shape, selfName);
  const key = createHash("sha1").update(code).digest("base64");
  return { code: { kind: "source", key, code, filename: `${SHIPPED_FILENAME_PREFIX}${label}` }, label };
}

/** The function made ready for workers, or throws CapturedVariablesError / TypeError (the verdict is remembered per function). */
export function shipFunction(fn: Function): ShippedFunction {
  let known = byFunction.get(fn);
  if (known === undefined) {
    known = prepare(fn);
    byFunction.set(fn, known);
  }
  if (typeof known === "function") throw known();
  return known;
}
