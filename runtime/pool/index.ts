/**
 * Multicore pools: run functions written in a notebook cell on worker threads
 * (`createPool`), see how the work was spread (`pool.trace.gantt()`), and
 * measure what more threads buy (`speedup`).
 *
 * ```ts
 * import { createPool, speedup } from "pardis";
 * const pool = createPool();                                  // one worker per core
 * const square = (x: number) => x * x;                        // uses nothing from outside itself
 * await pool.run(square, 7);                                  // 49
 * await pool.map(square, [1, 2, 3], { chunkSize: 1 });        // [1, 4, 9]
 * const add = (a: number, b: number) => a + b;
 * await pool.reduce(add, [1, 2, 3], add, 0);                  // 6
 * await pool.run("./tasks.js#square", 7);                     // an export of a module file
 * pool.trace.gantt();                                         // who ran what, when
 * await speedup((p) => p.map(square, bigList), { threads: [1, 2, 4] });
 * ```
 *
 * Functions travel to workers as source text, so they must get everything
 * they use through their argument (or require it inside); one that uses a
 * variable from outside is refused with PardisError "captured-variables"
 * naming it. Failures are PardisErrors with codes "task-failed",
 * "task-cancelled", "worker-crashed" and "pool-closed".
 */
export { createPool } from "./pool.js";
export type { Pool, PoolOptions, RunOptions, MapOptions, TaskFunction, MapFunction, ReduceFunction, Items } from "./pool-types.js";
export type { WorkerModuleRef } from "./module-target.js";
export type { PoolTrace } from "./pool-trace.js";
export type { ProgressOption } from "./map-progress.js";
export { SHOW_AFTER_MS as PROGRESS_SHOW_AFTER_MS } from "./map-progress.js";
export { CapturedVariablesError } from "./captured-error.js";
export { speedup, defaultThreadCounts, type SpeedupOptions } from "./speedup.js";
