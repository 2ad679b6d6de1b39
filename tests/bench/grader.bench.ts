/**
 * Grading speed, through the real sandbox (bwrap or whatever this machine
 * offers, SES-confined submissions), measured in one run:
 *
 *   one submission   each lab's reference (its instructor notebook) graded
 *                    on every scenario, all cores: seconds, and for the
 *                    fault-tolerance lab the simulated seeds graded.
 *                    fault-tolerance, ≥ 100 seeds                       < 60 s
 *   batch            a folder of fault-tolerance submissions (the reference
 *                    and known-wrong variants) graded by `pardis grade --batch`
 *                    pinned to one core (taskset, one scenario at a time), then
 *                    on all cores (one scenario per core); the rounds alternate
 *                    which goes first. Ratio: one-core time / all-cores time.
 *                    all cores / one core on 2 cores                    ≥ 1.8x
 *
 * The batch uses the lab's simulated scenarios only: the real-process one
 * spends its time waiting on sockets and timers, which says nothing about
 * how grading uses the cores.
 * Prints a table and writes tests/artifacts/grader-bench.json. Reports only:
 * no assertion on any number.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { bench, describe } from "vitest";
import { gradeSubmission, listLabs, loadLab, type LabDefinition } from "../../dist/grader/index.js";
import { median } from "./stats.js";

const ROUNDS = Number(process.env.BENCH_GRADER_ROUNDS ?? 2);
/** Known-wrong variants in the batch, besides the reference. */
const BATCH_VARIANTS = Number(process.env.BENCH_GRADER_VARIANTS ?? 3);
const FT_TARGET_S = 60;
const BATCH_TARGET = 1.8;
const repoRoot = join(import.meta.dirname, "..", "..");
const out = (text: string) => process.stdout.write(text);

/** Seeds a scenario's params list, when it has them. */
function seedCount(params: unknown): number {
  if (params && typeof params === "object" && Array.isArray((params as { seeds?: unknown }).seeds)) return (params as { seeds: unknown[] }).seeds.length;
  return 0;
}

async function gradeReferences(): Promise<Array<{ lab: string; seconds: number; score: string; seeds: number }>> {
  const rows = [];
  for (const id of listLabs()) {
    const lab = (await loadLab(id)) as LabDefinition;
    const started = performance.now();
    const report = await gradeSubmission(join(repoRoot, lab.reference), id);
    const seconds = (performance.now() - started) / 1000;
    const seeds = lab.scenarios.reduce((sum, scenario) => sum + seedCount(scenario.params), 0);
    rows.push({ lab: id, seconds, score: `${report.score}/${report.maxScore}`, seeds });
  }
  return rows;
}

/** A batch folder: the fault-tolerance reference and its variants, each one submission. */
function batchFolder(lab: LabDefinition): string {
  const folder = mkdtempSync(join(tmpdir(), "pardis-grader-bench-"));
  copyFileSync(join(repoRoot, lab.reference), join(folder, "reference.ipynb"));
  for (const variant of lab.variants.slice(0, BATCH_VARIANTS)) copyFileSync(join(repoRoot, "labs", lab.id, "variants", variant.file), join(folder, variant.file));
  return folder;
}

/**
 * `pardis grade FOLDER --batch` as its own process. One core means one core:
 * the grader and everything it starts (sandboxes, their threads) pinned to
 * CPU 0 with taskset, one scenario at a time; all cores: unpinned, one
 * scenario per core.
 */
async function timeBatch(folder: string, labId: string, only: string[], cores: "one" | "all"): Promise<number> {
  const outDir = mkdtempSync(join(tmpdir(), "pardis-grader-bench-out-"));
  const cli = [join(repoRoot, "dist/kernel/cli.js"), "grade", folder, "--lab", labId, "--batch", "--out", outDir, "--only", only.join(",")];
  const argv = cores === "one" ? ["taskset", "-c", "0", process.execPath, ...cli, "--jobs", "1"] : [process.execPath, ...cli, "--jobs", String(availableParallelism())];
  const started = performance.now();
  const child = spawn(argv[0]!, argv.slice(1), { stdio: ["ignore", "ignore", "inherit"] });
  const [code] = (await once(child, "exit")) as [number | null];
  const seconds = (performance.now() - started) / 1000;
  rmSync(outDir, { recursive: true, force: true });
  if (code !== 0) throw new Error(`pardis grade --batch exited with ${code}`);
  return seconds;
}

describe("grader", () => {
  bench(
    "grading speed",
    async () => {
      const load = loadavg();
      out(`[bench] grader: ${ROUNDS} batch rounds on ${availableParallelism()} cores; load ${load.map((l) => l.toFixed(2)).join(" ")}\n`);
      const single = await gradeReferences();

      const ft = (await loadLab("fault-tolerance")) as LabDefinition;
      const kindOf = (params: unknown) => (params && typeof params === "object" ? (params as { kind?: unknown }).kind : undefined);
      const simulated = ft.scenarios.filter((scenario) => seedCount(scenario.params) > 0 && kindOf(scenario.params) !== "cluster").map((scenario) => scenario.id);
      const folder = batchFolder(ft);
      const oneCore: number[] = [];
      const allCores: number[] = [];
      try {
        for (let round = 0; round < ROUNDS; round++) {
          const order = round % 2 === 0 ? (["one", "all"] as const) : (["all", "one"] as const);
          for (const cores of order) (cores === "one" ? oneCore : allCores).push(await timeBatch(folder, ft.id, simulated, cores));
        }
      } finally {
        rmSync(folder, { recursive: true, force: true });
      }
      const ratios = oneCore.map((seconds, index) => seconds / allCores[index]!);
      const submissions = Math.min(ft.variants.length, BATCH_VARIANTS) + 1;

      out("\n=== Grader benchmark (real sandbox, confined submissions) ===\n");
      out("lab                 reference score   seconds   seeds\n");
      for (const row of single) out(`${row.lab.padEnd(20)}${row.score.padStart(15)}   ${row.seconds.toFixed(1).padStart(7)}   ${String(row.seeds).padStart(5)}\n`);
      const ftRow = single.find((row) => row.lab === "fault-tolerance");
      if (ftRow) out(`fault-tolerance: ${ftRow.seeds} seeds in ${ftRow.seconds.toFixed(1)} s (target < ${FT_TARGET_S} s)\n`);
      out(
        `\nbatch of ${submissions} fault-tolerance submissions × ${simulated.length} simulated scenarios: one core ${median(oneCore).toFixed(1)} s, ` +
          `${availableParallelism()} cores ${median(allCores).toFixed(1)} s; ratio per round ${ratios.map((r) => r.toFixed(2)).join(", ")}, median ${median(ratios).toFixed(2)}x (target ≥ ${BATCH_TARGET}x)\n\n`,
      );
      mkdirSync(join(repoRoot, "tests", "artifacts"), { recursive: true });
      writeFileSync(
        join(repoRoot, "tests", "artifacts", "grader-bench.json"),
        JSON.stringify({ load, cores: availableParallelism(), single, batch: { submissions, scenarios: simulated.length, oneCore, allCores, ratios } }, null, 2),
      );
    },
    { iterations: 1, warmupIterations: 0, time: 0, warmupTime: 0 },
  );
});
