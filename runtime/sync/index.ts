/**
 * pardis/sync: shared memory and synchronization primitives for worker
 * threads, built on Atomics. Every primitive works in any thread that holds it:
 * create it on the main thread, pass it to workers (postMessage, pool task
 * arguments) and call reviveShared on what arrives. Blocking methods
 * (Atomics.wait) are for worker threads; each has an async twin
 * (Atomics.waitAsync) for threads whose event loop must keep running.
 *
 * ```ts
 * // main thread (a notebook cell)
 * const counter = sharedArray(Int32Array, 1);
 * const mutex = new Mutex();
 * worker.postMessage({ counter, mutex });           // or pool.run(fn, { counter, mutex })
 *
 * // worker thread
 * const { counter, mutex } = reviveShared(message);  // pools do this for you
 * mutex.withLock(() => { counter[0]++; });
 * ```
 */
export { sharedArray, isShared, type SharedArrayConstructor } from "./shared-array.js";
export { SyncMemory, type SharedHandle, type PlacementOptions } from "./memory.js";
export { Mutex } from "./mutex.js";
export { Semaphore } from "./semaphore.js";
export { Barrier } from "./barrier.js";
export { CondVar } from "./condvar.js";
export { Latch } from "./latch.js";
export { AtomicCounter } from "./atomic-counter.js";
export { reviveShared, REVIVE_DEPTH_MAX } from "./revive.js";
export { raceDemo, type RaceDemoOptions, type RaceDemoResult, type RaceOutcome, type RaceMode } from "./race-demo.js";
export { SYNC_SLOTS, type SyncKind } from "./layout.js";
