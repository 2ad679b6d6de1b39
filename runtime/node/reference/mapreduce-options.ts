import type { IndexDocument } from "./mapreduce-index.js";

/** The deliberate mistakes, for the notebooks; each is caught by checkInvertedIndex on some seed. */
export type MapReduceMistake =
  /** The coordinator never takes a task back from a silent worker: a crash, a pause or a lost reply leaves the job unfinished (incomplete). */
  | "no-reassignment"
  /** The coordinator records every report instead of the first per task: a re-executed or duplicated map task counts twice (duplicate-posting). */
  | "commit-every-report"
  /** Reduce concatenates postings in arrival order instead of sorting them (unsorted-postings when map tasks finish out of order). */
  | "unsorted-reduce";

export interface MapReduceOptions {
  /** The job's input. Ids must be unique. */
  documents: readonly IndexDocument[];
  /** How many map tasks the documents are split into (contiguous chunks). @default one per document */
  mapTasks?: number;
  /** How many reduce tasks (R): terms are partitioned by hash into R buckets, one output per bucket. @default 3 */
  reduceTasks?: number;
  /** A task whose worker has not reported after this long (on the coordinator's clock) is handed to another worker. @default 200 */
  taskTimeoutMs?: number;
  /** How long a worker takes per document it maps and per 10 postings it reduces, so tasks overlap faults. @default 10 */
  workMs?: number;
  /** How often an idle worker asks the coordinator for a task. @default 20 */
  pollMs?: number;
  broken?: MapReduceMistake;
}

export interface ResolvedMapReduceOptions {
  documents: readonly IndexDocument[];
  /** The documents of each map task. */
  splits: IndexDocument[][];
  reduceTasks: number;
  taskTimeoutMs: number;
  workMs: number;
  pollMs: number;
  broken?: MapReduceMistake;
}

const positiveInteger = (name: string, value: number) => {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`mapReduceNode: ${name} must be a positive integer, got ${value}`);
  return value;
};
const positive = (name: string, value: number) => {
  if (!(value > 0) || !Number.isFinite(value)) throw new RangeError(`mapReduceNode: ${name} must be a positive number of milliseconds, got ${value}`);
  return value;
};

/** Defaults and validation, once, when the node program is made (a bad option fails in the notebook cell, not inside a run). */
export function resolveMapReduceOptions(options: MapReduceOptions): ResolvedMapReduceOptions {
  const documents = options.documents;
  if (!Array.isArray(documents) || documents.length === 0) throw new TypeError("mapReduceNode: documents must be a non-empty array of { id, text }");
  const ids = new Set<string>();
  for (const doc of documents) {
    if (typeof doc?.id !== "string" || typeof doc.text !== "string") throw new TypeError(`mapReduceNode: a document must be { id: string, text: string }, got ${JSON.stringify(doc)}`);
    if (ids.has(doc.id)) throw new RangeError(`mapReduceNode: document id ${JSON.stringify(doc.id)} appears twice; ids must be unique`);
    ids.add(doc.id);
  }
  const mapTasks = Math.min(positiveInteger("mapTasks", options.mapTasks ?? documents.length), documents.length);
  const splits = Array.from({ length: mapTasks }, (_, t) =>
    documents.slice(Math.floor((t * documents.length) / mapTasks), Math.floor(((t + 1) * documents.length) / mapTasks)),
  );
  return {
    documents,
    splits,
    reduceTasks: positiveInteger("reduceTasks", options.reduceTasks ?? 3),
    taskTimeoutMs: positive("taskTimeoutMs", options.taskTimeoutMs ?? 200),
    workMs: positive("workMs", options.workMs ?? 10),
    pollMs: positive("pollMs", options.pollMs ?? 20),
    ...(options.broken !== undefined ? { broken: options.broken } : {}),
  };
}
