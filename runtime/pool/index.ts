/**
 * Multicore pools: run functions written in a notebook cell on worker threads
 * (`createPool`), see how the work was spread (`pool.trace.gantt()`), and
 * measure what more threads buy (`speedup`).
 */
export { createPool } from "./pool.js";
export type { Pool, PoolOptions, RunOptions, MapOptions, TaskFunction, MapFunction, ReduceFunction, Items } from "./pool-types.js";
export type { WorkerModuleRef } from "./module-target.js";
export type { PoolTrace } from "./pool-trace.js";
export type { ProgressOption } from "./map-progress.js";
export { SHOW_AFTER_MS as PROGRESS_SHOW_AFTER_MS } from "./map-progress.js";
export { CapturedVariablesError } from "./captured-error.js";
export { speedup, defaultThreadCounts, type SpeedupOptions } from "./speedup.js";
