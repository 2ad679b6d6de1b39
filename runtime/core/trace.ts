/**
 * What a pool records about each task, and what the plots read. Times are
 * milliseconds from `performance.timeOrigin` of the main thread (the same clock
 * in every worker of one process), so records from different workers line up.
 */
export type TaskStatus = "ok" | "error" | "cancelled";

export interface TaskRecord {
  /** Unique within the pool, in submission order. */
  id: number;
  /** Which worker ran it: a small index (0..threads-1, then higher as crashed workers are replaced), -1 if it never started. */
  worker: number;
  /** The function's name, or "anonymous"; for map chunks, the name plus the chunk's item range. */
  label: string;
  /** When the task was submitted. */
  queuedMs: number;
  /** When a worker started it (undefined if it was cancelled while queued). */
  startedMs?: number;
  endedMs: number;
  status: TaskStatus;
  /** Items processed, for map/reduce chunks. */
  items?: number;
}

export interface PoolTraceData {
  threads: number;
  /** When the pool was created. */
  createdMs: number;
  records: readonly TaskRecord[];
}
