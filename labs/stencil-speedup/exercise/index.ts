/**
 * The stencil-speedup exercise, inside the sandbox: starts the worker team,
 * runs the learner's `stencilWorker` on seeded grids, and emits what happened
 * (the grids the workers left, timings on the trusted clock). It judges
 * nothing: the grader recomputes expected grids and scores the speedup.
 *
 * Observations:
 * - `{ kind: "grid", label, values }` the result cells of one checked run;
 * - `{ kind: "calibration", steps }` the step count of the timed runs (picked for a target time per run);
 * - `{ kind: "timing", repetition, seed, sequentialMs, parallelMs, oneWorkerMs, checksum, oneWorkerChecksum, expectedChecksum }`;
 * - `{ kind: "failure", label, message }` a run that threw, deadlocked or ran out of time.
 */
import type { ExerciseContext } from "../../../grader/lab/types.js";
import { mailboxBuffer } from "./mailboxes.js";
import { checksum, initialGrid, simulate, step, UNWRITTEN } from "./model.js";
import { parseParams, RUN_TIMEOUT_MS, type GridRun, type SpeedupParams } from "./params.js";
import { Team, type RunResult } from "./team.js";

function sharedCopy(values: Int32Array): SharedArrayBuffer {
  const buffer = new SharedArrayBuffer(values.byteLength);
  new Int32Array(buffer).set(values);
  return buffer;
}

interface Finished {
  readonly outcome: RunResult;
  readonly result: Int32Array;
}

async function runOnce(team: Team, run: GridRun, initial: Int32Array, timeoutMs = RUN_TIMEOUT_MS): Promise<Finished> {
  const result = new SharedArrayBuffer(initial.byteLength);
  new Int32Array(result).fill(UNWRITTEN);
  const outcome = await team.run(
    { rows: run.rows, cols: run.cols, steps: run.steps, staggerMs: run.staggerMs, initial: sharedCopy(initial), result, mailboxes: mailboxBuffer(team.workers, run.cols) },
    timeoutMs,
  );
  return { outcome, result: new Int32Array(result) };
}

/** One checked run: the judge gets every cell. */
async function checkedRun(context: ExerciseContext, team: Team, run: GridRun, label: string, timeoutMs?: number): Promise<boolean> {
  const { outcome, result } = await runOnce(team, run, initialGrid(run.rows, run.cols, run.seed), timeoutMs);
  if (!outcome.ok) {
    context.emit({ kind: "failure", label, message: outcome.message });
    return false;
  }
  context.emit({ kind: "grid", label, values: Array.from(result) });
  return true;
}

/** The step count that makes one sequential run take about `targetMs` here (after the JIT has warmed up). */
function calibrate(context: ExerciseContext, params: SpeedupParams, grid: Int32Array): number {
  const { rows, cols } = params;
  const from = Int32Array.from(grid);
  const to = new Int32Array(grid.length);
  const perStep: number[] = [];
  for (let round = 0; round < 3; round++) {
    const started = context.now();
    for (let k = 0; k < params.minSteps; k++) step(from, to, rows, cols);
    perStep.push((context.now() - started) / params.minSteps);
  }
  const perStepMs = perStep.sort((a, b) => a - b)[1]!;
  return Math.max(params.minSteps, Math.min(params.maxSteps, Math.round(params.targetMs / Math.max(perStepMs, 1e-3))));
}

/**
 * Timed repetitions of three programs in rotating order (a drift of the
 * machine's speed then hits all alike): the trusted sequential baseline, the
 * submission on all workers, and the submission on one worker. The last one
 * is what keeps the speedup honest where the baseline is not a fair yardstick:
 * under SES lockdown V8 stores into typed arrays ~20× slower than into plain
 * arrays, so a one-worker answer written with plain arrays could look
 * "parallel" against the baseline. Each repetition starts from a new seed and
 * every result is checked against the sequential one.
 */
async function measure(context: ExerciseContext, team: Team, alone: Team, params: SpeedupParams): Promise<void> {
  const { rows, cols } = params;
  const warmSeed = params.seed + 1_000_000;
  const warmGrid = initialGrid(rows, cols, warmSeed);
  simulate(warmGrid, rows, cols, params.minSteps);
  const steps = calibrate(context, params, warmGrid);
  context.emit({ kind: "calibration", steps });
  const timed: GridRun = { rows, cols, steps, seed: params.seed, staggerMs: 0 };
  // Warm-up, untimed: every program gets compiled by the JIT before the clock matters.
  for (const [label, runner] of [["warm-up", team], ["warm-up on one worker", alone]] as const) {
    const warm = await runOnce(runner, { ...timed, seed: warmSeed }, warmGrid);
    if (!warm.outcome.ok) {
      context.emit({ kind: "failure", label, message: warm.outcome.message });
      return;
    }
  }
  for (let repetition = 0; repetition < params.repetitions; repetition++) {
    const seed = params.seed + repetition;
    const initial = initialGrid(rows, cols, seed);
    let expected = new Int32Array(0);
    const times = { sequentialMs: 0, parallelMs: 0, oneWorkerMs: 0 };
    const results: Record<"parallel" | "one worker", Finished | undefined> = { parallel: undefined, "one worker": undefined };
    const programs = [
      async () => {
        const started = context.now();
        expected = simulate(initial, rows, cols, steps);
        times.sequentialMs = context.now() - started;
      },
      async () => {
        const started = context.now();
        results.parallel = await runOnce(team, { ...timed, seed }, initial);
        times.parallelMs = context.now() - started;
      },
      async () => {
        const started = context.now();
        results["one worker"] = await runOnce(alone, { ...timed, seed }, initial);
        times.oneWorkerMs = context.now() - started;
      },
    ];
    for (let k = 0; k < programs.length; k++) await programs[(repetition + k) % programs.length]!();
    for (const [label, finished] of Object.entries(results)) {
      if (!finished!.outcome.ok) {
        context.emit({ kind: "failure", label: `repetition ${repetition} (${label})`, message: finished!.outcome.message });
        return;
      }
    }
    context.emit({
      kind: "timing",
      repetition,
      seed,
      ...times,
      checksum: checksum(results.parallel!.result),
      oneWorkerChecksum: checksum(results["one worker"]!.result),
      expectedChecksum: checksum(expected),
    });
  }
}

export async function run(context: ExerciseContext): Promise<void> {
  const params = parseParams(context.scenario.params);
  const team = await Team.start(params.workers, context.code, context.confined);
  try {
    if (params.kind === "correctness") {
      await checkedRun(context, team, params, "run", params.timeoutMs);
    } else if (await checkedRun(context, team, params.check, "staggered check")) {
      const alone = await Team.start(1, context.code, context.confined);
      try {
        await measure(context, team, alone, params);
      } finally {
        await alone.close();
      }
    }
  } finally {
    await team.close();
  }
}
