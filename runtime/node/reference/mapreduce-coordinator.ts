import type { NodeContext } from "../context.js";
import type { Envelope } from "../message.js";
import type { IndexEntries, Posting } from "./mapreduce-index.js";
import { MAPREDUCE_LOG_PREFIX, type GetTaskReply, type MapReduceLogLine, type MapReduceTask, type TaskReport } from "./mapreduce-messages.js";
import type { ResolvedMapReduceOptions } from "./mapreduce-options.js";

/** Who holds a task and since when (coordinator's clock). Volatile: after a restart every uncommitted task is idle again. */
interface Assignment {
  worker: string;
  sinceMs: number;
}

/**
 * Durable keys: a task's committed output. The coordinator's storage plays
 * the shared file system of the MIT lab, and "set once, if absent" plays its
 * atomic rename: the first report of a task is its output, later ones (a
 * re-executed task, a duplicated message) change nothing.
 */
const mapKey = (i: number) => `mr/map/${i}`;
const reduceKey = (r: number) => `mr/reduce/${r}`;
const DONE_KEY = "mr/done";
/** Map tasks in the order their outputs were committed: reduce reads them in that order, as a reducer fetches map outputs as they complete. */
const MAP_ORDER_KEY = "mr/map-order";

/**
 * The coordinator: hands out map tasks, then (once every map output is
 * committed) reduce tasks; takes a task back from a worker that has not
 * reported within the timeout; commits each task's output once; logs the
 * index (one `output` line per reduce task) and `done` at the end.
 */
export function runCoordinator(node: NodeContext, options: ResolvedMapReduceOptions): void {
  const mapTasks = options.splits.length;
  const reduceTasks = options.reduceTasks;
  const broken = options.broken;
  const assigned = { map: new Map<number, Assignment>(), reduce: new Map<number, Assignment>() };

  /** In the "commit-every-report" mistake a map task's committed output is a list of reports; correct runs keep one. */
  const mapOutputs = (i: number) => node.storage.get<Posting[][][]>(mapKey(i));
  const committed = (kind: "map" | "reduce", i: number) => node.storage.has(kind === "map" ? mapKey(i) : reduceKey(i));
  const allCommitted = (kind: "map" | "reduce") => {
    const count = kind === "map" ? mapTasks : reduceTasks;
    for (let i = 0; i < count; i++) if (!committed(kind, i)) return false;
    return true;
  };
  const log = (line: MapReduceLogLine) => node.log(MAPREDUCE_LOG_PREFIX + JSON.stringify(line));

  /** Takes back tasks whose worker went silent (crashed, paused, cut off, or its reply or report was lost). */
  const expire = (kind: "map" | "reduce") => {
    if (broken === "no-reassignment") return;
    for (const [i, a] of assigned[kind]) if (node.now() - a.sinceMs >= options.taskTimeoutMs) assigned[kind].delete(i);
  };

  const taskFor = (kind: "map" | "reduce", i: number): MapReduceTask => {
    if (kind === "map") return { kind, index: i, documents: options.splits[i]! };
    const postings: Posting[] = [];
    for (const m of node.storage.get<number[]>(MAP_ORDER_KEY)!) for (const buckets of mapOutputs(m)!) postings.push(...buckets[i]!);
    return { kind, index: i, postings };
  };

  const nextTask = (worker: string): GetTaskReply => {
    if (node.storage.has(DONE_KEY)) return { type: "mr_exit" };
    const kind = allCommitted("map") ? "reduce" : "map";
    // A worker only asks when idle, so a task still assigned to it was lost on the way (a restart, a lost reply): take it back now
    // rather than after the timeout. (A duplicated request makes this wrong at worst: the task then runs twice, which commits once.)
    if (broken !== "no-reassignment") for (const [i, a] of assigned[kind]) if (a.worker === worker) assigned[kind].delete(i);
    expire(kind);
    const count = kind === "map" ? mapTasks : reduceTasks;
    for (let i = 0; i < count; i++) {
      if (committed(kind, i) || assigned[kind].has(i)) continue;
      assigned[kind].set(i, { worker, sinceMs: node.now() });
      return { type: "mr_task", task: taskFor(kind, i) };
    }
    return { type: "mr_wait" };
  };

  const commitMap = (i: number, buckets: Posting[][]) => {
    const previous = mapOutputs(i);
    if (previous !== undefined && broken !== "commit-every-report") return;
    node.storage.set(mapKey(i), [...(previous ?? []), buckets]);
    if (previous === undefined) node.storage.set(MAP_ORDER_KEY, [...(node.storage.get<number[]>(MAP_ORDER_KEY) ?? []), i]);
    assigned.map.delete(i);
  };

  const commitReduce = (r: number, entries: IndexEntries) => {
    if (committed("reduce", r) && broken !== "commit-every-report") return;
    // Storage first, then the log line, in one handler: a crash cannot come between them, so each committed output is logged exactly once.
    node.storage.set(reduceKey(r), entries);
    assigned.reduce.delete(r);
    log({ kind: "output", task: r, entries });
    if (!node.storage.has(DONE_KEY) && allCommitted("reduce")) {
      node.storage.set(DONE_KEY, true);
      log({ kind: "done", mapTasks, reduceTasks });
    }
  };

  node.on("mr_get_task", (msg) => nextTask(msg.src));
  node.on("mr_report", (msg: Envelope<TaskReport>) => {
    const report = msg.body;
    // A map report from before a restart of this coordinator is as good as a fresh one: map is deterministic.
    if (report.kind === "map" && Number.isInteger(report.index) && report.index >= 0 && report.index < mapTasks) commitMap(report.index, report.buckets);
    if (report.kind === "reduce" && Number.isInteger(report.index) && report.index >= 0 && report.index < reduceTasks) commitReduce(report.index, report.entries);
    // The reply to a report is the worker's next task: one round trip per task instead of two.
    return nextTask(msg.src);
  });
}
