/**
 * A stress scenario: the answer's primitive on real worker threads over a real
 * SharedArrayBuffer. A watchdog in this thread sleeps in `Atomics.waitAsync`
 * on the workers' done counter with a short timeout and watches their shared
 * progress counter: no progress for `stallMs` while some are unfinished is a
 * deadlock (or a lost wake-up); it then records where each worker stands and
 * terminates them, long before the sandbox's wall clock would.
 */
import { Worker } from "node:worker_threads";
import type { ExerciseContext, JsonValue } from "../../../grader/lab/types.js";
import { CELL_COUNTS } from "./layout.js";
import type { StressParams } from "./params.js";
import { HARNESS, STATE, WORKER_STATES, harnessLength, roundCell, stateCell } from "./stress-layout.js";
import type { StressWorkerData } from "./stress-worker.js";

/** How often the watchdog looks, at most (it wakes at once when a worker finishes). */
const TICK_MS = 50;

export interface StalledWorker {
  readonly worker: number;
  readonly doing: string;
  readonly round: number;
}

/** The observation a stress scenario emits. */
export interface StressObservation {
  readonly kind: "stress";
  readonly primitive: string;
  readonly workers: number;
  readonly rounds: number;
  /** Mutex: 1; semaphore: its permits; barrier: the parties that must have arrived. */
  readonly capacity: number;
  readonly completedRounds: number;
  readonly errors: string[];
  /** Set when the watchdog saw no progress for stallMs. */
  readonly stalled: { readonly afterMs: number; readonly workers: StalledWorker[] } | null;
  readonly counter: number;
  readonly maxInside: number;
  readonly violations: number;
  readonly firstViolation: { readonly worker: number; readonly round: number; readonly seen: number } | null;
  readonly wallMs: number;
}

function startWorker(data: StressWorkerData, errors: string[]): { worker: Worker; exited: Promise<void> } {
  const worker = new Worker(new URL("./stress-worker.js", import.meta.url), { workerData: data });
  worker.on("message", (message: { worker?: unknown; error?: unknown }) => {
    if (typeof message?.error === "string") errors.push(`worker ${data.worker}: ${message.error}`);
  });
  worker.on("error", (error) => errors.push(`worker ${data.worker} crashed: ${error.message}`));
  const exited = new Promise<void>((resolve) => worker.once("exit", () => resolve()));
  return { worker, exited };
}

export async function runStressScenario(context: ExerciseContext, params: StressParams): Promise<void> {
  const started = context.now();
  const learner = new SharedArrayBuffer(4 * CELL_COUNTS[params.primitive]);
  const harness = new SharedArrayBuffer(4 * harnessLength(params.workers, params.rounds));
  const h = new Int32Array(harness);
  const errors: string[] = [];
  const workerThreads = Array.from({ length: params.workers }, (_, worker) =>
    startWorker({ code: context.code, confined: context.confined, params, learner, harness, worker }, errors),
  );
  let exitedCount = 0;
  for (const { exited } of workerThreads) void exited.then(() => exitedCount++);

  // The start gate: open it once every worker has loaded the answer (or one died trying).
  while (Atomics.load(h, HARNESS.ready) + exitedCount < params.workers) {
    const ready = Atomics.load(h, HARNESS.ready);
    const waited = Atomics.waitAsync(h, HARNESS.ready, ready, TICK_MS);
    if (waited.async) await waited.value;
  }
  Atomics.store(h, HARNESS.gate, 1);
  Atomics.notify(h, HARNESS.gate);

  let stalled: StressObservation["stalled"] = null;
  let lastProgress = -1;
  let lastChange = context.now();
  while (Atomics.load(h, HARNESS.done) < params.workers && exitedCount < params.workers) {
    const done = Atomics.load(h, HARNESS.done);
    const waited = Atomics.waitAsync(h, HARNESS.done, done, TICK_MS);
    if (waited.async) await waited.value;
    else await new Promise((resolve) => setImmediate(resolve));
    const progress = Atomics.load(h, HARNESS.progress);
    if (progress !== lastProgress) {
      lastProgress = progress;
      lastChange = context.now();
    } else if (context.now() - lastChange >= params.stallMs) {
      const workers: StalledWorker[] = [];
      for (let worker = 0; worker < params.workers; worker++) {
        const state = Atomics.load(h, stateCell(worker));
        if (state !== STATE.finished) workers.push({ worker, doing: WORKER_STATES[state] ?? "unknown", round: Atomics.load(h, roundCell(params.workers, worker)) });
      }
      stalled = { afterMs: Math.round(context.now() - lastChange), workers };
      break;
    }
  }
  // Terminating also ends workers that sleep in Atomics.wait forever.
  await Promise.all(workerThreads.map(({ worker }) => worker.terminate()));

  const first = Atomics.load(h, HARNESS.firstWorker);
  const observation: StressObservation = {
    kind: "stress",
    primitive: params.primitive,
    workers: params.workers,
    rounds: params.rounds,
    capacity: params.primitive === "semaphore" ? (params.permits ?? 1) : params.primitive === "mutex" ? 1 : params.workers,
    completedRounds: Atomics.load(h, HARNESS.progress),
    errors: errors.slice(0, 8),
    stalled,
    counter: Atomics.load(h, HARNESS.counter),
    maxInside: Atomics.load(h, HARNESS.maxInside),
    violations: Atomics.load(h, HARNESS.violations),
    firstViolation: first === 0 ? null : { worker: first - 1, round: Atomics.load(h, HARNESS.firstRound), seen: Atomics.load(h, HARNESS.firstSeen) },
    wallMs: Math.round(context.now() - started),
  };
  context.emit(observation as unknown as JsonValue);
}
