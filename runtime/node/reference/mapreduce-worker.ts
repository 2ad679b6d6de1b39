import type { NodeContext } from "../context.js";
import { mapDocuments, partitionPostings, reducePostings } from "./mapreduce-index.js";
import type { GetTaskReply, MapReduceTask, TaskReport } from "./mapreduce-messages.js";
import type { ResolvedMapReduceOptions } from "./mapreduce-options.js";

/** A lost report costs a task timeout and a re-execution; sending it again is cheaper, and harmless since the coordinator commits a task once. */
const REPORT_ATTEMPTS = 3;

/**
 * A worker: while idle, asks the coordinator for a task every `pollMs`; runs
 * it (taking `workMs` per document or per 10 postings of virtual time, so a
 * task can be caught by a crash or a pause); reports the output. It keeps no
 * state between tasks, volatile or durable: whatever a crash interrupts, the
 * coordinator hands to someone else after the timeout.
 */
export function runWorker(node: NodeContext, options: ResolvedMapReduceOptions, coordinator: string): void {
  const rpcTimeoutMs = Math.max(50, 5 * options.pollMs);
  let busy = false;

  const duration = (task: MapReduceTask) =>
    options.workMs * Math.max(1, task.kind === "map" ? task.documents.length : Math.ceil(task.postings.length / 10));

  const compute = (task: MapReduceTask): TaskReport =>
    task.kind === "map"
      ? { type: "mr_report", kind: "map", index: task.index, buckets: partitionPostings(mapDocuments(task.documents), options.reduceTasks) }
      : { type: "mr_report", kind: "reduce", index: task.index, entries: reducePostings(task.postings, { sort: options.broken !== "unsorted-reduce" }) };

  async function report(body: TaskReport): Promise<void> {
    for (let attempt = 0; attempt < REPORT_ATTEMPTS; attempt++) {
      try {
        await node.rpc(coordinator, body, { timeoutMs: rpcTimeoutMs });
        return;
      } catch {
        // lost or slow: send it again
      }
    }
  }

  // Callbacks return their promises (never rejecting ones: a rejection would crash the node), so the runtime knows there is async work to run at this instant.
  async function finish(task: MapReduceTask): Promise<void> {
    try {
      await report(compute(task));
    } finally {
      busy = false;
    }
  }

  async function askForWork(): Promise<void> {
    busy = true;
    try {
      const reply = (await node.rpc<GetTaskReply>(coordinator, { type: "mr_get_task" }, { timeoutMs: rpcTimeoutMs })).body;
      if (reply.type === "mr_task") {
        // The work takes virtual time, so a crash or a pause can catch a task half done.
        node.setTimer(duration(reply.task), () => finish(reply.task));
        return;
      }
      if (reply.type === "mr_exit") node.cancel(poller);
    } catch {
      // The request or its reply was lost (or the coordinator is down): ask again at the next poll.
    }
    busy = false;
  }

  const poller = node.every(options.pollMs, () => (busy ? undefined : askForWork()));
}
