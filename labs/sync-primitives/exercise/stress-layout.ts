/**
 * The trusted harness memory of a stress run, shared by the exercise's main
 * thread and its workers. The answer never sees it: its Cells cover another
 * SharedArrayBuffer, so it can neither read nor forge these counters.
 */
export const HARNESS = {
  /** Rounds completed by all workers together: the watchdog's sign of life. */
  progress: 0,
  /** Workers that finished (or failed) their loop; notified, so the watchdog wakes at once. */
  done: 1,
  /** Workers inside the critical section (mutex) or holding a permit (semaphore) right now. */
  inside: 2,
  maxInside: 3,
  violations: 4,
  /** The plain counter the mutex guards. */
  counter: 5,
  /** The first violation: worker + 1 (0 while there is none), its round, what it saw. */
  firstWorker: 6,
  firstRound: 7,
  firstSeen: 8,
  /** Read in the noise's busy loops. */
  scratch: 9,
  /** Always 0, never notified: the noise sleeps on it with a timeout. */
  sleep: 10,
  /** Workers that loaded the answer and wait at the start gate. */
  ready: 11,
  /** 0 until every worker is ready, then 1 (notified): all start their rounds together. */
  gate: 12,
  /** Per worker from here: what it is doing (WorkerState), then its round, then (barrier) arrivals per phase. */
  perWorker: 16,
} as const;

/** What a worker is doing, for the watchdog's report. */
export const WORKER_STATES = ["between rounds", "in lock()/acquire()/wait()", "inside", "in unlock()/release()", "finished"] as const;
export const STATE = { idle: 0, entering: 1, inside: 2, leaving: 3, finished: 4 } as const;

export function stateCell(worker: number): number {
  return HARNESS.perWorker + worker;
}

export function roundCell(workers: number, worker: number): number {
  return HARNESS.perWorker + workers + worker;
}

export function arrivalCell(workers: number, phase: number): number {
  return HARNESS.perWorker + 2 * workers + phase;
}

export function harnessLength(workers: number, rounds: number): number {
  return HARNESS.perWorker + 2 * workers + rounds;
}

/** The noise before each of the answer's cell operations (see stress-worker.ts): a sleep one time in this many, else up to this many spins. */
export const NOISE_SLEEP_ONE_IN = 16;
export const NOISE_SPINS = 200;
/** A sleep inside the critical section (or while holding a permit), one round in this many. */
export const HOLD_SLEEP_ONE_IN = 4;
/** Atomics.wait's timeout: the kernel's timer slack makes it some 50 to 100 µs. */
export const NOISE_SLEEP_MS = 0.02;
