import type { IndexDocument, IndexEntries, Posting } from "./mapreduce-index.js";

/** A task as the coordinator hands it out: everything the worker needs, so a worker keeps no state between tasks. */
export type MapReduceTask =
  | { kind: "map"; index: number; documents: IndexDocument[] }
  /** One reduce bucket: the postings every committed map task sent to it. */
  | { kind: "reduce"; index: number; postings: Posting[] };

/** Worker → coordinator: "I am idle, give me work". */
export interface GetTaskRequest {
  type: "mr_get_task";
}

export type GetTaskReply =
  | { type: "mr_task"; task: MapReduceTask }
  /** Every task is assigned and none has timed out: ask again later. */
  | { type: "mr_wait" }
  /** The job is done: stop asking. */
  | { type: "mr_exit" };

/** Worker → coordinator: a finished task's output (map: one bucket of postings per reduce task; reduce: its share of the index). The reply is a GetTaskReply: the next task. */
export type TaskReport =
  | { type: "mr_report"; kind: "map"; index: number; buckets: Posting[][] }
  | { type: "mr_report"; kind: "reduce"; index: number; entries: IndexEntries };

/**
 * What the coordinator logs, as `mapreduce {json}` lines, for the checker
 * (checkInvertedIndex): one `output` per committed reduce task, then `done`.
 */
export const MAPREDUCE_LOG_PREFIX = "mapreduce ";

export type MapReduceLogLine =
  | { kind: "output"; task: number; entries: IndexEntries }
  | { kind: "done"; mapTasks: number; reduceTasks: number };
