/**
 * The explorer's public vocabulary: what a learner's program looks like, what a
 * virtual thread may do, and what an exploration reports. Everything here is
 * plain data (no classes), so results serialise to JSON byte for byte.
 */
import type { PardisErrorCode } from "../core/index.js";

/** A cell of shared memory: its index, or its name ("counter", "flags[1]"). */
export type CellRef = number | string;

/** Named Int32 cells with their initial values; an array declares consecutive cells. */
export type MemorySpec = Readonly<Record<string, number | readonly number[]>>;

/**
 * The index of every named cell, shaped like the spec: `{ counter: 0, flags: [1, 2] }`.
 * Where the spec is not known (a body typed `(t: VirtualThread)`), any name is allowed.
 */
export type CellAddresses<M extends MemorySpec> = { readonly [K in keyof M]: M[K] extends readonly number[] ? readonly number[] : number } & {
  readonly [name: string]: any;
};

/** Final values, shaped like the spec: `{ counter: 2, flags: [1, 0] }`. */
export type CellValues<M extends MemorySpec> = {
  readonly [K in keyof M]: M[K] extends readonly number[] ? readonly number[] : number;
};

/** What `Atomics.wait` returns. */
export type WaitResult = "ok" | "not-equal" | "timed-out";

/**
 * `Atomics` over the explored memory: sequentially consistent, Int32 wrap-around,
 * each call one scheduling point. Read-modify-write calls return the old value.
 */
export interface VirtualAtomics {
  load(addr: CellRef): Promise<number>;
  /** Returns the value stored. */
  store(addr: CellRef, value: number): Promise<number>;
  add(addr: CellRef, value: number): Promise<number>;
  sub(addr: CellRef, value: number): Promise<number>;
  and(addr: CellRef, value: number): Promise<number>;
  or(addr: CellRef, value: number): Promise<number>;
  xor(addr: CellRef, value: number): Promise<number>;
  exchange(addr: CellRef, value: number): Promise<number>;
  /** Stores `replacement` only if the cell holds `expected`; returns what the cell held. */
  compareExchange(addr: CellRef, expected: number, replacement: number): Promise<number>;
}

/**
 * A virtual thread as its body sees it. Every method that returns a promise is
 * a scheduling point: the explorer decides which thread performs its next
 * operation, so `await` each of them (a missing `await` is reported as misuse).
 * Markers (`enter`, `exit`, `arrive`, `depart`, `assert`, `note`) are not
 * scheduling points; they feed the oracles.
 */
export interface VirtualThread<M extends MemorySpec = MemorySpec> {
  /** 0-based, in the order of `program.threads`. */
  readonly id: number;
  /** How many threads the program has. */
  readonly threadCount: number;
  /** The address of every named cell. */
  readonly mem: CellAddresses<M>;

  /** A plain (non-atomic) read: checked for data races. */
  load(addr: CellRef): Promise<number>;
  /** A plain (non-atomic) write: checked for data races. */
  store(addr: CellRef, value: number): Promise<void>;
  readonly atomic: VirtualAtomics;
  /**
   * `Atomics.wait`: if the cell holds `expected`, sleep until notified; else
   * return "not-equal" at once. A finite `timeout` may elapse at any scheduling
   * point (virtual time: the explorer treats it as a choice), which returns
   * "timed-out". @default Infinity
   */
  wait(addr: CellRef, expected: number, timeout?: number): Promise<WaitResult>;
  /** `Atomics.notify`: wakes up to `count` waiters on the cell, oldest first; returns how many woke. @default Infinity */
  notify(addr: CellRef, count?: number): Promise<number>;
  /** A built-in, non-reentrant mutex named by any string; blocks while another thread holds it. */
  lock(mutex: string): Promise<void>;
  unlock(mutex: string): Promise<void>;
  /** Blocks until another thread has finished; its effects happen before what follows. */
  join(thread: number): Promise<void>;
  /**
   * A scheduling point with no effect: a thread that just yielded runs next
   * only if no other can. Spin loops rarely need it: re-reading what it already
   * read, in an unchanged state, counts as a yield too.
   */
  yield(): Promise<void>;

  /** Marks entry into a section whose occupancy is checked against its capacity (`program.sections`, default 1). */
  enter(section: string): void;
  exit(section: string): void;
  /** Marks arrival at a barrier (just before calling the learner's barrier). */
  arrive(barrier: string): void;
  /** Marks passing a barrier (just after it returned): every party must have arrived at this phase. */
  depart(barrier: string): void;
  /** Fails the run (kind "assertion") when `condition` is falsy. */
  assert(condition: unknown, message?: string): void;
  /** Adds a line to the thread's event log (shown in the table and the timeline). */
  note(text: string): void;
}

export type VirtualThreadBody<M extends MemorySpec = MemorySpec> = (t: VirtualThread<M>) => Promise<void> | void;

/**
 * A shared-memory program to explore. Each run starts from the initial memory
 * and runs every body once. Keep all shared state in `memory` (or the built-in
 * locks): variables captured by the bodies are neither reset between runs nor
 * scheduling points.
 */
export interface SharedProgram<M extends MemorySpec = MemorySpec> {
  /** Shown in messages and figures. */
  name?: string;
  /** @default {} */
  memory?: M;
  /**
   * One body per thread. Typed without the memory's names on purpose: a body
   * typed with them would let TypeScript infer the names from the bodies
   * instead of from `memory`, and then bodies made by
   * `Array.from({ length: 3 }, () => async (t) => { ... })` do not type-check.
   */
  threads: ReadonlyArray<VirtualThreadBody<any>>;
  /** Capacity of each marked section (`t.enter`/`t.exit`); an undeclared section has capacity 1. */
  sections?: Readonly<Record<string, number>>;
  /** Parties of each marked barrier (`t.arrive`/`t.depart`); undeclared: every thread. */
  barriers?: Readonly<Record<string, number>>;
  /**
   * Judges the final memory after every thread finished. Return `false` or a
   * message (or throw) to fail the run with kind "check". Must be synchronous.
   */
  check?: (final: CellValues<M>) => boolean | string | void;
}

export type ExploreStrategy = "random" | "pct" | "exhaustive";

export interface ExploreOptions {
  /** @default "pct" */
  strategy?: ExploreStrategy;
  /** The whole exploration follows from it; every failure prints the seed of its own run. @default a fresh random seed (reported in the result) */
  seed?: number;
  /** Random and PCT: how many runs. Exhaustive: the most schedules to try before giving up (`complete: false`). @default 1000 (random, pct), 100000 (exhaustive) */
  runs?: number;
  /** PCT bug depth d: d - 1 priority change points per run. @default 3 */
  depth?: number;
  /** A run that reaches this many steps stops with a "step-limit" failure (livelock, unbounded spin). @default 10000 */
  maxSteps?: number;
  /** Exhaustive: the most preemptions per schedule (CHESS-style bounding; turns sleep sets off). @default Infinity */
  preemptions?: number;
  /** Exhaustive: prune schedules equivalent to explored ones with sleep sets. @default true */
  sleepSets?: boolean;
  /** Stop at the first failing run. @default false */
  stopOnFailure?: boolean;
  /** Stops the exploration between two runs; it then rejects with the signal's reason. @default the running cell's interrupt signal, in a pardis kernel */
  signal?: AbortSignal;
}

export type ExploreFailureKind =
  | "data-race"
  | "mutual-exclusion"
  | "barrier"
  | "deadlock"
  | "lost-wakeup"
  | "assertion"
  | "exception"
  | "check"
  | "step-limit"
  | "misuse"
  | "nondeterminism";

/** One line of a thread's log. Steps count from 1; step 0 is before the first operation. */
export interface ExploreEvent {
  step: number;
  thread: number;
  /** "load", "store", "atomic.add", "wait", "wake", "timeout", "notify", "lock", "unlock", "join", "yield", "enter", "exit", "arrive", "depart", "assert", "note", "finish", "throw". */
  op: string;
  /** The cell, mutex, section or barrier it touched. */
  target?: string;
  /** What the operation returned, or the value it wrote. */
  value?: number | string;
  /** The thread went to sleep (a wait that blocked). */
  blocked?: true;
  text: string;
}

/** Where each thread stood when a run ended. */
export interface VirtualThreadStatus {
  thread: number;
  state: "finished" | "blocked" | "ready" | "running" | "failed";
  /** For unfinished threads: what it waits for or would do next. */
  detail?: string;
}

/**
 * A failing run, as typed data: `kind` to switch on, `code` matching
 * PardisError's, the seed and the schedule to replay it, and its log.
 */
export interface ExploreFailure {
  kind: ExploreFailureKind;
  code: PardisErrorCode;
  message: string;
  program?: string;
  strategy: ExploreStrategy | "replay";
  /** The seed of the failing run: `explore(program, { strategy, seed, runs: 1 })` repeats it (null for exhaustive and replay). */
  seed: number | null;
  depth?: number;
  /** Which run of the exploration (0-based). */
  run: number;
  /** The thread that performed each step, in order: `replaySchedule(program, schedule)` repeats it. */
  schedule: number[];
  /** The schedule in the compact form `replaySchedule` also accepts, e.g. "0*3 1 0*2". */
  scheduleText: string;
  /** The step at which the failure was detected. */
  step: number;
  /** The threads involved. */
  threads: number[];
  /** The cell, section, barrier or mutex concerned. */
  subject?: string;
  /** Steps worth highlighting (for a race: both accesses). */
  steps: number[];
  /** How many runs of the exploration failed the same way (same kind and subject). */
  occurrences: number;
  events: ExploreEvent[];
  threadStatus: VirtualThreadStatus[];
  /** One line that reproduces the failure. */
  replay: string;
}

export interface ExploreResult {
  ok: boolean;
  program?: string;
  strategy: ExploreStrategy;
  seed: number;
  depth?: number;
  maxSteps: number;
  /** Runs executed (including, for exhaustive, runs cut short by sleep sets). */
  runs: number;
  /** Distinct complete schedules executed. */
  schedulesExplored: number;
  /** Exhaustive: runs abandoned because every enabled thread was asleep (an equivalent schedule was explored). */
  pruned: number;
  /** Exhaustive: whether every schedule within the bounds was covered. */
  complete?: boolean;
  /** Steps executed over all runs. */
  steps: number;
  /** One per kind and subject, with the shortest schedule found, in order of discovery. */
  failures: ExploreFailure[];
}

/** The outcome of one run, as `replaySchedule` returns it. */
export interface ReplayReport {
  ok: boolean;
  program?: string;
  /** "finished": every thread ended; "failed": a failure ended the run; "stopped": the given schedule ran out first. */
  outcome: "finished" | "failed" | "stopped";
  failures: ExploreFailure[];
  schedule: number[];
  scheduleText: string;
  steps: number;
  events: ExploreEvent[];
  threadStatus: VirtualThreadStatus[];
  /** Final memory, by cell name. */
  memory: Record<string, number>;
}
