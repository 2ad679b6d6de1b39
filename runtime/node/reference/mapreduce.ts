import type { NodeContext } from "../context.js";
import { runCoordinator } from "./mapreduce-coordinator.js";
import { resolveMapReduceOptions, type MapReduceOptions } from "./mapreduce-options.js";
import { runWorker } from "./mapreduce-worker.js";
import { withRecipe } from "../program.js";

/**
 * MapReduce (Dean and Ghemawat, 2004, as in MIT 6.5840's lab) building an
 * inverted index of `documents`. The first node (n0) is the coordinator, every
 * other node a worker.
 *
 * Algorithm: the documents are split into M map tasks. Idle workers ask the
 * coordinator for a task. Map turns a task's documents into (term, document)
 * postings, partitioned into R buckets by a hash of the term. Once all M map
 * outputs are committed, the coordinator hands out the R reduce tasks, each
 * with its bucket from every map output; reduce groups the postings by term
 * and sorts them. Each committed reduce output is logged (`mapreduce
 * {"kind":"output",...}`), then `done`: checkInvertedIndex reads those lines.
 *
 * Invariant: a task's output is committed once, in the coordinator's durable
 * storage (the first report wins; re-executions and duplicated reports are
 * ignored, like the lab's atomic rename), and reduce reads only committed map
 * outputs; map emits each (term, document) pair once, so the index holds each
 * posting exactly once. Every uncommitted task is idle or held by one worker
 * for at most `taskTimeoutMs`, so once faults stop, a live worker finishes it.
 *
 * Tolerates: crashes of workers (with or without restart, as long as one
 * worker is up), pauses, message loss, duplication and reordering,
 * partitions, clock skew (timeouts are durations on one clock), and a crash
 * and restart of the coordinator (committed outputs are durable; the
 * assignments it forgets are simply handed out again).
 * Does not tolerate: a coordinator that stays down. It is a single point of
 * failure, as in the paper; the job then never finishes (incomplete).
 * `broken` selects a deliberate mistake (see MapReduceMistake).
 */
export function mapReduceNode(options: MapReduceOptions) {
  const resolved = resolveMapReduceOptions(options);
  return withRecipe((node: NodeContext): void => {
    const coordinator = node.nodeIds[0]!;
    if (node.id === coordinator) runCoordinator(node, resolved);
    else runWorker(node, resolved, coordinator);
  }, "mapReduceNode", [options]);
}
