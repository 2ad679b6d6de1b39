/**
 * One worker of a stress run: loads the answer (confined like the main
 * thread's), builds its handle over real Cells and runs its rounds, recording
 * in the harness memory what only real threads show: overlaps, lost updates,
 * mixed phases. It never judges; the grader does, from what the main thread reports.
 */
import { parentPort, workerData } from "node:worker_threads";
import type { SubmissionCode } from "../../../grader/lab/types.js";
import { loadSubmission } from "../../../grader/runner/load-submission.js";
import { factoryOf, makeBarrier, makeMutex, makeSemaphore } from "./handles.js";
import { CELL_COUNTS } from "./layout.js";
import type { StressParams } from "./params.js";
import { realCells } from "./real-cells.js";
import { HARNESS, HOLD_SLEEP_ONE_IN, NOISE_SLEEP_MS, NOISE_SLEEP_ONE_IN, NOISE_SPINS, STATE, arrivalCell, roundCell, stateCell } from "./stress-layout.js";

export interface StressWorkerData {
  readonly code: SubmissionCode;
  readonly confined: boolean;
  readonly params: StressParams;
  readonly learner: SharedArrayBuffer;
  readonly harness: SharedArrayBuffer;
  readonly worker: number;
}

const data = workerData as StressWorkerData;
const h = new Int32Array(data.harness);
const { params, worker } = data;

/** A per-worker xorshift stream: the noise differs between workers, and is the same in every run. */
let state = (0x9e3779b9 ^ Math.imul(worker + 1, 0x85ebca6b)) | 1;
function random(): number {
  state ^= state << 13;
  state ^= state >>> 17;
  state ^= state << 5;
  return state >>> 0;
}

/**
 * Before each of the answer's cell operations: now and then a short sleep,
 * otherwise a short spin. A sleep takes this worker off its core between two
 * of its operations, so the other workers run in that window even when the
 * machine has fewer free cores than workers: a check-then-act race shows
 * whatever the load, not only when two workers happen to run in parallel.
 */
function noise(): void {
  const r = random();
  if (r % NOISE_SLEEP_ONE_IN === 0) Atomics.wait(h, HARNESS.sleep, 0, NOISE_SLEEP_MS);
  else for (let i = r % NOISE_SPINS; i > 0; i--) Atomics.load(h, HARNESS.scratch);
}

/** Inside the section: long enough, now and then, for another worker to run into an overlap. */
function hold(): void {
  if (random() % HOLD_SLEEP_ONE_IN === 0) Atomics.wait(h, HARNESS.sleep, 0, NOISE_SLEEP_MS);
}

function violation(round: number, seen: number): void {
  Atomics.add(h, HARNESS.violations, 1);
  if (Atomics.compareExchange(h, HARNESS.firstWorker, 0, worker + 1) === 0) {
    Atomics.store(h, HARNESS.firstRound, round);
    Atomics.store(h, HARNESS.firstSeen, seen);
  }
}

function enter(round: number, capacity: number): void {
  const inside = Atomics.add(h, HARNESS.inside, 1) + 1;
  for (let max = Atomics.load(h, HARNESS.maxInside); inside > max; max = Atomics.load(h, HARNESS.maxInside)) {
    if (Atomics.compareExchange(h, HARNESS.maxInside, max, inside) === max) break;
  }
  if (inside > capacity) violation(round, inside);
}

function leave(): void {
  Atomics.sub(h, HARNESS.inside, 1);
}

function mark(state: number, round: number): void {
  Atomics.store(h, stateCell(worker), state);
  Atomics.store(h, roundCell(params.workers, worker), round);
}

async function rounds(): Promise<void> {
  const submission = loadSubmission(data.code, { confined: data.confined });
  const factory = factoryOf(submission, params.primitive);
  const cells = realCells(new Int32Array(data.learner), 0, CELL_COUNTS[params.primitive], noise);
  // Loading (SES lockdown in a confined run) takes a while and differently long per thread:
  // everyone waits at the gate, so the rounds overlap and the watchdog times only the rounds.
  Atomics.add(h, HARNESS.ready, 1);
  Atomics.notify(h, HARNESS.ready);
  Atomics.wait(h, HARNESS.gate, 0);
  if (params.primitive === "mutex") {
    const mutex = makeMutex(factory, cells);
    for (let round = 0; round < params.rounds; round++) {
      mark(STATE.entering, round);
      await mutex.lock();
      mark(STATE.inside, round);
      enter(round, 1);
      const value = h[HARNESS.counter]!;
      hold();
      h[HARNESS.counter] = value + 1;
      leave();
      mark(STATE.leaving, round);
      await mutex.unlock();
      mark(STATE.idle, round + 1);
      Atomics.add(h, HARNESS.progress, 1);
    }
  } else if (params.primitive === "semaphore") {
    const permits = params.permits ?? 1;
    const semaphore = makeSemaphore(factory, cells, permits);
    for (let round = 0; round < params.rounds; round++) {
      mark(STATE.entering, round);
      await semaphore.acquire();
      mark(STATE.inside, round);
      enter(round, permits);
      hold();
      leave();
      mark(STATE.leaving, round);
      await semaphore.release();
      mark(STATE.idle, round + 1);
      Atomics.add(h, HARNESS.progress, 1);
    }
  } else {
    const barrier = makeBarrier(factory, cells, params.workers);
    for (let phase = 0; phase < params.rounds; phase++) {
      mark(STATE.entering, phase);
      Atomics.add(h, arrivalCell(params.workers, phase), 1);
      await barrier.wait();
      const arrived = Atomics.load(h, arrivalCell(params.workers, phase));
      if (arrived < params.workers) violation(phase, arrived);
      mark(STATE.idle, phase + 1);
      Atomics.add(h, HARNESS.progress, 1);
    }
  }
}

/** The answer's error as text; an error whose own fields throw still gets a line. */
function describe(error: unknown): string {
  try {
    return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  } catch {
    return "an error that cannot be shown";
  }
}

try {
  await rounds();
} catch (error) {
  parentPort!.postMessage({ worker, error: describe(error) });
} finally {
  Atomics.store(h, stateCell(worker), STATE.finished);
  Atomics.add(h, HARNESS.done, 1);
  Atomics.notify(h, HARNESS.done);
}
