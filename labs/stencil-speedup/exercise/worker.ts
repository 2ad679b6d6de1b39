/**
 * One worker thread of the team: loads the submission (confined like the
 * main thread's), then runs the learner's `stencilWorker` once per order,
 * with a context built from the order's shared buffers.
 */
import { parentPort, workerData } from "node:worker_threads";
import { loadSubmission } from "../../../grader/runner/load-submission.js";
import type { StencilContext, StencilWorker } from "./api.js";
import { mailboxOf } from "./mailboxes.js";
import type { RunOrder, WorkerReport, WorkerSetup } from "./messages.js";
import { BarrierBroken, stepBarrier } from "./step-barrier.js";

const setup = workerData as WorkerSetup;
const port = parentPort!;
const report = (message: WorkerReport) => port.postMessage(message);

function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

let stencilWorker: StencilWorker | undefined;
let loadError: string | undefined;
try {
  const exports = loadSubmission(setup.code, { confined: setup.confined });
  const candidate = exports.stencilWorker;
  if (typeof candidate === "function") stencilWorker = candidate as StencilWorker;
  else loadError = "the submission's stencilWorker is not a function";
} catch (error) {
  loadError = `loading the submission failed: ${describe(error)}`;
}

const barrier = stepBarrier(new Int32Array(setup.barrier), setup.workers);
const pause = new Int32Array(new SharedArrayBuffer(4));

function contextFor(order: RunOrder): StencilContext {
  const { id, workers } = setup;
  return Object.freeze({
    id,
    workers,
    rows: order.rows,
    cols: order.cols,
    steps: order.steps,
    initial: new Int32Array(order.initial),
    result: new Int32Array(order.result),
    inbox: mailboxOf(order.mailboxes, id, order.cols),
    up: mailboxOf(order.mailboxes, (id - 1 + workers) % workers, order.cols),
    down: mailboxOf(order.mailboxes, (id + 1) % workers, order.cols),
    barrier,
  });
}

port.on("message", async (order: RunOrder) => {
  if (loadError !== undefined || !stencilWorker) {
    report({ type: "failed", message: loadError ?? "no stencilWorker", brokenBarrier: false });
    return;
  }
  const context = contextFor(order);
  // Widens the window a missing barrier leaves open: worker w starts w × staggerMs later.
  if (order.staggerMs > 0 && setup.id > 0) Atomics.wait(pause, 0, 0, setup.id * order.staggerMs);
  try {
    await stencilWorker(context);
    report({ type: "done" });
  } catch (error) {
    report({ type: "failed", message: describe(error), brokenBarrier: error instanceof BarrierBroken });
  }
});

report({ type: "ready" });
