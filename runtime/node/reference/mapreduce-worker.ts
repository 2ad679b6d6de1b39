import type { NodeContext } from "../context.js";
import type { OutgoingBody } from "../message.js";
import { mapDocuments, partitionPostings, reducePostings } from "./mapreduce-index.js";
import type { GetTaskReply, MapReduceTask, TaskReport } from "./mapreduce-messages.js";
import type { ResolvedMapReduceOptions } from "./mapreduce-options.js";

/** A lost report costs a task timeout and a re-execution; sending it again is cheaper, and harmless since the coordinator commits a task once. */
const REPORT_ATTEMPTS = 3;

/**
 * A worker: while idle, asks the coordinator for a task every `pollMs`; runs
 * it (taking `workMs` per document or per 10 postings of virtual time, so a
 * task can be caught by a crash or a pause); reports the output, and the
 * reply is its next task. It keeps no state between tasks, volatile or
 * durable: whatever a crash interrupts, the coordinator hands to someone else
 * after the timeout.
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

  /** One RPC to the coordinator, sent up to `attempts` times; undefined if no reply came. Never rejects: a rejected callback would crash the node. */
  async function call(body: OutgoingBody, attempts: number): Promise<GetTaskReply | undefined> {
    for (let attempt = 0; attempt < attempts; attempt++) {
      try {
        return (await node.rpc<GetTaskReply>(coordinator, body, { timeoutMs: rpcTimeoutMs })).body;
      } catch {
        // lost or slow (or the coordinator is down): send it again
      }
    }
    return undefined;
  }

  /** Acts on the coordinator's answer: works on a task (which takes virtual time, so a crash or a pause can catch it half done), or goes idle. */
  function follow(reply: GetTaskReply | undefined): void {
    if (reply?.type === "mr_task") {
      // The timer's callback returns its promise, so the runtime runs what follows the await at this virtual instant.
      node.setTimer(duration(reply.task), () => finish(reply.task));
      return;
    }
    if (reply?.type === "mr_exit") node.cancel(poller);
    busy = false;
  }

  /** Reports a finished task; the coordinator's reply is the next task, which saves a round trip per task. */
  async function finish(task: MapReduceTask): Promise<void> {
    follow(await call(compute(task), REPORT_ATTEMPTS));
  }

  async function askForWork(): Promise<void> {
    busy = true;
    follow(await call({ type: "mr_get_task" }, 1));
  }

  const poller = node.every(options.pollMs, () => (busy ? undefined : askForWork()));
}
