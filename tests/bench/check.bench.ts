/**
 * How fast the linearizability checker judges a history of 10,000 operations
 * over 10 keys (the target: under 1 s), generated linearizable by
 * construction with several client counts and shares of `info` operations,
 * and the same histories made non-linearizable by one stale read near the end
 * (time to the verdict including the shrunk witness). Generation is not timed.
 * Each figure is the median of ROUNDS runs. Prints a table and writes
 * tests/artifacts/check-bench.json. Reports only: no assertion on any number.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg } from "node:os";
import { join } from "node:path";
import { bench, describe } from "vitest";
import { checkLinearizability, generateHistory, type CheckVerdict, type HistoryOperation } from "../../dist/runtime/index.js";

const ROUNDS = Number(process.env.BENCH_CHECK_ROUNDS ?? 7);
const OPERATIONS = Number(process.env.BENCH_CHECK_OPERATIONS ?? 10_000);
const KEYS = 10;
const TARGET_MS = 1000;
const SHAPES = [
  { clients: 5, infoRate: 0 },
  { clients: 10, infoRate: 0.02 },
  { clients: 10, infoRate: 0.1 },
];

const out = (text: string) => process.stdout.write(text);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** One read, late in the history, changed to a value its key held earlier and lost for good before the read began. */
function withStaleRead(history: HistoryOperation[]): { history: HistoryOperation[]; readId: number } {
  const writes = history.filter((o) => o.f === "write" && o.outcome === "ok");
  const reads = history.filter((o) => o.f === "read" && o.outcome === "ok");
  for (const read of reads.slice(Math.floor(reads.length * 0.9))) {
    const sameKey = writes.filter((w) => w.key === read.key && w.completeMs! < read.invokeMs);
    const old = sameKey.find((w1) => sameKey.some((w2) => w2.invokeMs > w1.completeMs!) && w1.input !== read.output);
    if (old !== undefined) return { history: history.map((o) => (o === read ? { ...o, output: old.input } : o)), readId: read.id };
  }
  throw new Error("no read to make stale");
}

interface Figure {
  shape: string;
  variant: "linearizable" | "stale read";
  medianMs: number;
  minMs: number;
  maxMs: number;
  verdict: Pick<CheckVerdict, "ok" | "anomaly" | "unknown" | "witness">;
  steps: unknown;
  met?: boolean;
}

function time(history: HistoryOperation[]): { ms: number[]; verdict: CheckVerdict } {
  const ms: number[] = [];
  let verdict!: CheckVerdict;
  for (let round = 0; round < ROUNDS; round++) {
    const start = performance.now();
    verdict = checkLinearizability(history);
    ms.push(performance.now() - start);
  }
  return { ms, verdict };
}

async function measure(): Promise<void> {
  const startedAt = new Date().toISOString();
  const load = loadavg();
  const figures: Figure[] = [];
  for (const { clients, infoRate } of SHAPES) {
    const shape = `${OPERATIONS} ops, ${KEYS} keys, ${clients} clients, ${infoRate * 100}% info`;
    const history = generateHistory({ seed: 42, operations: OPERATIONS, keys: KEYS, clients, infoRate });
    const stale = withStaleRead(history);
    for (const [variant, h] of [["linearizable", history], ["stale read", stale.history]] as const) {
      const { ms, verdict } = time(h);
      figures.push({
        shape,
        variant,
        medianMs: median(ms),
        minMs: Math.min(...ms),
        maxMs: Math.max(...ms),
        verdict: { ok: verdict.ok, anomaly: verdict.anomaly, unknown: verdict.unknown, witness: verdict.witness },
        steps: verdict.details?.steps,
        met: variant === "linearizable" ? median(ms) < TARGET_MS : undefined,
      });
    }
  }
  const env = `node ${process.version}, ${availableParallelism()} cores available (${cpus()[0]?.model ?? "?"}), load ${load.map((l) => l.toFixed(2)).join(" ")} at start`;
  out(`\n=== Checker benchmark (${env}) ===\nMedian of ${ROUNDS} runs; target for linearizable histories: < ${TARGET_MS} ms.\n\n`);
  const rows = figures.map((f) =>
    [
      f.shape.padEnd(44),
      f.variant.padEnd(13),
      `${f.medianMs.toFixed(0)} ms`.padStart(8),
      `[${f.minMs.toFixed(0)}, ${f.maxMs.toFixed(0)}]`.padEnd(12),
      f.verdict.ok ? "ok" : `${f.verdict.anomaly ?? "unknown"} (witness ${f.verdict.witness?.length ?? 0} ops)`,
      f.met === undefined ? "" : f.met ? "met" : "MISSED",
    ].join("  "),
  );
  out(`${rows.join("\n")}\n\n`);
  const artifacts = join(import.meta.dirname, "..", "artifacts");
  mkdirSync(artifacts, { recursive: true });
  writeFileSync(
    join(artifacts, "check-bench.json"),
    `${JSON.stringify(
      {
        startedAt,
        environment: { node: process.version, cores: availableParallelism(), cpuModel: cpus()[0]?.model, loadavgAtStart: load },
        parameters: { rounds: ROUNDS, operations: OPERATIONS, keys: KEYS, seed: 42, targetMs: TARGET_MS },
        figures,
      },
      null,
      2,
    )}\n`,
  );
}

describe("check", () => {
  bench("linearizability of a 10,000-operation history (one measured run; see the table)", measure, {
    iterations: 1,
    time: 0,
    warmupIterations: 0,
    warmupTime: 0,
    throws: true,
  });
});
