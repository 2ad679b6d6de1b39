/**
 * The explorer's entry points: `explore` runs a program under many schedules
 * and collects distinct failures; `exploreOrThrow` does the same and throws
 * on the first; `replaySchedule` runs one schedule and logs it.
 */
import { PardisError, seededRandom } from "../core/index.js";
import { randomChooser, replayChooser, roundRobinChooser } from "./choosers.js";
import { ExhaustiveSearch } from "./exhaustive.js";
import { DEFAULT_MAX_STEPS, toFailure, witness, type FailureContext } from "./failure.js";
import type { Finding } from "./finding.js";
import { formatExploration, formatExploreFailure, formatReplay } from "./format.js";
import type { MemoryLayout } from "./memory.js";
import { checkProgram, positiveInteger, settings, type Settings } from "./options.js";
import { Pacer } from "./pacer.js";
import { pctChooser } from "./pct.js";
import { Run, type Chooser } from "./run.js";
import { formatInterleaving, parseInterleaving } from "./schedule.js";
import { Tally } from "./tally.js";
import type { ExploreFailure, ExploreOptions, ExploreResult, MemorySpec, ReplayReport, SharedProgram } from "./types.js";

const JUPYTER_DISPLAY = Symbol.for("Jupyter.display");

/** Gives `program` its types (memory names in `t.mem`, the shape of `check`'s argument) and nothing else. */
export function defineSharedProgram<M extends MemorySpec>(program: SharedProgram<M>): SharedProgram<M> {
  return program;
}

/** A failed `exploreOrThrow`: the failure (with its seed and replay line) and the whole result. */
export class ExplorationError extends PardisError {
  override name = "ExplorationError";
  constructor(
    readonly failure: ExploreFailure,
    readonly result: ExploreResult,
  ) {
    super(failure.code, `${result.program ? `${result.program}: ` : ""}${failure.kind}: ${failure.message}\n  ${failure.replay}`);
  }

  /** The interleaving table of the failure. */
  get table(): string {
    return formatExploreFailure(this.failure);
  }
}

// ---- explore ----------------------------------------------------------------------------

/** Derives run i's seed: run 0 uses the seed itself, so `{ seed, runs: 1 }` repeats any reported run. */
function runSeeds(seed: number): () => number {
  const stream = seededRandom(seed ^ 0x2545f491);
  let first = true;
  return () => {
    if (first) {
      first = false;
      return seed;
    }
    return stream.int(0x7fff_ffff);
  };
}

/**
 * Runs `program` under many schedules and reports every distinct failure
 * (one per kind and subject, with the shortest schedule that showed it).
 * The same options and seed always give the same result, byte for byte.
 */
export async function explore<M extends MemorySpec>(program: SharedProgram<M>, options: ExploreOptions = {}): Promise<ExploreResult> {
  const layout = checkProgram(program as SharedProgram);
  const s = settings(options);
  const p = program as SharedProgram;
  const pacer = new Pacer(s.signal);
  const tally = new Tally(s.strategy !== "exhaustive");
  const complete = s.strategy === "exhaustive" ? await searchExhaustively(p, layout, s, pacer, tally) : undefined;
  if (s.strategy !== "exhaustive") await sample(p, layout, s, pacer, tally);

  const failures: ExploreFailure[] = [];
  for (const { finding, schedule, run, seed, occurrences } of tally.kept()) {
    const context: FailureContext = {
      ...(p.name !== undefined ? { program: p.name } : {}),
      strategy: s.strategy,
      seed,
      ...(s.strategy === "pct" ? { depth: s.depth } : {}),
      run,
      maxSteps: s.maxSteps,
      occurrences,
    };
    failures.push(await logged(p, layout, finding, schedule, context, pacer));
  }

  const result: ExploreResult = {
    ok: failures.length === 0,
    ...(p.name !== undefined ? { program: p.name } : {}),
    strategy: s.strategy,
    seed: s.seed,
    ...(s.strategy === "pct" ? { depth: s.depth } : {}),
    maxSteps: s.maxSteps,
    runs: tally.runs,
    schedulesExplored: tally.schedules,
    pruned: tally.pruned,
    ...(complete !== undefined ? { complete } : {}),
    steps: tally.steps,
    failures,
  };
  return withText(result, () => formatExploration(result));
}

/** Random and PCT: `runs` independent runs, each from its own seed. */
async function sample(p: SharedProgram, layout: MemoryLayout, s: Settings, pacer: Pacer, tally: Tally): Promise<void> {
  const nextSeed = runSeeds(s.seed);
  // PCT draws its change points from 1..k, k a run's length: measured once, in turn order, so that it depends on the program only.
  const k = s.strategy === "pct" ? Math.max(1, (await pacer.run(new Run(p, layout, roundRobinChooser(), { maxSteps: s.maxSteps, log: false }))).steps) : 0;
  for (let run = 0; run < s.runs; run++) {
    const seed = nextSeed();
    const random = seededRandom(seed);
    const chooser: Chooser = s.strategy === "pct" ? pctChooser(random, p.threads.length, s.depth, k) : randomChooser(random);
    const failed = tally.record(await pacer.run(new Run(p, layout, chooser, { maxSteps: s.maxSteps, log: false })), run, seed);
    if (failed && s.stopOnFailure) return;
  }
}

/** Exhaustive: every schedule within the bounds, at most `runs` of them; returns whether the search completed. */
async function searchExhaustively(p: SharedProgram, layout: MemoryLayout, s: Settings, pacer: Pacer, tally: Tally): Promise<boolean> {
  const search = new ExhaustiveSearch(s.preemptions, s.sleepSets);
  while (tally.runs < s.runs) {
    const result = await pacer.run(new Run(p, layout, search.chooser(), { maxSteps: s.maxSteps, log: false }));
    const failed = tally.record(result, tally.runs, null);
    if (search.diverged) {
      const { step, expected, offered } = search.diverged;
      tally.keep(
        {
          kind: "nondeterminism",
          message: `replaying the same choices offered other threads at step ${step} (T${expected.join(", T")} before, T${offered.join(", T")} now): the program keeps state outside the explored memory, or is not deterministic`,
          step,
          threads: [...offered],
        },
        result.schedule.slice(0, step),
        tally.runs - 1,
        null,
      );
      return false;
    }
    if (failed && s.stopOnFailure) return false;
    if (!search.advance()) return true;
  }
  return false;
}

/**
 * Replays a failure's schedule with the log on. The replay must find the same
 * thing at the same step; if it does not, the program is not deterministic
 * (it keeps state outside the explored memory) and the failure says so.
 */
async function logged(program: SharedProgram, layout: MemoryLayout, finding: Finding, schedule: number[], context: FailureContext, pacer: Pacer): Promise<ExploreFailure> {
  const again = await pacer.run(new Run(program, layout, replayChooser(schedule, false), { maxSteps: context.maxSteps, log: true }));
  const same = again.findings.some((f) => f.kind === finding.kind && f.message === finding.message && f.step === finding.step);
  const checked: Finding = same
    ? finding
    : { ...finding, message: `${finding.message} [replaying this schedule did not repeat it: the program is not deterministic, or keeps state outside the explored memory]` };
  return toFailure(checked, schedule, context, again);
}

/** Like `explore`, but throws an ExplorationError (message: the failure and a one-line replay) when anything fails. */
export async function exploreOrThrow<M extends MemorySpec>(program: SharedProgram<M>, options: ExploreOptions = {}): Promise<ExploreResult> {
  const result = await explore(program, options);
  const first = result.failures[0];
  if (first) throw new ExplorationError(first, result);
  return result;
}

export interface ReplayScheduleOptions {
  /** Must match the exploration's, for step-limit failures. @default 10000 */
  maxSteps?: number;
  /** When the schedule runs out: stop (false), or run on without further preemptions (true). @default false */
  extend?: boolean;
}

/** Runs one schedule (a ExploreFailure, its `schedule`, or text like "0*3 1 0*2") with the log on. */
export async function replaySchedule<M extends MemorySpec>(
  program: SharedProgram<M>,
  schedule: ExploreFailure | readonly number[] | string,
  options: ReplayScheduleOptions = {},
): Promise<ReplayReport> {
  const layout = checkProgram(program as SharedProgram);
  const p = program as SharedProgram;
  const steps = typeof schedule === "string" ? parseInterleaving(schedule) : Array.isArray(schedule) ? [...(schedule as readonly number[])] : [...(schedule as ExploreFailure).schedule];
  if (!steps.every((t) => Number.isInteger(t) && t >= 0 && t < p.threads.length)) {
    throw new TypeError(`Expected a schedule of thread ids from 0 to ${p.threads.length - 1}, got ${formatInterleaving(steps)}`);
  }
  const maxSteps = positiveInteger(options.maxSteps, "maxSteps", DEFAULT_MAX_STEPS);
  const result = await new Pacer().run(new Run(p, layout, replayChooser(steps, options.extend ?? false), { maxSteps, log: true }));
  const context: FailureContext = {
    ...(p.name !== undefined ? { program: p.name } : {}),
    strategy: "replay",
    seed: null,
    run: 0,
    maxSteps,
    occurrences: 1,
  };
  const report: ReplayReport = {
    ok: result.findings.length === 0,
    ...(p.name !== undefined ? { program: p.name } : {}),
    outcome: result.outcome,
    failures: result.findings.map((finding) => toFailure(finding, witness(finding, result.schedule), context, result)),
    schedule: result.schedule,
    scheduleText: formatInterleaving(result.schedule),
    steps: result.steps,
    events: result.events,
    threadStatus: result.threadStatus,
    memory: Object.fromEntries(layout.names.map((name, i) => [name, result.memory[i]!])),
  };
  return withText(report, () => formatReplay(report));
}

/** A text/plain rendering when a result is a cell's value; not enumerable, so JSON stays data. */
function withText<T extends object>(value: T, text: () => string): T {
  Object.defineProperty(value, JUPYTER_DISPLAY, { value: () => ({ "text/plain": text() }), enumerable: false, configurable: true, writable: true });
  return value;
}
