/**
 * The explorer's entry points: `explore` runs a program under many schedules
 * and collects distinct failures; `exploreOrThrow` does the same and throws
 * on the first; `replaySchedule` runs one schedule and logs it.
 */
import { PardisError, seededRandom } from "../core/index.js";
import { randomChooser, replayChooser, roundRobinChooser } from "./choosers.js";
import { ExhaustiveSearch } from "./exhaustive.js";
import { DEFAULT_MAX_STEPS, failureKey, toFailure, witness, type FailureContext } from "./failure.js";
import type { Finding } from "./finding.js";
import { formatExploration, formatExploreFailure, formatReplay } from "./format.js";
import type { MemoryLayout } from "./memory.js";
import { checkProgram, positiveInteger, settings } from "./options.js";
import { Pacer } from "./pacer.js";
import { pctChooser } from "./pct.js";
import { Run, type Chooser, type RunResult } from "./run.js";
import { formatInterleaving, parseInterleaving } from "./schedule.js";
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

interface Kept {
  finding: Finding;
  schedule: number[];
  run: number;
  seed: number | null;
  occurrences: number;
}

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

/** A 64-bit FNV-1a hash of a schedule, to count distinct schedules without keeping them. */
function scheduleHash(schedule: readonly number[]): string {
  let a = 0x811c9dc5;
  let b = 0xcbf29ce4;
  for (const t of schedule) {
    a = Math.imul(a ^ (t + 1), 0x01000193) >>> 0;
    b = Math.imul(b ^ (t + 7), 0x01000193) >>> 0;
  }
  return `${a.toString(36)}.${b.toString(36)}.${schedule.length}`;
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
  const kept = new Map<string, Kept>();
  const seen = new Set<string>();
  let runs = 0;
  let schedules = 0;
  let pruned = 0;
  let steps = 0;
  let complete: boolean | undefined;

  const record = (result: RunResult, run: number, seed: number | null): boolean => {
    runs++;
    steps += result.steps;
    if (result.outcome === "stopped") {
      pruned++;
      return false;
    }
    if (s.strategy === "exhaustive") schedules++;
    else {
      const hash = scheduleHash(result.schedule);
      if (!seen.has(hash)) {
        seen.add(hash);
        schedules++;
      }
    }
    for (const finding of result.findings) {
      const key = failureKey(finding);
      const schedule = witness(finding, result.schedule);
      const before = kept.get(key);
      if (!before) kept.set(key, { finding, schedule, run, seed, occurrences: 1 });
      else {
        before.occurrences++;
        if (schedule.length < before.schedule.length) Object.assign(before, { finding, schedule, run, seed });
      }
    }
    return result.findings.length > 0;
  };

  if (s.strategy === "exhaustive") {
    const search = new ExhaustiveSearch(s.preemptions, s.sleepSets);
    complete = false;
    while (runs < s.runs) {
      const result = await pacer.run(new Run(p, layout, search.chooser(), { maxSteps: s.maxSteps, log: false }));
      const failed = record(result, runs, null);
      if (search.diverged) {
        const d = search.diverged;
        const finding: Finding = {
          kind: "nondeterminism",
          message: `replaying the same choices offered other threads at step ${d.step} (T${d.expected.join(", T")} before, T${d.offered.join(", T")} now): the program keeps state outside the explored memory, or is not deterministic`,
          step: d.step,
          threads: [...d.offered],
        };
        kept.set(failureKey(finding), { finding, schedule: result.schedule.slice(0, d.step), run: runs - 1, seed: null, occurrences: 1 });
        break;
      }
      if (failed && s.stopOnFailure) break;
      if (!search.advance()) {
        complete = true;
        break;
      }
    }
  } else {
    const nextSeed = runSeeds(s.seed);
    // PCT draws its change points from 1..k, k a run's length: measured once, in turn order, so that it depends on the program only.
    const k = s.strategy === "pct" ? Math.max(1, (await pacer.run(new Run(p, layout, roundRobinChooser(), { maxSteps: s.maxSteps, log: false }))).steps) : 0;
    for (let run = 0; run < s.runs; run++) {
      const seed = nextSeed();
      const random = seededRandom(seed);
      const chooser: Chooser = s.strategy === "pct" ? pctChooser(random, p.threads.length, s.depth, k) : randomChooser(random);
      const failed = record(await pacer.run(new Run(p, layout, chooser, { maxSteps: s.maxSteps, log: false })), run, seed);
      if (failed && s.stopOnFailure) break;
    }
  }

  const failures: ExploreFailure[] = [];
  for (const { finding, schedule, run, seed, occurrences } of kept.values()) {
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
    runs,
    schedulesExplored: schedules,
    pruned,
    ...(complete !== undefined ? { complete } : {}),
    steps,
    failures,
  };
  return withText(result, () => formatExploration(result));
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
