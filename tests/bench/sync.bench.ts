/**
 * What runtime/sync's Mutex and AtomicCounter cost against bare Atomics,
 * measured in one run on the same worker threads (compare the ratios, not the
 * absolutes: the machine is shared and noisy):
 *
 *   bare lock      compareExchange(0 -> 1) spin lock (test-and-test-and-set),
 *                  Atomics.store unlock: the cheapest correct lock, no sleeping
 *   Mutex          pardis Mutex.lock()/unlock() (Drepper futex mutex with owner tracking)
 *   Atomics.add    one atomic add on a shared Int32
 *   add + load     Atomics.add, then Atomics.load of a neighbouring slot: what
 *                  AtomicCounter does (it reads its waiter count after every
 *                  update, so waitUntil never misses a wake-up)
 *   AtomicCounter  pardis AtomicCounter.increment()
 *
 * Lock modes guard one plain increment (the critical section), so the final
 * count also says whether the lock excluded. Each mode runs on 1 thread
 * (uncontended) and on 2 threads hammering the same word (contended). Workers
 * start together behind a shared-memory gate; elapsed = last end - first start.
 * Iterations are calibrated per mode to ~TARGET_MS, then REPS repetitions run
 * with the modes interleaved, and the median counts.
 *
 * Prints a table and writes tests/artifacts/sync-bench.json. Reports only: no
 * assertion on any number. Needs the compiled runtime (`npm run bench` builds).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { bench, describe } from "vitest";
import { AtomicCounter, Mutex, sharedArray } from "../../runtime/sync/index.js";

const TARGET_MS = Number(process.env.BENCH_SYNC_TARGET_MS ?? 150);
const REPS = Number(process.env.BENCH_SYNC_REPS ?? 7);

type Mode = "bare-lock" | "mutex" | "atomics-add" | "atomics-add-load" | "counter";
const MODES: Array<{ mode: Mode; label: string; unit: string }> = [
  { mode: "bare-lock", label: "bare CAS lock / store unlock", unit: "pairs/s" },
  { mode: "mutex", label: "Mutex.lock() / unlock()", unit: "pairs/s" },
  { mode: "atomics-add", label: "bare Atomics.add", unit: "ops/s" },
  { mode: "atomics-add-load", label: "bare Atomics.add + Atomics.load", unit: "ops/s" },
  { mode: "counter", label: "AtomicCounter.increment()", unit: "ops/s" },
];
const THREADS = [1, 2] as const;

// ctrl: [0] workers ready, [1] go (round number). data: Int32 slots 64 bytes apart.
const CTRL_READY = 0;
const CTRL_GO = 1;
const LOCK = 0;
const GUARDED = 16;
const COUNT = 32;

const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
(async () => {
  const sync = await import(workerData.syncUrl);
  const { ctrl, data } = workerData;
  const mutex = sync.Mutex.from(workerData.mutex);
  const counter = sync.AtomicCounter.from(workerData.counter);
  const LOCK = ${LOCK}, GUARDED = ${GUARDED}, COUNT = ${COUNT};
  const loops = {
    "bare-lock"(n) {
      for (let i = 0; i < n; i++) {
        for (;;) {
          if (Atomics.compareExchange(data, LOCK, 0, 1) === 0) break;
          while (Atomics.load(data, LOCK) !== 0) {}
        }
        data[GUARDED]++;
        Atomics.store(data, LOCK, 0);
      }
    },
    mutex(n) {
      for (let i = 0; i < n; i++) {
        mutex.lock();
        data[GUARDED]++;
        mutex.unlock();
      }
    },
    "atomics-add"(n) {
      for (let i = 0; i < n; i++) Atomics.add(data, COUNT, 1);
    },
    "atomics-add-load"(n) {
      let waiters = 0;
      for (let i = 0; i < n; i++) {
        Atomics.add(data, COUNT, 1);
        waiters |= Atomics.load(data, COUNT + 1);
      }
      return waiters;
    },
    counter(n) {
      for (let i = 0; i < n; i++) counter.increment();
    },
  };
  parentPort.on("message", (job) => {
    Atomics.add(ctrl, ${CTRL_READY}, 1);
    Atomics.notify(ctrl, ${CTRL_READY});
    for (let go = Atomics.load(ctrl, ${CTRL_GO}); go < job.round; go = Atomics.load(ctrl, ${CTRL_GO})) Atomics.wait(ctrl, ${CTRL_GO}, go);
    const t0 = process.hrtime.bigint();
    loops[job.mode](job.iters);
    const t1 = process.hrtime.bigint();
    parentPort.postMessage({ t0, t1 });
  });
  parentPort.postMessage("ready");
})();
`;

interface Sample {
  ms: number;
  exact: boolean;
}

class Harness {
  readonly ctrl = sharedArray(Int32Array, 2);
  readonly data = sharedArray(Int32Array, 64);
  readonly mutex = new Mutex();
  readonly counter = new AtomicCounter();
  readonly workers: Worker[] = [];
  #round = 0;

  async start(): Promise<void> {
    const syncUrl = new URL("../../dist/runtime/sync/index.js", import.meta.url).href;
    for (let i = 0; i < 2; i++) {
      const worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: { syncUrl, ctrl: this.ctrl, data: this.data, mutex: structuredClone(this.mutex), counter: structuredClone(this.counter) },
      });
      await new Promise((resolve, reject) => {
        worker.once("message", resolve);
        worker.once("error", reject);
      });
      this.workers.push(worker);
    }
  }

  async run(mode: Mode, threads: number, iters: number): Promise<Sample> {
    this.data.fill(0);
    this.counter.store(0);
    Atomics.store(this.ctrl, CTRL_READY, 0);
    const round = ++this.#round;
    const ws = this.workers.slice(0, threads);
    const done = ws.map((w) => new Promise<{ t0: bigint; t1: bigint }>((resolve) => w.once("message", resolve)));
    for (const w of ws) w.postMessage({ mode, iters, round });
    for (let ready = Atomics.load(this.ctrl, CTRL_READY); ready < threads; ready = Atomics.load(this.ctrl, CTRL_READY)) {
      const waited = (Atomics as unknown as { waitAsync(a: Int32Array, i: number, v: number): { async: boolean; value: unknown } }).waitAsync(this.ctrl, CTRL_READY, ready);
      if (waited.async) await waited.value;
    }
    Atomics.store(this.ctrl, CTRL_GO, round);
    Atomics.notify(this.ctrl, CTRL_GO);
    const times = await Promise.all(done);
    const t0 = times.reduce((min, t) => (t.t0 < min ? t.t0 : min), times[0]!.t0);
    const t1 = times.reduce((max, t) => (t.t1 > max ? t.t1 : max), times[0]!.t1);
    const expected = threads * iters;
    const final = mode === "atomics-add" || mode === "atomics-add-load" ? this.data[COUNT] : mode === "counter" ? this.counter.value : this.data[GUARDED];
    return { ms: Number(t1 - t0) / 1e6, exact: final === expected };
  }

  async calibrate(mode: Mode, threads: number): Promise<number> {
    let iters = 10_000;
    for (;;) {
      const { ms } = await this.run(mode, threads, iters);
      if (ms >= TARGET_MS / 5 || iters >= 2 ** 28) return Math.max(1, Math.round((iters * TARGET_MS) / Math.max(ms, 0.001)));
      iters *= 4;
    }
  }

  async stop(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const fmtRate = (perSec: number) => (perSec >= 1e6 ? `${(perSec / 1e6).toFixed(1)}M` : `${(perSec / 1e3).toFixed(1)}k`);

interface Row {
  mode: Mode;
  label: string;
  unit: string;
  threads: number;
  iters: number;
  perSecMedian: number;
  perSecSamples: number[];
  nsPerOpMedian: number;
  allExact: boolean;
}

async function measure(): Promise<void> {
  const harness = new Harness();
  await harness.start();
  const startedAt = new Date().toISOString();
  const loadAtStart = loadavg();
  const rows: Row[] = [];
  try {
    for (const threads of THREADS) {
      const iters = new Map<Mode, number>();
      for (const { mode } of MODES) iters.set(mode, await harness.calibrate(mode, threads));
      const samples = new Map<Mode, Sample[]>(MODES.map(({ mode }) => [mode, []]));
      for (let rep = 0; rep < REPS; rep++) {
        for (const { mode } of MODES) samples.get(mode)!.push(await harness.run(mode, threads, iters.get(mode)!));
      }
      for (const { mode, label, unit } of MODES) {
        const n = iters.get(mode)!;
        const perSec = samples.get(mode)!.map((s) => (threads * n) / (s.ms / 1000));
        const perSecMedian = median(perSec);
        rows.push({ mode, label, unit, threads, iters: n, perSecMedian, perSecSamples: perSec, nsPerOpMedian: 1e9 / perSecMedian, allExact: samples.get(mode)!.every((s) => s.exact) });
      }
    }
  } finally {
    await harness.stop();
  }

  const rowOf = (mode: Mode, threads: number) => rows.find((r) => r.mode === mode && r.threads === threads)!;
  const ratios = THREADS.flatMap((threads) => [
    { name: `Mutex / bare lock, ${threads === 1 ? "uncontended" : "2 threads contended"}`, threads, value: rowOf("mutex", threads).perSecMedian / rowOf("bare-lock", threads).perSecMedian },
    { name: `AtomicCounter / Atomics.add, ${threads === 1 ? "uncontended" : "2 threads contended"}`, threads, value: rowOf("counter", threads).perSecMedian / rowOf("atomics-add", threads).perSecMedian },
    { name: `AtomicCounter / Atomics.add + load, ${threads === 1 ? "uncontended" : "2 threads contended"}`, threads, value: rowOf("counter", threads).perSecMedian / rowOf("atomics-add-load", threads).perSecMedian },
  ]);

  const out = (text: string) => process.stdout.write(text);
  const header = ["", "threads", "median", "ns/op", "exact"];
  const table = rows.map((r) => [r.label, String(r.threads), `${fmtRate(r.perSecMedian)} ${r.unit}`, r.nsPerOpMedian.toFixed(1), r.allExact ? "yes" : "NO"]);
  const widths = header.map((_, c) => Math.max(header[c]!.length, ...table.map((row) => row[c]!.length)));
  const line = (row: string[]) => row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join("  ");
  out(`\n=== runtime/sync benchmark (node ${process.version}, ${cpus().length} cpus, load ${loadAtStart.map((l) => l.toFixed(2)).join(" ")}; ${REPS} reps of ~${TARGET_MS} ms, median) ===\n`);
  out(`${line(header)}\n${table.map(line).join("\n")}\n\n`);
  for (const ratio of ratios) out(`${ratio.name.padEnd(56)} ${ratio.value.toFixed(2)}x throughput\n`);
  out("(ratios are throughput against the bare Atomics loop measured in the same run; 1.00x = no overhead)\n");

  const file = fileURLToPath(new URL("../artifacts/sync-bench.json", import.meta.url));
  mkdirSync(fileURLToPath(new URL("../artifacts/", import.meta.url)), { recursive: true });
  writeFileSync(
    file,
    `${JSON.stringify(
      {
        startedAt,
        environment: { node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model, loadavgAtStart: loadAtStart },
        parameters: { targetMs: TARGET_MS, reps: REPS, criticalSection: "one plain increment of a shared Int32" },
        rows,
        ratios,
      },
      null,
      2,
    )}\n`,
  );
  out(`[bench] wrote ${file}\n`);
}

let done: Promise<void> | undefined;

describe("sync", () => {
  bench(
    "Mutex and AtomicCounter against bare Atomics, uncontended and 2 threads contended",
    async () => {
      // tinybench may call the function more than once; measure once.
      await (done ??= measure());
    },
    { iterations: 1, time: 0, warmupIterations: 0, warmupTime: 0, throws: true },
  );
});
