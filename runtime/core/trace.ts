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

/** One thread count of a speedup measurement: wall-clock times of repeated runs of the same job. */
export interface SpeedupPoint {
  threads: number;
  runsMs: number[];
  medianMs: number;
}

/**
 * What `speedup(job, { threads })` measured, and what the speedup plot reads.
 * `points` always includes threads = 1 (the baseline, a 1-worker pool so that
 * the pool's own costs are in the baseline too).
 */
export interface SpeedupData {
  label: string;
  /** Cores the process may actually use (os.availableParallelism()), so the plot can say where more threads stop helping. */
  cores: number;
  points: SpeedupPoint[];
}
