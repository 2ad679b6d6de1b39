/**
 * A pool of worker threads on piscina that takes functions written in a
 * notebook cell: `pool.run(f, x)`, `pool.map(f, items)`, `pool.reduce(...)`.
 *
 * The pool keeps its own FIFO of calls and hands piscina at most
 * WINDOW_PER_THREAD tasks per thread at a time. That is enough to keep every
 * worker fed (piscina posts the next queued task as soon as a reply arrives),
 * and it means a map of 100,000 chunks is neither sliced nor cloned up front,
 * and cancelling it does not make piscina search its queue 100,000 times.
 */
import { setMaxListeners } from "node:events";
import { availableParallelism } from "node:os";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { inspect } from "node:util";
import { Piscina } from "piscina";
import type { TaskRecord } from "../core/index.js";
import { kernelBridge } from "../viz/kernel-bridge.js";
import { Batch, Task, type Mode, type Plan } from "./batch.js";
import { checkPositiveInteger, checkSignal, isSharedView, toIndexable } from "./checks.js";
import { MapProgress, type ProgressOption } from "./map-progress.js";
import { moduleTarget, type WorkerModuleRef } from "./module-target.js";
import { callerContext, OutputRelay } from "./output-relay.js";
import { TaskTrace } from "./pool-trace.js";
import type { Items, MapFunction, MapOptions, Pool, PoolOptions, ReduceFunction, RunOptions, TaskFunction } from "./pool-types.js";
import {
  REPLY_ENDED_MS,
  REPLY_MISSING_CODE,
  REPLY_OK,
  REPLY_OUTPUTS,
  REPLY_STARTED_MS,
  REPLY_STATUS,
  REPLY_VALUE,
  REPLY_WORKER,
  REQUEST_CODE,
  REQUEST_INITIAL,
  type CodeRef,
  type PoolWorkerData,
  type RequestMode,
  type TaskReply,
  type TaskRequest,
} from "./protocol.js";
import { shipFunction } from "./shipped-function.js";
import { fromRejection, poolClosed, taskCancelled, taskFailed } from "./task-errors.js";
import { WorkerBoard } from "./worker-board.js";

/**
 * Tasks handed to piscina per thread: one running and two waiting in
 * piscina's queue. When a reply arrives piscina posts the next waiting task
 * at once, and the pool's refill still finds the queue non-empty: piscina
 * takes a cheap path for a task it can queue, and a costly one (building an
 * interface object per worker) for a task it tries to place directly.
 */
const WINDOW_PER_THREAD = 3;
/** Default chunks per thread of a map: enough to balance uneven items, few enough to keep messaging cheap. */
const CHUNKS_PER_THREAD = 4;

const firstResult = (results: unknown[]) => results[0];
const asIs = (results: unknown[]) => results;

function concatenate(results: unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const part of results as unknown[][]) for (let i = 0; i < part.length; i++) out.push(part[i]);
  return out;
}

/** The caller's signal joined with the kernel's interrupt signal of the moment (replaced by the kernel after each interrupt). */
function taskSignal(user: AbortSignal | undefined): AbortSignal | undefined {
  const interrupt = kernelBridge()?.interruptSignal;
  if (!user) return interrupt;
  if (!interrupt) return user;
  return AbortSignal.any([user, interrupt]);
}

function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json")) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

class WorkerPool implements Pool {
  readonly threads: number;
  readonly trace: TaskTrace;
  readonly #piscina: Piscina;
  readonly #relay: OutputRelay;
  readonly #board = new WorkerBoard();
  readonly #progress: ProgressOption;
  readonly #window: number;
  /** Calls not yet fully handed to piscina, oldest first (head index instead of shift(): O(1) per take). */
  #queue: Batch[] = [];
  #queueHead = 0;
  /** Tasks handed to piscina without a reply yet. */
  #running = 0;
  /** Tasks by id from hand-off until settled (after the reply, they may still wait for their output). */
  readonly #tasks = new Map<number, Task>();
  readonly #unsettled = new Set<Batch>();
  /** The pool's number for each function, by CodeRef key. */
  readonly #functionIds = new Map<string, number>();
  /** Which workers have loaded each function (by its number), so its code is sent only until all have. */
  readonly #loadedBy = new Map<number, Set<number>>();
  #idleWaiters: Array<() => void> = [];
  #lastTaskId = 0;
  #closed = false;
  #closing: Promise<void> | undefined;

  constructor(options: PoolOptions) {
    const threads = checkPositiveInteger("createPool", "threads", options.threads ?? availableParallelism());
    const traceLimit = checkPositiveInteger("createPool", "traceLimit", options.traceLimit ?? 100_000);
    this.threads = threads;
    this.#window = threads * WINDOW_PER_THREAD;
    this.#progress = options.progress ?? "auto";
    this.trace = new TaskTrace(threads, performance.now(), traceLimit);
    this.#relay = new OutputRelay(
      (id) => this.#tasks.get(id),
      (id) => {
        const task = this.#tasks.get(id);
        if (task) this.#settle(task);
      },
    );
    const workerData: PoolWorkerData = {
      outputChannel: this.#relay.channelName,
      mainTimeOriginMs: performance.timeOrigin,
      board: this.#board.buffer,
      cwd: process.cwd(),
      pardisRoot: packageRoot(),
    };
    this.#piscina = new Piscina({
      filename: new URL("./worker-entry.js", import.meta.url).href,
      minThreads: threads,
      maxThreads: threads,
      idleTimeout: Infinity,
      concurrentTasksPerWorker: 1,
      // The pool records its own trace; piscina's histograms would be a second, unused copy.
      recordTiming: false,
      workerData,
      ...(options.resourceLimits ? { resourceLimits: options.resourceLimits } : {}),
    });
    // piscina emits 'error' for a worker that fails with no task on it; unhandled, that would throw.
    this.#piscina.on("error", (error: unknown) => {
      process.stderr.write(`pardis pool: a worker failed between tasks and was replaced: ${error instanceof Error ? error.message : String(error)}\n`);
    });
  }

  get closed(): boolean {
    return this.#closed;
  }

  run(task: TaskFunction<any, any> | WorkerModuleRef, arg?: unknown, options: RunOptions = {}): Promise<any> {
    // A plan object rather than a function making one: run is called once per task, so it allocates as little as it can.
    return this.#start("run", "pool.run", this.run, task, options, {
      input: arg,
      itemCount: 1,
      chunkSize: 1,
      initial: undefined,
      transferList: options.transferList ? [...options.transferList] : undefined,
      assemble: firstResult,
    });
  }

  map(fn: MapFunction<any, any> | WorkerModuleRef, items: Items<unknown>, options: MapOptions = {}): Promise<any> {
    return this.#start("map", "pool.map", this.map, fn, options, () => {
      const list = toIndexable("pool.map", items);
      const chunkSize = this.#chunkSize("pool.map", options.chunkSize, list.length);
      return {
        input: list,
        itemCount: list.length,
        chunkSize,
        initial: undefined,
        transferList: undefined,
        // One item per task: each task's result is the item's result, already in place.
        assemble: chunkSize === 1 ? asIs : concatenate,
      };
    });
  }

  reduce(reducer: ReduceFunction<any, any>, items: Items<unknown>, combine: (left: any, right: any) => any, initial: unknown, options: MapOptions = {}): Promise<any> {
    return this.#start("reduce", "pool.reduce", this.reduce, reducer, options, () => {
      if (typeof combine !== "function") {
        throw new TypeError(`pool.reduce: expected \`combine\` (third argument) to be a function merging two chunk results, got ${typeof combine}`);
      }
      const list = toIndexable("pool.reduce", items);
      return {
        input: list,
        itemCount: list.length,
        chunkSize: this.#chunkSize("pool.reduce", options.chunkSize, list.length),
        initial,
        transferList: undefined,
        // combine runs here, on the caller's thread: it sees one value per chunk.
        assemble: (results) => (results.length === 0 ? initial : results.reduce((left, right) => combine(left, right))),
      };
    });
  }

  #chunkSize(where: string, requested: number | undefined, itemCount: number): number {
    if (requested !== undefined) return checkPositiveInteger(where, "chunkSize", requested);
    return Math.max(1, Math.ceil(itemCount / (this.threads * CHUNKS_PER_THREAD)));
  }

  #start(mode: Mode, where: string, caller: Function, target: unknown, options: MapOptions & RunOptions, plan: Plan | (() => Plan)): Promise<unknown> {
    let code: CodeRef;
    let label: string;
    let planned: Plan;
    let userSignal: AbortSignal | undefined;
    try {
      if (typeof target === "function") ({ code, label } = shipFunction(target));
      else ({ code, label } = moduleTarget(target as WorkerModuleRef));
      if (this.#closed) throw poolClosed(label);
      userSignal = checkSignal(where, options.signal);
      planned = typeof plan === "function" ? plan() : plan;
    } catch (error) {
      // Errors found before anything runs point at the caller's line (the cell), not at the pool's insides.
      if (error instanceof Error) Error.captureStackTrace(error, caller);
      return Promise.reject(error);
    }
    const signal = taskSignal(userSignal);
    if (signal?.aborted) return Promise.reject(taskCancelled(label, signal.reason));
    return new Promise((resolve, reject) => {
      let fnId = this.#functionIds.get(code.key);
      if (fnId === undefined) this.#functionIds.set(code.key, (fnId = this.#functionIds.size + 1));
      const batch = new Batch(label, code, fnId, mode, planned, signal, callerContext(), performance.now(), resolve, reject);
      if (batch.chunks === 0) return resolve(batch.assemble([]));
      if (mode !== "run") batch.progress = MapProgress.start(options.progress ?? this.#progress, `${label} (${batch.itemCount} items)`, batch.itemCount, batch.chunks);
      if (signal) {
        // Every call and every task in flight listens to the signal; a notebook
        // easily has dozens at once, and Node would warn of a leak past ten.
        setMaxListeners(0, signal);
        batch.onAbort = () => this.#cancel(batch, signal.reason);
        signal.addEventListener("abort", batch.onAbort, { once: true });
      }
      this.#unsettled.add(batch);
      this.#queue.push(batch);
      this.#pump();
    });
  }

  /** Hands tasks to piscina until the window is full or nothing is queued. */
  #pump(): void {
    while (this.#running < this.#window && this.#queueHead < this.#queue.length) {
      const batch = this.#queue[this.#queueHead]!;
      if (batch.settled || batch.nextChunk >= batch.chunks) {
        this.#queue[this.#queueHead++] = undefined as unknown as Batch;
        if (this.#queueHead > 1024 && this.#queueHead * 2 > this.#queue.length) {
          this.#queue = this.#queue.slice(this.#queueHead);
          this.#queueHead = 0;
        }
        continue;
      }
      this.#dispatch(batch, batch.nextChunk++);
    }
  }

  #dispatch(batch: Batch, chunk: number): void {
    const task = new Task(++this.#lastTaskId, batch, chunk);
    this.#tasks.set(task.id, task);
    this.#send(task, false);
  }

  #send(task: Task, withCode: boolean): void {
    const batch = task.batch;
    const first = batch.firstOf(task.chunk);
    let arg = batch.input;
    let runOptions = batch.runOptions;
    let mode: RequestMode = batch.mode;
    if (batch.mode === "map" && batch.chunkSize === 1) {
      mode = "item";
      arg = (batch.input as ArrayLike<unknown>)[first];
    } else if (batch.mode !== "run") {
      const list = batch.input as { slice(start: number, end: number): ArrayLike<unknown> };
      arg = list.slice(first, first + batch.itemsOf(task.chunk)!);
      // A typed array's slice is a fresh copy nobody else holds: move it instead of copying it again.
      if (ArrayBuffer.isView(arg) && !isSharedView(arg)) runOptions = { ...runOptions, transferList: [(arg as ArrayBufferView).buffer as ArrayBuffer] };
    }
    const request: TaskRequest = [task.id, batch.fnId, mode, arg, first];
    if (withCode || !this.#everyWorkerHas(batch.fnId)) request[REQUEST_CODE] = batch.code;
    if (batch.mode === "reduce") request[REQUEST_INITIAL] = batch.initial;
    this.#running++;
    this.#piscina.run(request, runOptions as Parameters<Piscina["run"]>[1]).then(
      (reply: TaskReply) => this.#onReply(task, reply),
      (error: unknown) => this.#onRejected(task, error),
    );
  }

  /**
   * Whether as many workers as the pool has answered a task of this function.
   * Counting replaced workers too may claim a new worker has it when it does
   * not; that worker then answers missingCode and gets the code with a resend.
   */
  #everyWorkerHas(fnId: number): boolean {
    const workers = this.#loadedBy.get(fnId);
    return workers !== undefined && workers.size >= this.threads;
  }

  #onReply(task: Task, reply: TaskReply): void {
    this.#running--;
    if (reply[REPLY_STATUS] === REPLY_MISSING_CODE) {
      this.#send(task, true);
      return;
    }
    let workers = this.#loadedBy.get(task.batch.fnId);
    if (workers === undefined) this.#loadedBy.set(task.batch.fnId, (workers = new Set()));
    workers.add(reply[REPLY_WORKER]);
    task.reply = reply;
    // The task's output may still be on its way; it settles once the last of it is written.
    if (this.#relay.caughtUp(task, reply[REPLY_OUTPUTS])) this.#settle(task);
    this.#pump();
  }

  #settle(task: Task): void {
    this.#tasks.delete(task.id);
    const reply = task.reply!;
    const batch = task.batch;
    const ok = reply[REPLY_STATUS] === REPLY_OK;
    const value = reply[REPLY_VALUE];
    this.#record(task.id, batch, task.chunk, ok ? "ok" : "error", reply[REPLY_WORKER], reply[REPLY_STARTED_MS], reply[REPLY_ENDED_MS]);
    if (batch.settled) return;
    if (!ok) return this.#fail(batch, taskFailed(batch.label, value as Parameters<typeof taskFailed>[1]));
    batch.results[task.chunk] = value;
    if (batch.progress) batch.progress.tick(batch.itemsOf(task.chunk)!);
    if (--batch.remaining === 0) this.#complete(batch);
  }

  #onRejected(task: Task, error: unknown): void {
    this.#running--;
    this.#tasks.delete(task.id);
    const batch = task.batch;
    // No reply will say where the task ran: the board knows if a worker had started it.
    const where = this.#board.find(task.id);
    // piscina says AbortError for a task its signal stopped; a task whose worker was ended by close({ force }) was cancelled too.
    const cancelled = (error instanceof Error && error.name === "AbortError") || batch.cancelled;
    this.#record(task.id, batch, task.chunk, cancelled ? "cancelled" : "error", where?.worker ?? -1, where?.startedMs, performance.now());
    if (!batch.settled) this.#fail(batch, fromRejection(batch.label, error, batch.signal));
    this.#pump();
  }

  #record(id: number, batch: Batch, chunk: number, status: TaskRecord["status"], worker: number, startedMs: number | undefined, endedMs: number): void {
    const items = batch.itemsOf(chunk);
    const first = batch.firstOf(chunk);
    const record: TaskRecord = {
      id,
      worker,
      label: items === undefined ? batch.label : `${batch.label} [${first}..${first + items - 1}]`,
      queuedMs: batch.queuedMs,
      startedMs,
      endedMs,
      status,
      items,
    };
    this.trace.add(record);
  }

  #complete(batch: Batch): void {
    this.#finish(batch);
    let value: unknown;
    try {
      value = batch.assemble(batch.results);
    } catch (error) {
      return batch.reject(error);
    }
    batch.resolve(value);
  }

  #fail(batch: Batch, error: unknown): void {
    if (batch.settled) return;
    this.#finish(batch);
    // Chunks never handed to a worker end here, as cancelled tasks that never started.
    const endedMs = performance.now();
    for (let chunk = batch.nextChunk; chunk < batch.chunks; chunk++) this.#record(++this.#lastTaskId, batch, chunk, "cancelled", -1, undefined, endedMs);
    batch.nextChunk = batch.chunks;
    batch.reject(error);
  }

  #cancel(batch: Batch, reason: unknown): void {
    if (batch.settled) return;
    batch.cancelled = true;
    this.#fail(batch, taskCancelled(batch.label, reason));
  }

  #finish(batch: Batch): void {
    batch.settled = true;
    if (batch.onAbort) batch.signal!.removeEventListener("abort", batch.onAbort);
    batch.progress?.end();
    batch.input = undefined;
    this.#unsettled.delete(batch);
    if (this.#unsettled.size === 0) for (const wake of this.#idleWaiters.splice(0)) wake();
  }

  close(options: { force?: boolean } = {}): Promise<void> {
    this.#closed = true;
    this.#closing ??= (async () => {
      if (options.force) {
        for (const batch of [...this.#unsettled]) this.#cancel(batch, new Error("the pool was closed"));
      } else if (this.#unsettled.size > 0) {
        await new Promise<void>((resolve) => this.#idleWaiters.push(resolve));
      }
      await this.#piscina.destroy();
      this.#relay.close();
    })();
    return this.#closing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** What a notebook shows for `pool`. */
  [inspect.custom](): string {
    const queued = this.#queue.slice(this.#queueHead).reduce((sum, batch) => sum + (batch.settled ? 0 : batch.chunks - batch.nextChunk), 0);
    return `Pool { threads: ${this.threads}, running: ${this.#running}, queued: ${queued}, tasks traced: ${this.trace.records.length}${this.#closed ? ", closed" : ""} }`;
  }
}

/**
 * A pool of `threads` workers (default: the cores this process may use) that
 * runs functions written anywhere, notebook cells included. Create it once
 * and reuse it: starting workers costs tens of milliseconds.
 */
export function createPool(options: PoolOptions = {}): Pool {
  if (options === null || typeof options !== "object") throw new TypeError(`createPool: expected an options object, got ${typeof options}`);
  return new WorkerPool(options);
}
