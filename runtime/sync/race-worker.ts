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
      // The read and the write each go to memory (Atomics.load, Atomics.store):
      // with `counter[0] = counter[0] + 1` the JIT may keep the counter in a
      // register for the whole loop (one read before it, one write after), so a
      // run lost nothing or exactly one thread's work, never the per-increment
      // race this demo is about. Each access being atomic does not make the
      // read-then-write atomic: that is the lesson.
      for (let i = 0; i < increments; i++) {
        const seen = Atomics.load(counter, 0);
        Atomics.store(counter, 0, seen + 1);
      }
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
