/**
 * The lost-update race, shown with real threads: several workers increment one
 * shared counter by reading it and writing back one more (each access to
 * memory, the read-then-write unprotected), then under a Mutex, then with an
 * AtomicCounter. Only the plain version loses increments,
 * and how many depends on how often the threads really ran at the same time.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { AtomicCounter } from "./atomic-counter.js";
import { checkCount, checkOptions } from "./checks.js";
import { Latch } from "./latch.js";
import { Mutex } from "./mutex.js";
import { sharedArray } from "./shared-array.js";

export type RaceMode = "plain" | "mutex" | "atomic";

/** @internal What each worker of the demo gets for one mode. */
export interface RaceJob {
  mode: RaceMode;
  increments: number;
  counter: Int32Array;
  mutex: Mutex;
  atomic: AtomicCounter;
  ready: Latch;
  start: Latch;
}

export interface RaceDemoOptions {
  /** Worker threads incrementing at once. @default 4 */
  workers?: number;
  /** Increments per worker and mode. @default 1_000_000 */
  increments?: number;
}

export interface RaceOutcome {
  /** What the counter ended at. */
  final: number;
  /** Increments that vanished: workers × increments − final. */
  lost: number;
  /** Wall time from opening the start gate until the last worker finished. */
  ms: number;
}

export interface RaceDemoResult {
  workers: number;
  increments: number;
  /** workers × increments: what every correct version ends at. */
  expected: number;
  plain: RaceOutcome;
  mutex: RaceOutcome;
  atomic: RaceOutcome;
}

const MODES: Array<[RaceMode, string]> = [
  ["plain", "unprotected: seen = load(counter); store(counter, seen + 1)"],
  ["mutex", "mutex.lock(); counter[0] += 1; mutex.unlock()"],
  ["atomic", "atomicCounter.increment()"],
];

/**
 * Runs the three versions one after another on the same worker threads and
 * returns what each counter ended at. The result renders as a table in a
 * notebook (and prints as one in a terminal).
 */
export async function raceDemo(options?: RaceDemoOptions): Promise<RaceDemoResult> {
  const { workers = 4, increments = 1_000_000 } = checkOptions("raceDemo", options) as RaceDemoOptions;
  checkCount("raceDemo", "options.workers", workers, 1, 64);
  checkCount("raceDemo", "options.increments", increments, 1, Math.floor(0x7fff_ffff / workers));
  const script = new URL("./race-worker.js", import.meta.url);
  if (!existsSync(fileURLToPath(script))) {
    throw new Error(`raceDemo runs its workers from the compiled runtime, and ${fileURLToPath(script)} is missing: run npm run build`);
  }
  const threads = Array.from({ length: workers }, () => new Worker(script));
  try {
    const outcome = async (mode: RaceMode): Promise<RaceOutcome> => {
      const job: RaceJob = {
        mode,
        increments,
        counter: sharedArray(Int32Array, 1),
        mutex: new Mutex(),
        atomic: new AtomicCounter(),
        ready: new Latch(workers),
        start: new Latch(1),
      };
      const finished = threads.map((thread) => nextMessage(thread));
      for (const thread of threads) thread.postMessage(job);
      // All workers block on the gate before any starts, so they overlap as
      // much as the machine allows instead of one finishing before the next starts.
      await job.ready.waitAsync();
      const openedMs = performance.now();
      job.start.countDown();
      await Promise.all(finished);
      const ms = performance.now() - openedMs;
      const final = mode === "atomic" ? job.atomic.value : Atomics.load(job.counter, 0);
      return { final, lost: workers * increments - final, ms };
    };
    const result: RaceDemoResult = {
      workers,
      increments,
      expected: workers * increments,
      plain: await outcome("plain"),
      mutex: await outcome("mutex"),
      atomic: await outcome("atomic"),
    };
    return Object.defineProperties(result, {
      [Symbol.for("Jupyter.display")]: { value: () => raceBundle(result), enumerable: false },
      [Symbol.for("nodejs.util.inspect.custom")]: { value: () => raceText(result), enumerable: false },
    });
  } finally {
    await Promise.all(threads.map((thread) => thread.terminate()));
  }
}

function nextMessage(worker: Worker): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: unknown) => {
      worker.off("error", onError);
      resolve(message);
    };
    const onError = (error: unknown) => {
      worker.off("message", onMessage);
      reject(error);
    };
    worker.once("message", onMessage);
    worker.once("error", onError);
  });
}

function rows(result: RaceDemoResult): string[][] {
  return MODES.map(([mode, label]) => {
    const { final, lost, ms } = result[mode];
    const share = ((100 * lost) / result.expected).toFixed(1);
    return [label, String(final), `${lost} (${share}%)`, ms.toFixed(1)];
  });
}

const HEADER = ["increment", "final count", "lost updates", "ms"];

function raceText(result: RaceDemoResult): string {
  const table = [HEADER, ...rows(result)];
  const widths = HEADER.map((_, column) => Math.max(...table.map((row) => row[column]!.length)));
  const lines = table.map((row) => row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join("  "));
  return [`${result.workers} workers x ${result.increments} increments = ${result.expected} expected`, ...lines].join("\n");
}

function raceBundle(result: RaceDemoResult): Record<string, string> {
  const escape = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;");
  const cells = (row: string[], tag: string) => row.map((cell, i) => `<${tag} style="text-align:${i === 0 ? "left" : "right"}">${escape(cell)}</${tag}>`).join("");
  const html =
    `<p>${result.workers} workers × ${result.increments} increments = ${result.expected} expected</p>` +
    `<table><thead><tr>${cells(HEADER, "th")}</tr></thead><tbody>` +
    rows(result).map((row) => `<tr>${cells(row, "td")}</tr>`).join("") +
    `</tbody></table>`;
  return { "text/plain": raceText(result), "text/html": html };
}
