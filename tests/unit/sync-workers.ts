/**
 * Real worker threads for the runtime/sync tests. A test writes the worker's
 * code as a function in the test file; its source is shipped to an eval worker
 * that imports the compiled runtime (dist/runtime/sync/index.js, so run
 * `npm run build` first), revives the shared data with reviveShared and calls
 * the function with (sync, data, ctx). The function must not capture anything
 * from the test file: everything it uses arrives as `sync`, `data` or `ctx`.
 *
 * Workers are sequenced by shared-memory handshakes in the tests, never by
 * sleeps; `stopWorkers()` (in afterEach) terminates whatever a failing test
 * left blocked.
 */
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type * as SyncModule from "../../runtime/sync/index.js";

export type Sync = typeof SyncModule;

export interface WorkerContext {
  /** 0..count-1 in runWorkers. */
  id: number;
  /** Sends a message to the test (arrives on the Worker's "message" event as { note }). */
  post(note: unknown): void;
}

export type WorkerBody<D, R> = (sync: Sync, data: D, ctx: WorkerContext) => R | Promise<R>;

const root = fileURLToPath(new URL("../..", import.meta.url));
const distSync = join(root, "dist/runtime/sync");
const sourceSync = join(root, "runtime/sync");

/** Workers run the compiled code: refuse to test a dist/ older than the sources it was built from. */
export function assertBuilt(): void {
  const newest = (dir: string, ext: string) =>
    Math.max(...readdirSync(dir).filter((name) => name.endsWith(ext) && !name.endsWith(".d.ts")).map((name) => statSync(join(dir, name)).mtimeMs));
  let built: number;
  try {
    built = Math.min(...readdirSync(distSync).filter((name) => name.endsWith(".js")).map((name) => statSync(join(distSync, name)).mtimeMs));
  } catch {
    throw new Error("dist/runtime/sync is missing: run `npm run build` before these tests");
  }
  if (newest(sourceSync, ".ts") > built) throw new Error("dist/runtime/sync is older than runtime/sync: run `npm run build` before these tests");
}

const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
// esbuild (vitest's transform) may wrap named inner functions in __name(fn, "name").
globalThis.__name = (fn) => fn;
(async () => {
  try {
    const sync = await import(workerData.syncUrl);
    const body = (0, eval)("(" + workerData.body + ")");
    const ctx = { id: workerData.id, post: (note) => parentPort.postMessage({ note }) };
    const result = await body(sync, sync.reviveShared(workerData.data), ctx);
    parentPort.postMessage({ done: true, result });
  } catch (error) {
    parentPort.postMessage({
      done: true,
      error: { name: error && error.name, message: String(error && error.message), code: error && error.code, stack: error && error.stack },
    });
  }
})();
`;

const running = new Set<Worker>();
/** Bumped by stopWorkers (afterEach), so loops of a test that timed out stop. */
let testGeneration = 0;

export interface StartedWorker<R> {
  worker: Worker;
  /** The body's return value; rejects with the body's error (name, message and code kept). */
  result: Promise<R>;
}

export function startWorker<D, R>(body: WorkerBody<D, R>, data: D, id = 0): StartedWorker<Awaited<R>> {
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { syncUrl: new URL("dist/runtime/sync/index.js", `file://${root}/`).href, body: body.toString(), data, id },
  });
  running.add(worker);
  const result = new Promise<Awaited<R>>((resolve, reject) => {
    worker.on("message", (message: { done?: boolean; result?: Awaited<R>; error?: { name: string; message: string; code?: string; stack?: string } }) => {
      if (!message.done) return;
      if (message.error) reject(Object.assign(new Error(message.error.message), message.error));
      else resolve(message.result!);
    });
    worker.on("error", reject);
    worker.on("exit", (code) => reject(new Error(`worker ${id} exited (code ${code}) before finishing`)));
  });
  void result.catch(() => {}).finally(() => running.delete(worker));
  return { worker, result };
}

/** Starts `count` workers on the same body and data (ids 0..count-1) and waits for all their results. */
export async function runWorkers<D, R>(count: number, body: WorkerBody<D, R>, data: D): Promise<Awaited<R>[]> {
  const started = Array.from({ length: count }, (_, id) => startWorker(body, data, id));
  return Promise.all(started.map((s) => s.result));
}

/** The next { note } a worker posts. */
export function nextNote(worker: Worker): Promise<unknown> {
  return new Promise((resolve) => {
    const listener = (message: { note?: unknown }) => {
      if (!("note" in message)) return;
      worker.off("message", listener);
      resolve(message.note);
    };
    worker.on("message", listener);
  });
}

/** Terminates every worker still running (a failed or timed-out test leaves some blocked). */
export async function stopWorkers(): Promise<void> {
  testGeneration++;
  await Promise.all([...running].map((worker) => worker.terminate()));
  running.clear();
}

/**
 * Resolves once `condition()` holds, re-checking after each turn of the event
 * loop (no timers): for states a worker reaches without notifying anyone, such
 * as a mutex word turning "contended" when it goes to sleep.
 */
export async function until(condition: () => boolean): Promise<void> {
  const generation = testGeneration;
  while (!condition()) {
    // A test that timed out must not leave this loop spinning under the next one.
    if (generation !== testGeneration) throw new Error("until(): the test ended before the condition held");
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Whether `promise` has settled, after letting pending callbacks run once. */
export async function isSettled(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  void promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  await new Promise((resolve) => setImmediate(resolve));
  return settled;
}
