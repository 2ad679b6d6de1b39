/**
 * The state of one call of run, map or reduce (a "batch" of tasks) and of each
 * task handed to a worker. Plain classes with fixed fields: the pool touches
 * them on every task, and objects of one shape keep those touches cheap.
 */
import type { AsyncResource } from "node:async_hooks";
import type { TransferListItem } from "node:worker_threads";
import type { MapProgress } from "./map-progress.js";
import type { OutputTarget } from "./output-relay.js";
import type { CodeRef, TaskReply } from "./protocol.js";

/** What a call does; its tasks may use the request mode "item" (see TaskRequest). */
export type Mode = "run" | "map" | "reduce";

/** What a call asks for, before any task exists. */
export interface Plan {
  /** run: the argument; map/reduce: all items. */
  input: unknown;
  itemCount: number;
  chunkSize: number;
  initial: unknown;
  transferList: TransferListItem[] | undefined;
  /** The call's result from the tasks' results in chunk order. */
  assemble(results: unknown[]): unknown;
}

export interface PiscinaRunOptions {
  signal?: AbortSignal | undefined;
  transferList?: TransferListItem[] | undefined;
}

/** Most calls have no signal and nothing to transfer: one shared options object for all of them. */
const NO_RUN_OPTIONS: PiscinaRunOptions = Object.freeze({});

export class Batch {
  readonly chunks: number;
  readonly results: unknown[];
  nextChunk = 0;
  remaining: number;
  settled = false;
  /** Settled by a signal or a forced close (its tasks ended by piscina are recorded as cancelled). */
  cancelled = false;
  progress: MapProgress | undefined = undefined;
  onAbort: (() => void) | undefined = undefined;
  input: unknown;
  readonly itemCount: number;
  readonly chunkSize: number;
  readonly initial: unknown;
  readonly assemble: Plan["assemble"];
  readonly runOptions: PiscinaRunOptions;

  constructor(
    readonly label: string,
    readonly code: CodeRef,
    /** The pool's number for `code` (what requests carry instead of its key). */
    readonly fnId: number,
    readonly mode: Mode,
    plan: Plan,
    readonly signal: AbortSignal | undefined,
    readonly context: AsyncResource,
    readonly queuedMs: number,
    readonly resolve: (value: unknown) => void,
    readonly reject: (error: unknown) => void,
  ) {
    this.input = plan.input;
    this.itemCount = plan.itemCount;
    this.chunkSize = plan.chunkSize;
    this.initial = plan.initial;
    this.assemble = plan.assemble;
    this.chunks = mode === "run" ? 1 : Math.ceil(plan.itemCount / plan.chunkSize);
    this.remaining = this.chunks;
    this.results = new Array(this.chunks);
    this.runOptions = signal || plan.transferList ? { signal, transferList: plan.transferList } : NO_RUN_OPTIONS;
  }

  /** Index of the chunk's first item. */
  firstOf(chunk: number): number {
    return chunk * this.chunkSize;
  }

  /** Items in the chunk, or undefined for run (one argument, not items). */
  itemsOf(chunk: number): number | undefined {
    return this.mode === "run" ? undefined : Math.min(this.chunkSize, this.itemCount - chunk * this.chunkSize);
  }
}

export class Task implements OutputTarget {
  reply: TaskReply | undefined = undefined;
  outputsReceived = 0;
  outputsExpected = -1;
  waitingForOutput = false;
  readonly context: AsyncResource;

  constructor(
    readonly id: number,
    readonly batch: Batch,
    readonly chunk: number,
  ) {
    this.context = batch.context;
  }
}
