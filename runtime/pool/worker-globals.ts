import vm from "node:vm";
import { LOOP_GUARD_NAME, LOOP_TICKS_NAME, TS_IMPORT_HELPERS } from "./protocol.js";

/**
 * Globals of a Node 20 worker thread beyond the ECMAScript built-ins (listed from
 * `Object.getOwnPropertyNames(globalThis)` in a worker; tests/unit/pool-captured
 * checks that each one exists in a pool worker). A shipped function may use
 * these freely: they exist on the other side too.
 */
const NODE_WORKER_GLOBALS = [
  "AbortController", "AbortSignal", "Blob", "BroadcastChannel", "Buffer", "ByteLengthQueuingStrategy",
  "CompressionStream", "CountQueuingStrategy", "Crypto", "CryptoKey", "CustomEvent", "DOMException",
  "DecompressionStream", "Event", "EventTarget", "File", "FormData", "Headers", "MessageChannel",
  "MessageEvent", "MessagePort", "Performance", "PerformanceEntry", "PerformanceMark", "PerformanceMeasure",
  "PerformanceObserver", "PerformanceObserverEntryList", "PerformanceResourceTiming",
  "ReadableByteStreamController", "ReadableStream", "ReadableStreamBYOBReader", "ReadableStreamBYOBRequest",
  "ReadableStreamDefaultController", "ReadableStreamDefaultReader", "Request", "Response", "SubtleCrypto",
  "TextDecoder", "TextDecoderStream", "TextEncoder", "TextEncoderStream", "TransformStream",
  "TransformStreamDefaultController", "URL", "URLSearchParams", "WritableStream",
  "WritableStreamDefaultController", "WritableStreamDefaultWriter", "atob", "btoa", "clearImmediate",
  "clearInterval", "clearTimeout", "console", "crypto", "fetch", "global", "performance", "process",
  "queueMicrotask", "setImmediate", "setInterval", "setTimeout", "structuredClone",
] as const;

/** What the pool's worker entry adds: `require` (resolving from the notebook's folder), loop guards, TypeScript's import helpers. */
export const POOL_WORKER_ADDED_GLOBALS = ["require", LOOP_GUARD_NAME, LOOP_TICKS_NAME, ...TS_IMPORT_HELPERS] as const;

let cached: ReadonlySet<string> | undefined;

/** Every name a shipped function may use without capturing it from its surroundings. */
export function workerGlobalNames(): ReadonlySet<string> {
  // A fresh context lists exactly the language's built-ins (Math, Atomics,
  // SharedArrayBuffer, ...), not whatever this thread's globalThis has gathered.
  cached ??= new Set<string>([
    ...(vm.runInNewContext("Object.getOwnPropertyNames(globalThis)") as string[]),
    ...NODE_WORKER_GLOBALS,
    ...POOL_WORKER_ADDED_GLOBALS,
    "undefined", "NaN", "Infinity", "globalThis",
  ]);
  return cached;
}

export const NODE_WORKER_GLOBAL_NAMES: readonly string[] = NODE_WORKER_GLOBALS;
