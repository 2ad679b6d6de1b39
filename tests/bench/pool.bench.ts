/**
 * pardis pools against raw piscina, measured in the same run on the same
 * machine (compare ratios, not absolutes: the machine is shared and noisy).
 * Raw piscina gets the same settings the pool gives it (threads fixed, one
 * task per worker at a time, no timing histograms), so a ratio is the cost of
 * what the pool adds: source shipping, its own queue, trace records, output
 * routing, error capture.
 *
 *   map, one task per item    pool.map(f, items, { chunkSize: 1 }) against
 *                             Promise.all(items.map((x) => piscina.run(x)))
 *                             with f predefined in the worker        ≤ 1.2x
 *   map, chunks of 1000       pool.map(f, items, { chunkSize: 1000 }) against
 *                             piscina.run(chunk) of a worker that maps f   ≤ 1.2x
 *   shipped function          a burst of pool.run(f, i), f written here, against
 *                             piscina.run(i) of a predefined function, 1 thread  ≤ 1.1x
 *   shipping alone            the same burst against pool.run("tiny.mjs#tiny", i)
 *                             in the same kind of pool: what source shipping
 *                             costs over a worker module, pool costs aside   ≤ 1.1x
 *   CPU-bound speedup         primes in 48 chunks, pool of all cores against a
 *                             1-worker pool (efficiency = speedup / cores)   ≥ 0.9
 *
 * Variants alternate within each round and each round gives its own ratio;
 * the report shows medians over rounds. Prints a table and writes
 * tests/artifacts/pool-bench.json. Reports only: no assertion on any number.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { Piscina } from "piscina";
import { bench, describe } from "vitest";
import { createPool, type Pool } from "../../dist/runtime/index.js";
import { median, quantile } from "./stats.js";

const ROUNDS = Number(process.env.BENCH_POOL_ROUNDS ?? 21);
const UNCHUNKED_ITEMS = Number(process.env.BENCH_POOL_UNCHUNKED_ITEMS ?? 5_000);
const CHUNKED_ITEMS = Number(process.env.BENCH_POOL_CHUNKED_ITEMS ?? 200_000);
const CHUNK = 1000;
const RUN_TASKS = Number(process.env.BENCH_POOL_RUN_TASKS ?? 3_000);
const PRIMES_UP_TO = Number(process.env.BENCH_POOL_PRIMES ?? 4_000_000);
const PRIME_CHUNKS = 48;
const MAP_THREADS = Math.min(2, availableParallelism());

const out = (text: string) => process.stdout.write(text);

// ---------------------------------------------------------------- the work, written once

/** The tiny per-item function of the map figures. */
const tiny = (x: number) => x * 2 + 1;

/** CPU-bound work: primes in [lo, hi) by trial division (the anchors' kernel). */
const countPrimes = ({ lo, hi }: { lo: number; hi: number }) => {
  let count = 0;
  for (let n = Math.max(lo, 2); n < hi; n++) {
    if (n < 4) {
      count++;
      continue;
    }
    if ((n & 1) === 0) continue;
    let prime = true;
    for (let d = 3; d * d <= n; d += 2) {
      if (n % d === 0) {
        prime = false;
        break;
      }
    }
    if (prime) count++;
  }
  return count;
};

/** Raw piscina's predefined workers: the same functions, in a module. */
function writeRawWorkers(dir: string): { tinyFile: string; chunkFile: string; primesFile: string } {
  const tinyFile = join(dir, "tiny.mjs");
  const chunkFile = join(dir, "tiny-chunk.mjs");
  const primesFile = join(dir, "primes.mjs");
  writeFileSync(tinyFile, `const tiny = ${tiny.toString()};\nexport default tiny;\nexport { tiny };\n`);
  writeFileSync(chunkFile, `const tiny = ${tiny.toString()};\nexport default function mapChunk(chunk) { return chunk.map((x) => tiny(x)); }\n`);
  writeFileSync(primesFile, `const countPrimes = ${countPrimes.toString()};\nexport default countPrimes;\n`);
  return { tinyFile, chunkFile, primesFile };
}

function rawPool(file: string, threads: number): Piscina {
  return new Piscina({
    filename: pathToFileURL(file).href,
    minThreads: threads,
    maxThreads: threads,
    idleTimeout: Infinity,
    concurrentTasksPerWorker: 1,
    recordTiming: false,
  });
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

interface Pair {
  /** ms per round. */
  rawMs: number[];
  poolMs: number[];
  /** pool / raw, per round. */
  ratios: number[];
}

/** Runs both variants ROUNDS + 1 times (the first round warms up), alternating which goes first. */
async function pairedRounds(raw: () => Promise<unknown>, pool: () => Promise<unknown>): Promise<Pair> {
  const pair: Pair = { rawMs: [], poolMs: [], ratios: [] };
  for (let round = 0; round <= ROUNDS; round++) {
    let rawMs: number;
    let poolMs: number;
    if (round % 2 === 0) {
      rawMs = await timed(raw);
      poolMs = await timed(pool);
    } else {
      poolMs = await timed(pool);
      rawMs = await timed(raw);
    }
    if (round === 0) continue;
    pair.rawMs.push(rawMs);
    pair.poolMs.push(poolMs);
    pair.ratios.push(poolMs / rawMs);
  }
  return pair;
}

// ---------------------------------------------------------------- figures

interface Figure {
  key: string;
  measure: string;
  unit: string;
  raw: number;
  pool: number;
  /** The compared quantity: pool/raw for overheads, efficiency for speedup (median over rounds). */
  value: number;
  /** Its first and third quartile over rounds: how much the machine's noise moved it. */
  spread: [number, number];
  target: string;
  met: boolean;
  rounds: Pair;
  /** What the baseline column holds when it is not raw piscina. */
  rawLabel?: string;
}

async function mapUnchunked(files: ReturnType<typeof writeRawWorkers>): Promise<Figure> {
  const items = Array.from({ length: UNCHUNKED_ITEMS }, (_, i) => i);
  const raw = rawPool(files.tinyFile, MAP_THREADS);
  const pool = createPool({ threads: MAP_THREADS, progress: false });
  try {
    const rounds = await pairedRounds(
      () => Promise.all(items.map((x) => raw.run(x))),
      () => pool.map(tiny, items, { chunkSize: 1 }),
    );
    return overheadFigure("mapUnchunkedNsPerItem", `map of ${UNCHUNKED_ITEMS} tiny items, one task per item, ${MAP_THREADS} threads`, UNCHUNKED_ITEMS, rounds, 1.2);
  } finally {
    await Promise.all([raw.destroy(), pool.close()]);
  }
}

async function mapChunked(files: ReturnType<typeof writeRawWorkers>): Promise<Figure> {
  const items = Array.from({ length: CHUNKED_ITEMS }, (_, i) => i);
  const raw = rawPool(files.chunkFile, MAP_THREADS);
  const pool = createPool({ threads: MAP_THREADS, progress: false });
  try {
    const rounds = await pairedRounds(
      async () => {
        const chunks: number[][] = [];
        for (let i = 0; i < items.length; i += CHUNK) chunks.push(items.slice(i, i + CHUNK));
        return (await Promise.all(chunks.map((chunk) => raw.run(chunk)))).flat();
      },
      () => pool.map(tiny, items, { chunkSize: CHUNK }),
    );
    return overheadFigure("mapChunkedNsPerItem", `map of ${CHUNKED_ITEMS} tiny items, ${CHUNK} per task, ${MAP_THREADS} threads`, CHUNKED_ITEMS, rounds, 1.2);
  } finally {
    await Promise.all([raw.destroy(), pool.close()]);
  }
}

async function shippedFunction(files: ReturnType<typeof writeRawWorkers>): Promise<Figure> {
  const raw = rawPool(files.tinyFile, 1);
  const pool: Pool = createPool({ threads: 1, progress: false });
  try {
    const rounds = await pairedRounds(
      () => {
        const pending: Array<Promise<unknown>> = [];
        for (let i = 0; i < RUN_TASKS; i++) pending.push(raw.run(i));
        return Promise.all(pending);
      },
      () => {
        const pending: Array<Promise<unknown>> = [];
        for (let i = 0; i < RUN_TASKS; i++) pending.push(pool.run(tiny, i));
        return Promise.all(pending);
      },
    );
    return overheadFigure("shippedFunctionUsPerTask", `${RUN_TASKS} pool.run(f, i) at once, f shipped as source, against a predefined worker function, 1 thread`, RUN_TASKS / 1000, rounds, 1.1, "µs/task");
  } finally {
    await Promise.all([raw.destroy(), pool.close()]);
  }
}

async function shippingAlone(files: ReturnType<typeof writeRawWorkers>): Promise<Figure> {
  const pool: Pool = createPool({ threads: 1, progress: false });
  const moduleRef = `${files.tinyFile}#tiny`;
  const burst = (task: typeof tiny | string) => () => {
    const pending: Array<Promise<unknown>> = [];
    for (let i = 0; i < RUN_TASKS; i++) pending.push(pool.run(task as typeof tiny, i));
    return Promise.all(pending);
  };
  try {
    const rounds = await pairedRounds(burst(moduleRef), burst(tiny));
    const figure = overheadFigure("shippingAloneUsPerTask", `${RUN_TASKS} pool.run(f, i) at once, f shipped as source, against the same pool running f from a module, 1 thread`, RUN_TASKS / 1000, rounds, 1.1, "µs/task");
    return { ...figure, rawLabel: "pool, module" };
  } finally {
    await pool.close();
  }
}

function overheadFigure(key: string, measure: string, per: number, rounds: Pair, limit: number, unit = "ns/item"): Figure {
  const scale = unit === "ns/item" ? 1e6 / per : 1 / per;
  const ratio = median(rounds.ratios);
  return {
    key,
    measure,
    unit,
    raw: median(rounds.rawMs) * scale,
    pool: median(rounds.poolMs) * scale,
    value: ratio,
    spread: [quantile(rounds.ratios, 0.25), quantile(rounds.ratios, 0.75)],
    target: `pool/raw ≤ ${limit}`,
    met: ratio <= limit,
    rounds,
  };
}

async function cpuSpeedup(): Promise<Figure> {
  const cores = availableParallelism();
  const chunks = Array.from({ length: PRIME_CHUNKS }, (_, i) => ({
    lo: Math.floor((i * PRIMES_UP_TO) / PRIME_CHUNKS),
    hi: Math.floor(((i + 1) * PRIMES_UP_TO) / PRIME_CHUNKS),
  }));
  const one = createPool({ threads: 1, progress: false });
  const all = createPool({ threads: cores, progress: false });
  try {
    // Speedup rounds: the 1-worker pool is the baseline ("raw"), the all-cores pool the variant; ratio = T(all)/T(1).
    const rounds = await pairedRounds(
      () => one.map(countPrimes, chunks, { chunkSize: 1 }),
      () => all.map(countPrimes, chunks, { chunkSize: 1 }),
    );
    const speedups = rounds.ratios.map((r) => 1 / r);
    const efficiency = median(speedups) / cores;
    return {
      rawLabel: "1-worker pool",
      key: "cpuSpeedupEfficiency",
      measure: `primes below ${PRIMES_UP_TO} in ${PRIME_CHUNKS} tasks on ${cores} workers (ratio = median speedup / ${cores})`,
      unit: "ms",
      raw: median(rounds.rawMs),
      pool: median(rounds.poolMs),
      value: efficiency,
      spread: [quantile(speedups, 0.25) / cores, quantile(speedups, 0.75) / cores],
      target: "efficiency ≥ 0.9",
      met: efficiency >= 0.9,
      rounds,
    };
  } finally {
    await Promise.all([one.close(), all.close()]);
  }
}

// ---------------------------------------------------------------- report

function table(figures: Figure[]): string {
  const rows = [
    ["figure", "unit", "baseline (raw piscina)", "pardis pool", "ratio", "q1..q3", "target", "met"],
    ...figures.map((f) => [
      f.rawLabel ? `${f.measure} (baseline: ${f.rawLabel})` : f.measure,
      f.unit,
      f.raw.toFixed(f.unit === "ms" ? 0 : 2),
      f.pool.toFixed(f.unit === "ms" ? 0 : 2),
      f.value.toFixed(3),
      `${f.spread[0].toFixed(2)}..${f.spread[1].toFixed(2)}`,
      f.target,
      f.met ? "yes" : "NO",
    ]),
  ];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join(" | ")).join("\n");
}

async function measure(): Promise<void> {
  const startedAt = new Date().toISOString();
  const load = loadavg();
  const dir = mkdtempSync(join(tmpdir(), "pardis-pool-bench-"));
  const figures: Figure[] = [];
  try {
    const files = writeRawWorkers(dir);
    out(`[bench] pool: ${ROUNDS} rounds per figure\n`);
    figures.push(await mapUnchunked(files));
    figures.push(await mapChunked(files));
    figures.push(await shippedFunction(files));
    figures.push(await shippingAlone(files));
    figures.push(await cpuSpeedup());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const env = `node ${process.version}, ${availableParallelism()} cores available (${cpus()[0]?.model ?? "?"}), load ${load.map((l) => l.toFixed(2)).join(" ")} at start`;
  out(`\n=== Pool benchmark (${env}) ===\n`);
  out("Ratios are per round (variants alternate within a round): median and quartiles over rounds. Raw piscina has the pool's own settings.\n\n");
  out(`${table(figures)}\n\n`);
  const artifacts = join(import.meta.dirname, "..", "artifacts");
  mkdirSync(artifacts, { recursive: true });
  writeFileSync(
    join(artifacts, "pool-bench.json"),
    `${JSON.stringify(
      {
        startedAt,
        environment: { node: process.version, cores: availableParallelism(), cpuModel: cpus()[0]?.model, loadavgAtStart: load },
        parameters: { rounds: ROUNDS, unchunkedItems: UNCHUNKED_ITEMS, chunkedItems: CHUNKED_ITEMS, chunk: CHUNK, runTasks: RUN_TASKS, primesUpTo: PRIMES_UP_TO, primeChunks: PRIME_CHUNKS, mapThreads: MAP_THREADS },
        figures: Object.fromEntries(
          figures.map((f) => [
            f.key,
            { measure: f.measure, unit: f.unit, baseline: f.rawLabel ?? "raw piscina", raw: f.raw, pool: f.pool, value: f.value, quartiles: f.spread, target: f.target, met: f.met, perRound: f.rounds },
          ]),
        ),
      },
      null,
      2,
    )}\n`,
  );
}

describe("pool", () => {
  bench("pardis pool against raw piscina (one measured run; see the table)", measure, {
    iterations: 1,
    time: 0,
    warmupIterations: 0,
    warmupTime: 0,
    throws: true,
  });
});
