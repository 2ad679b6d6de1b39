/**
 * The stencil-speedup exercise, inside the sandbox: starts the worker team,
 * runs the learner's `stencilWorker` on seeded grids, and emits what happened
 * (the grids the workers left, timings on the trusted clock). It judges
 * nothing: the grader recomputes expected grids and scores the speedup.
 *
 * Observations:
 * - `{ kind: "grid", label, values }` the result cells of one checked run;
 * - `{ kind: "timing", repetition, seed, sequentialMs, parallelMs, checksum, expectedChecksum }`;
 * - `{ kind: "failure", label, message }` a run that threw, deadlocked or ran out of time.
 */
import type { ExerciseContext } from "../../../grader/lab/types.js";
import { mailboxBuffer } from "./mailboxes.js";
import { checksum, initialGrid, simulate, UNWRITTEN } from "./model.js";
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

/**
 * Timed repetitions, sequential and parallel in alternating order (a drift of
 * the machine's speed then hits both alike). Each repetition starts from a new
 * seed, and its result is checked against the sequential one.
 */
async function measure(context: ExerciseContext, team: Team, params: SpeedupParams): Promise<void> {
  const { rows, cols, steps } = params;
  const timed: GridRun = { rows, cols, steps, seed: params.seed, staggerMs: 0 };
  // Warm-up, untimed: both programs get compiled by the JIT before the clock matters.
  const warm = await runOnce(team, { ...timed, seed: params.seed + 1_000_000 }, initialGrid(rows, cols, params.seed + 1_000_000));
  if (!warm.outcome.ok) {
    context.emit({ kind: "failure", label: "warm-up", message: warm.outcome.message });
    return;
  }
  simulate(initialGrid(rows, cols, params.seed), rows, cols, steps);
  for (let repetition = 0; repetition < params.repetitions; repetition++) {
    const seed = params.seed + repetition;
    const initial = initialGrid(rows, cols, seed);
    const sequential = () => {
      const started = context.now();
      const expected = simulate(initial, rows, cols, steps);
      return { ms: context.now() - started, expected };
    };
    const parallel = async () => {
      const started = context.now();
      const finished = await runOnce(team, { ...timed, seed }, initial);
      return { ms: context.now() - started, finished };
    };
    let seq: ReturnType<typeof sequential>;
    let par: Awaited<ReturnType<typeof parallel>>;
    if (repetition % 2 === 0) {
      seq = sequential();
      par = await parallel();
    } else {
      par = await parallel();
      seq = sequential();
    }
    if (!par.finished.outcome.ok) {
      context.emit({ kind: "failure", label: `repetition ${repetition}`, message: par.finished.outcome.message });
      return;
    }
    context.emit({
      kind: "timing",
      repetition,
      seed,
      sequentialMs: seq.ms,
      parallelMs: par.ms,
      checksum: checksum(par.finished.result),
      expectedChecksum: checksum(seq.expected),
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
      await measure(context, team, params);
    }
  } finally {
    await team.close();
  }
}
