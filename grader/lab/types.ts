/**
 * The contract between a lab and the grader.
 *
 * A lab is split along the trust boundary:
 * - its **exercise** (`labs/<id>/exercise/`) is trusted lab code that runs
 *   *inside* the sandbox, next to the submission, and only reports raw
 *   observations (histories, counters, timings, explorer findings);
 * - its **definition** (`labs/<id>/lab.ts`: scenarios, points, judges, the
 *   reference, the known-wrong variants) stays in the grader and is never
 *   visible to the sandbox. The verdict is computed here, from observations,
 *   never taken from the submission's process.
 */

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export type Visibility = "public" | "hidden";

/** One graded scenario. Everything in `params` is sent into the sandbox; nothing else is. */
export interface ScenarioSpec {
  /** Stable and unique in the lab, like "mutex/exclusion-explorer"; used on the command line (`--only`). */
  readonly id: string;
  /** Shown to the learner. */
  readonly title: string;
  readonly points: number;
  /** Public scenarios are shipped with the student notebook; hidden ones only in the grader bundle. */
  readonly visibility: Visibility;
  /** Handed to the exercise as is. Seeds live here and are fixed, so a submission always gets the same score. */
  readonly params: JsonValue;
  /** Wall-clock limit of the sandbox running this scenario. @default the lab's limits.wallMs */
  readonly wallMs?: number;
  /**
   * Runs alone on the grading machine: its worker threads need every core, or
   * its timings (speedups, progress watchdogs) would suffer from a neighbour.
   * Scenarios a judge compares with the reference (`needsReference`) always do.
   */
  readonly exclusive?: boolean;
}

/** How a sandboxed scenario run ended, as the grader saw it from outside. */
export type RunExit =
  | "ok" // the exercise finished and sent its done record
  | "error" // the exercise or runner threw (the message says which)
  | "timeout" // wall clock
  | "cpu-limit"
  | "heap-limit"
  | "address-space-limit" // an infrastructure error: the limit was too low for the lab's workers
  | "output-limit"
  | "crashed"; // the runner died without a done record (signal, process.exit, ...)

/** What one sandboxed run of one scenario produced. */
export interface ExerciseOutcome {
  readonly exit: RunExit;
  /** Every observation the exercise emitted, in order (only from the trusted channel, never stdout). */
  readonly observations: readonly JsonValue[];
  /** A human-readable reason when exit is not "ok". */
  readonly message?: string;
  /** The submission's stdout+stderr, capped; shown as logs, never scored. */
  readonly log: string;
  readonly wallMs: number;
}

/** The grader's conclusion for one scenario. */
export interface Verdict {
  readonly scenario: string;
  readonly title: string;
  readonly points: number;
  readonly maxPoints: number;
  readonly status: "passed" | "failed";
  /** One line: what went wrong (or right). */
  readonly message: string;
  /** Longer text: the minimal witness, the interleaving table, the failing history. */
  readonly details?: string;
  /** The seed of the failing case, when there is one. */
  readonly seed?: number;
  /** A plotly figure (data + layout) for the feedback report: a Lamport diagram, a timeline, a speedup bar. */
  readonly figure?: JsonValue;
}

/** What a judge knows besides the scenario's own outcome. */
export interface JudgeContext {
  /** The reference solution's outcome of the same scenario, in the same grading run (labs with `needsReference`). */
  readonly reference?: ExerciseOutcome;
}

/** A known-wrong variant and what it must lose: exactly the listed scenarios fail, every other one passes. */
export interface KnownWrongVariant {
  /** File under labs/<id>/variants/, a complete submission. */
  readonly file: string;
  readonly bug: string;
  readonly fails: readonly string[];
  /** A text the failing verdicts' messages must contain (the expected failure). */
  readonly expect: string;
  /** Scenarios where the same bug shows differently (a safety bug that also stalls clients), with their own expected text. */
  readonly expectIn?: Readonly<Record<string, string>>;
}

export interface LabLimits {
  readonly wallMs: number;
  /** Worker threads the exercise starts (sizes the address-space limit). */
  readonly workers: number;
  readonly heapMb: number;
  /** Whether the submission may use loopback networking (inside its own network namespace). */
  readonly loopback: boolean;
}

/**
 * What a learner's machine may hold: the public scenarios and how outcomes are
 * judged (`labs/<id>/public.ts` exports it as `publicLab`). Judging code is not
 * secret; hidden scenarios' parameters, the reference and the variants are.
 */
export interface PublicLab {
  readonly id: string;
  readonly title: string;
  /** Names the submission must export (top-level declarations in a notebook's answer cells). */
  readonly exports: readonly string[];
  /** The exercise module, relative to dist/ (e.g. "labs/sync-primitives/exercise/index.js"). Only labs/<id>/exercise/ is visible in the sandbox. */
  readonly exercise: string;
  /** Public scenarios only here; `lab.ts` adds the hidden ones. */
  readonly scenarios: readonly ScenarioSpec[];
  readonly limits: LabLimits;
  judge(scenario: ScenarioSpec, outcome: ExerciseOutcome, context: JudgeContext): Verdict;
  /** The scenario narrowed to one seed, for a replay command (`--only S --seed N`). Labs without seeds leave it out. */
  withSeed?(scenario: ScenarioSpec, seed: number): ScenarioSpec;
}

/** The whole lab (`labs/<id>/lab.ts` exports it as `lab`): grader side only, never shipped to learners. */
export interface LabDefinition extends PublicLab {
  /** The instructor notebook (`labs/<id>/<id>.ipynb`): its answer cells, with solutions, are the reference solution. */
  readonly reference: string;
  readonly variants: readonly KnownWrongVariant[];
  /** Scenarios whose judge compares against the reference's outcome in the same run (speedup). */
  readonly needsReference?: readonly string[];
}

// ---- inside the sandbox ---------------------------------------------------------------

/** What an exercise module exports (named `run`, optionally `endowments`). */
export interface ExerciseModule {
  run(context: ExerciseContext): Promise<void>;
  /** Extra globals for the submission beyond the standard ones (console, SharedArrayBuffer, Atomics). */
  endowments?: Readonly<Record<string, unknown>>;
}

/** The submission as JavaScript (CommonJS shape) plus how it must be loaded. */
export interface SubmissionCode {
  /** CommonJS JavaScript; its `exports` carry the names the lab asks for. */
  readonly js: string;
  /** Shown in stack traces and messages. */
  readonly name: string;
}

export interface ExerciseContext {
  readonly scenario: ScenarioSpec;
  /** The submission's exports, loaded (confined when the runner is sandboxed) in this thread. */
  readonly submission: Readonly<Record<string, unknown>>;
  /** The code, for worker threads: pass it in workerData and call `loadSubmission` there. */
  readonly code: SubmissionCode;
  /** Whether the runner confines submissions (SES); workers must load with the same setting. */
  readonly confined: boolean;
  /** Sends one JSON-serializable observation to the grader over the trusted channel. */
  emit(observation: JsonValue): void;
  /** A monotonic clock in ms that the submission cannot tamper with. */
  now(): number;
}
