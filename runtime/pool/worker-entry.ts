/**
 * The one file every pool worker loads (piscina calls its default export once
 * per task). It compiles shipped functions once per hash, imports worker
 * modules once, runs a task in one of its modes, and answers with the
 * result or the error as data plus the times and the worker index the trace
 * needs. Kept small on purpose: every line here runs once per task.
 */
import { inspect } from "node:util";
import vm from "node:vm";
import { BroadcastChannel, workerData } from "node:worker_threads";
import { installShippedGlobals } from "./shipped-globals.js";
import {
  BOARD_NEXT_WORKER,
  BOARD_SLOTS,
  BOARD_STARTED_BASE_F64,
  BOARD_TASK_BASE,
  REPLY_MISSING_CODE,
  REPLY_OK,
  REPLY_THREW,
  REQUEST_ARG,
  REQUEST_CODE,
  REQUEST_FIRST,
  REQUEST_FN,
  REQUEST_ID,
  REQUEST_INITIAL,
  REQUEST_MODE,
  type CodeRef,
  type PoolWorkerData,
  type ReplyStatus,
  type TaskReply,
  type TaskRequest,
  type ThrownError,
} from "./protocol.js";
import { TaskOutput } from "./worker-output.js";

type AnyFunction = (...args: unknown[]) => unknown;

const data = workerData as PoolWorkerData;
const board = new Int32Array(data.board);
const boardStarted = new Float64Array(data.board);
/** 0..threads-1 for the first workers, higher for replacements, in the order workers start. */
const workerIndex = Atomics.add(board, BOARD_NEXT_WORKER, 1);
const slot = workerIndex % BOARD_SLOTS;
// performance.now() counts from this thread's own start; shifting by the
// difference of the time origins puts worker and main timestamps on one clock.
const clockShiftMs = performance.timeOrigin - data.mainTimeOriginMs;

const channel = new BroadcastChannel(data.outputChannel);
channel.unref();
const output = new TaskOutput(channel);
output.install();

// A promise a task let fail without awaiting it would, by Node's default, end
// this worker (and fail whichever task runs next); report it as the kernel
// does for a cell, under the task that was running, and keep the worker.
process.on("unhandledRejection", (reason) => {
  const text = reason instanceof Error ? (reason.stack ?? `${reason.name}: ${reason.message}`) : inspect(reason);
  output.write("stderr", `Unhandled promise rejection in a pool worker: ${text}\n`);
});

// Loop guards were compiled into the learner's function by the kernel. In a
// pool worker there is no interrupt flag to read: an interrupt terminates the
// worker. The guard still shows output of a loop that prints and then spins.
installShippedGlobals({ cwd: data.cwd, pardisRoot: data.pardisRoot, loopGuard: () => output.flushIfDue() });

// Shared primitives lose their prototypes in structured clone; runtime/sync
// puts them back. Optional so that pools work before and without that module.
const syncEntry = "../sync/index.js";
const sync = (await import(syncEntry).catch(() => undefined)) as { reviveShared?: <T>(value: T) => T } | undefined;
const revive = typeof sync?.reviveShared === "function" ? sync.reviveShared : undefined;

/** Functions this worker has loaded, by the pool's number for them: each is compiled or imported once. */
const functions = new Map<number, AnyFunction>();

function compileSource(id: number, code: Extract<CodeRef, { kind: "source" }>): AnyFunction {
  const fn = new vm.Script(code.code, { filename: code.filename, lineOffset: -1 }).runInThisContext() as AnyFunction;
  functions.set(id, fn);
  return fn;
}

async function loadModule(id: number, code: Extract<CodeRef, { kind: "module" }>): Promise<AnyFunction> {
  const namespace = (await import(code.url)) as Record<string, unknown>;
  let fn = namespace[code.name];
  // A CommonJS module that assigns a function to module.exports has it as default.
  if (fn === undefined && code.name !== "default" && typeof namespace.default === "object" && namespace.default !== null) {
    fn = (namespace.default as Record<string, unknown>)[code.name];
  }
  if (typeof fn !== "function") {
    const exported = Object.keys(namespace).join(", ") || "nothing";
    throw new TypeError(`Expected ${code.url} to export a function named "${code.name}", but it exports ${exported}`);
  }
  functions.set(id, fn as AnyFunction);
  return fn as AnyFunction;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && typeof value === "object" && typeof (value as { then?: unknown }).then === "function";
}

/** Which item of a chunk threw, for the error message. */
class ItemError {
  constructor(
    readonly error: unknown,
    readonly index: number,
  ) {}
}

// A map chunk runs synchronously as long as the function does; the first
// promise switches to awaiting each item (in order, like an async for loop).
function mapChunk(fn: AnyFunction, items: ArrayLike<unknown>, first: number): unknown[] | Promise<unknown[]> {
  const results: unknown[] = [];
  for (let i = 0; i < items.length; i++) {
    let value: unknown;
    try {
      value = fn(items[i], first + i);
    } catch (error) {
      throw new ItemError(error, first + i);
    }
    if (isThenable(value)) return mapChunkAsync(fn, items, first, results, i, value);
    results.push(value);
  }
  return results;
}

async function mapChunkAsync(fn: AnyFunction, items: ArrayLike<unknown>, first: number, results: unknown[], from: number, pending: PromiseLike<unknown>): Promise<unknown[]> {
  for (let i = from; i < items.length; i++) {
    try {
      results.push(await (i === from ? pending : fn(items[i], first + i)));
    } catch (error) {
      throw new ItemError(error, first + i);
    }
  }
  return results;
}

function reduceChunk(fn: AnyFunction, items: ArrayLike<unknown>, first: number, initial: unknown): unknown {
  let accumulator = initial;
  for (let i = 0; i < items.length; i++) {
    let value: unknown;
    try {
      value = fn(accumulator, items[i], first + i);
    } catch (error) {
      throw new ItemError(error, first + i);
    }
    if (isThenable(value)) return reduceChunkAsync(fn, items, first, i, value);
    accumulator = value;
  }
  return accumulator;
}

async function reduceChunkAsync(fn: AnyFunction, items: ArrayLike<unknown>, first: number, from: number, pending: PromiseLike<unknown>): Promise<unknown> {
  let accumulator: unknown;
  for (let i = from; i < items.length; i++) {
    try {
      accumulator = await (i === from ? pending : fn(accumulator, items[i], first + i));
    } catch (error) {
      throw new ItemError(error, first + i);
    }
  }
  return accumulator;
}

/** The error as data; `item` is the index of the item that threw, when known. */
function thrown(error: unknown, item: number | undefined): ThrownError & { item?: number } {
  if (error instanceof ItemError) item = error.index;
  const original = error instanceof ItemError ? error.error : error;
  const described: ThrownError & { item?: number } =
    original instanceof Error
      ? { name: original.name, message: original.message, stack: original.stack ?? `${original.name}: ${original.message}` }
      : { name: "Error", message: `a non-error value was thrown: ${inspect(original, { depth: 2 })}`, stack: "", notAnError: true };
  const code = (original as { code?: unknown } | null)?.code;
  if (typeof code === "string" || typeof code === "number") described.code = code;
  if (item !== undefined) described.item = item;
  return described;
}

function execute(fn: AnyFunction, request: TaskRequest): unknown {
  const mode = request[REQUEST_MODE];
  const first = request[REQUEST_FIRST];
  let arg = request[REQUEST_ARG];
  // Only objects can hold shared primitives; reviving a number would just cost an allocation.
  if (revive && typeof arg === "object" && arg !== null) arg = revive(arg);
  if (mode === "run") return fn(arg);
  if (mode === "item") return fn(arg, first);
  if (mode === "map") return mapChunk(fn, arg as ArrayLike<unknown>, first);
  return reduceChunk(fn, arg as ArrayLike<unknown>, first, request[REQUEST_INITIAL]);
}

function begin(taskId: number): number {
  const startedMs = clockShiftMs + performance.now();
  boardStarted[BOARD_STARTED_BASE_F64 + slot] = startedMs;
  // Release: a main thread that reads this task id also sees the start time written above.
  Atomics.store(board, BOARD_TASK_BASE + slot, taskId);
  output.begin(taskId);
  return startedMs;
}

/**
 * A result that cannot be cloned would make piscina's reply throw inside the
 * worker and kill it, with an error that does not survive the trip either.
 * The common case, returning a function, is caught here and reported properly.
 */
function uncloneable(value: unknown): ThrownError | undefined {
  if (typeof value !== "function" && typeof value !== "symbol") return undefined;
  const message = `the result is a ${typeof value}, which cannot be copied back to the caller; return data (numbers, strings, arrays, plain objects) instead`;
  return { name: "DataCloneError", message, stack: "" };
}

function reply(status: ReplyStatus, value: unknown, startedMs: number): TaskReply {
  if (status === REPLY_OK) {
    const problem = uncloneable(value);
    if (problem) return reply(REPLY_THREW, problem, startedMs);
  }
  const outputs = output.end();
  Atomics.store(board, BOARD_TASK_BASE + slot, 0);
  return [status, value, workerIndex, startedMs, clockShiftMs + performance.now(), outputs];
}

/** The index of the item a task of one item ran, for error messages. */
function itemOf(request: TaskRequest): number | undefined {
  return request[REQUEST_MODE] === "item" ? request[REQUEST_FIRST] : undefined;
}

/** piscina's task handler. Synchronous for synchronous functions (no await between tasks), a promise otherwise. */
export default function runTask(request: TaskRequest): TaskReply | Promise<TaskReply> {
  const startedMs = begin(request[REQUEST_ID]);
  let fn = functions.get(request[REQUEST_FN]);
  let result: unknown;
  try {
    if (fn === undefined) {
      const code = request[REQUEST_CODE];
      if (code === undefined) return reply(REPLY_MISSING_CODE, undefined, startedMs);
      if (code.kind === "module") return runWithModule(request, code, startedMs);
      fn = compileSource(request[REQUEST_FN], code);
    }
    result = execute(fn, request);
  } catch (error) {
    return reply(REPLY_THREW, thrown(error, itemOf(request)), startedMs);
  }
  if (isThenable(result)) {
    return Promise.resolve(result).then(
      (value) => reply(REPLY_OK, value, startedMs),
      (error) => reply(REPLY_THREW, thrown(error, itemOf(request)), startedMs),
    );
  }
  return reply(REPLY_OK, result, startedMs);
}

async function runWithModule(request: TaskRequest, code: Extract<CodeRef, { kind: "module" }>, startedMs: number): Promise<TaskReply> {
  try {
    const fn = await loadModule(request[REQUEST_FN], code);
    return reply(REPLY_OK, await execute(fn, request), startedMs);
  } catch (error) {
    return reply(REPLY_THREW, thrown(error, itemOf(request)), startedMs);
  }
}
