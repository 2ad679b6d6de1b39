/**
 * The public shape of a pool: its options, its methods, and the function
 * types it takes. The implementation is in pool.ts.
 */
import type { TransferListItem } from "node:worker_threads";
import type { ProgressOption } from "./map-progress.js";
import type { WorkerModuleRef } from "./module-target.js";
import type { PoolTrace } from "./pool-trace.js";

export interface PoolOptions {
  /** Worker threads. @default os.availableParallelism() */
  threads?: number;
  /** Task records kept in `pool.trace` (the oldest are dropped beyond it). @default 100_000 */
  traceLimit?: number;
  /** Default progress rule of map and reduce (see map-progress.ts). @default "auto" */
  progress?: ProgressOption;
  /** V8 heap limits per worker, e.g. `{ maxOldGenerationSizeMb: 64 }`; a worker that exceeds them crashes and is replaced. */
  resourceLimits?: { maxOldGenerationSizeMb?: number; maxYoungGenerationSizeMb?: number; codeRangeSizeMb?: number; stackSizeMb?: number };
}

export interface RunOptions {
  /** Cancels the task, queued or running (a running task's worker is terminated and replaced). */
  signal?: AbortSignal;
  /** Objects to move to the worker instead of copying (ArrayBuffers, MessagePorts); they become unusable here. */
  transferList?: readonly TransferListItem[];
}

export interface MapOptions {
  /**
   * Items per task. Each task costs tens of microseconds of messaging, so tiny
   * items need large chunks; one item per task suits items that take
   * milliseconds each. @default Math.ceil(items / (threads * 4)): four tasks per thread
   */
  chunkSize?: number;
  /** Cancels every task of this call. */
  signal?: AbortSignal;
  /** Progress bar rule (see map-progress.ts). @default the pool's `progress` option */
  progress?: ProgressOption;
}

/** A function a worker can run: it receives everything it needs as its argument. */
export type TaskFunction<A, R> = (arg: A) => R;
export type MapFunction<T, R> = (item: T, index: number) => R;
export type ReduceFunction<T, A> = (accumulator: A, item: T, index: number) => A | Promise<A>;
export type Items<T> = readonly T[] | ArrayLike<T> | Iterable<T>;

export interface Pool {
  readonly threads: number;
  readonly closed: boolean;
  /** Runs `task(arg)` in a worker. `task` may capture nothing: pass what it needs in `arg`. */
  run<A, R>(task: TaskFunction<A, R>, arg?: A, options?: RunOptions): Promise<Awaited<R>>;
  run<R = unknown>(task: WorkerModuleRef, arg?: unknown, options?: RunOptions): Promise<R>;
  /** `fn(item, index)` for every item, in chunks across the workers; results in item order. */
  map<T, R>(fn: MapFunction<T, R>, items: Items<T>, options?: MapOptions): Promise<Array<Awaited<R>>>;
  map<R = unknown>(fn: WorkerModuleRef, items: Items<unknown>, options?: MapOptions): Promise<R[]>;
  /**
   * A parallel `items.reduce(reducer, initial)`: each chunk of items is folded
   * in a worker with `reducer`, starting from `initial`, and the chunks'
   * results are merged in item order on this thread with `combine`. So
   * `initial` must be neutral for `combine` (0 for a sum, 1 for a product, []
   * for concatenation) and `combine` associative. For a sum both are
   * `(a, b) => a + b`; for counting, `reducer` is `(n) => n + 1` and `combine`
   * is `(a, b) => a + b`.
   */
  reduce<T, A>(reducer: ReduceFunction<T, A>, items: Items<T>, combine: (left: A, right: A) => A, initial: A, options?: MapOptions): Promise<A>;
  /** Per-task records (queue wait, start, end, worker, outcome) and `trace.gantt()`. */
  readonly trace: PoolTrace;
  /**
   * Stops taking tasks, waits for the submitted ones, and ends the workers.
   * With `force`, cancels what is queued or running instead of waiting.
   */
  close(options?: { force?: boolean }): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}
