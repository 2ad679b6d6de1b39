/**
 * Every pool keeps a record per task: when it was submitted, when and on
 * which worker it ran, how it ended. `pool.trace.gantt()` draws it.
 */
import { inspect } from "node:util";
import type { PoolTraceData, TaskRecord } from "../core/index.js";
import { gantt, type GanttFigure, type GanttOptions } from "../viz/index.js";

export interface PoolTrace extends PoolTraceData {
  /** The worker-occupancy timeline of the records kept so far. */
  gantt(options?: GanttOptions): GanttFigure;
  /** Forgets the records so far, to trace one phase of work on its own. */
  clear(): void;
  /** A copy that later tasks do not change (what gantt() draws). */
  snapshot(): PoolTraceData;
}

export class TaskTrace implements PoolTrace {
  #records: TaskRecord[] = [];

  /**
   * @param limit Records kept: beyond it the oldest are dropped, so a pool
   *   that runs millions of tiny tasks over a day does not grow without bound.
   */
  constructor(
    readonly threads: number,
    readonly createdMs: number,
    private readonly limit: number,
  ) {}

  get records(): readonly TaskRecord[] {
    return this.#records;
  }

  add(record: TaskRecord): void {
    this.#records.push(record);
    // Trim in batches of a quarter of the limit, so trimming costs O(1) per record on average.
    if (this.#records.length > this.limit + Math.max(1, this.limit >> 2)) this.#records.splice(0, this.#records.length - this.limit);
  }

  clear(): void {
    this.#records = [];
  }

  snapshot(): PoolTraceData {
    return { threads: this.threads, createdMs: this.createdMs, records: this.#records.slice() };
  }

  gantt(options?: GanttOptions): GanttFigure {
    return gantt(this.snapshot(), options);
  }

  toJSON(): PoolTraceData {
    return this.snapshot();
  }

  /** What a notebook shows for `pool.trace`: counts, and how to see more. */
  [inspect.custom](): string {
    const count = (status: TaskRecord["status"]) => this.#records.filter((r) => r.status === status).length;
    return (
      `PoolTrace { threads: ${this.threads}, tasks: ${this.#records.length} (ok ${count("ok")}, error ${count("error")}, cancelled ${count("cancelled")}) }` +
      " (pool.trace.gantt() draws it; pool.trace.records lists it)"
    );
  }
}
