/**
 * Worker thread of raceDemo: each job increments one shared counter the way
 * its mode says, starting behind a gate so all workers run at the same time.
 */
import { parentPort } from "node:worker_threads";
import type { RaceJob } from "./race-demo.js";
import { reviveShared } from "./revive.js";

function increment(job: RaceJob): void {
  const { counter, mutex, atomic, increments } = job;
  switch (job.mode) {
    case "plain":
      // A read, an add and a write: another thread's write between this
      // thread's read and write is overwritten, and its increment is lost.
      for (let i = 0; i < increments; i++) counter[0] = counter[0]! + 1;
      break;
    case "mutex":
      for (let i = 0; i < increments; i++) {
        mutex.lock();
        counter[0] = counter[0]! + 1;
        mutex.unlock();
      }
      break;
    case "atomic":
      for (let i = 0; i < increments; i++) atomic.increment();
      break;
  }
}

parentPort!.on("message", (message: RaceJob) => {
  const job = reviveShared(message);
  job.ready.countDown();
  job.start.wait();
  const startedMs = performance.now();
  increment(job);
  parentPort!.postMessage({ ms: performance.now() - startedMs });
});
