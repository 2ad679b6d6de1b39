/**
 * The grader's side of one scenario run: starts the runner in the sandbox,
 * hands it the spec with a fresh nonce, reads the trusted channel only, and
 * turns what it saw into an ExerciseOutcome. A misbehaving submission always
 * ends in an outcome here, never in an exception; only a broken machine or
 * checkout throws (SandboxError).
 */
import { randomBytes } from "node:crypto";
import { availableParallelism } from "node:os";
import { resolve } from "node:path";
import type { ExerciseOutcome, PublicLab, RunExit, ScenarioSpec, SubmissionCode } from "../lab/types.js";
import type { IsolationReport } from "../sandbox/detect.js";
import { runSandboxed, type SandboxResult } from "../sandbox/run-sandboxed.js";
import type { SandboxLimits } from "../sandbox/command.js";
import { ChannelReader } from "./channel.js";
import type { RunnerSpec } from "./protocol.js";
import { runnerPaths } from "./sandbox-paths.js";

export interface RunScenarioOptions {
  /** The built package's dist/ (the runner and the runtime come from here). */
  readonly distRoot: string;
  /** Where `lab.exercise` is resolved. @default distRoot (a test's fixture lab lives elsewhere) */
  readonly exerciseRoot?: string;
  /** "auto": the strongest isolation here; "none": a plain child process (a learner's machine without bwrap). */
  readonly isolation?: "auto" | "none";
  /** SES-confine the submission. Turning it off runs raw Node code (only to test the OS fence). @default true */
  readonly confine?: boolean;
  readonly signal?: AbortSignal;
}

export type SandboxedOutcome = ExerciseOutcome & {
  readonly isolation: IsolationReport;
  /** The per-job uid the run used, when the mode has one (a test can prove none of its processes is left). */
  readonly jobUid?: number;
};

/** What a lab's limits mean for the OS (sandbox-anchors §2.2: about 1 GB of address space per V8 isolate). */
export function limitsFor(lab: PublicLab, scenario: ScenarioSpec): Partial<SandboxLimits> {
  const { workers, heapMb } = lab.limits;
  const wallMs = scenario.wallMs ?? lab.limits.wallMs;
  const threads = Math.min(1 + workers, availableParallelism());
  return {
    wallMs,
    // A backstop above the wall clock: every thread busy for the whole wall time still fits.
    cpuSeconds: Math.ceil((wallMs / 1000) * threads) + 2,
    addressSpaceMb: 1024 * (1 + workers) + heapMb,
    processes: 64 + 8 * workers,
    openFiles: 512 + 16 * workers,
  };
}

const KEPT_LOG = 64 * 1024;

function keptLog(output: string): string {
  if (output.length <= KEPT_LOG) return output;
  return `${output.slice(0, KEPT_LOG)}\n… (${output.length - KEPT_LOG} more characters not kept)`;
}

function endMessage(run: SandboxResult, lab: PublicLab, scenario: ScenarioSpec): { exit: RunExit; message: string } | undefined {
  const mb = (n: number) => `${n} MB`;
  switch (run.end) {
    case "timeout":
      return { exit: "timeout", message: `no result within ${run.limits.wallMs} ms (wall-clock limit): the run was killed — an endless loop, a deadlock or a wait that never ends?` };
    case "cpu-limit":
      return { exit: "cpu-limit", message: `the run used more than ${run.limits.cpuSeconds} s of CPU time and was killed` };
    case "heap-limit":
      return { exit: "heap-limit", message: `the JavaScript heap went past its ${mb(lab.limits.heapMb)} limit and the run was killed` };
    case "address-space-limit":
      return {
        exit: "address-space-limit",
        message: `infrastructure: the address-space limit (${mb(run.limits.addressSpaceMb)}) was too small for this lab's ${lab.limits.workers} worker(s); not the submission's fault`,
      };
    case "output-limit":
      return { exit: "output-limit", message: `the run printed more than ${run.limits.maxOutputBytes} bytes (or flooded the result channel) and was killed` };
    case "aborted":
      return { exit: "error", message: `grading of ${scenario.id} was cancelled` };
    case "signalled":
      return { exit: "crashed", message: `the runner was killed by ${run.signal} before the exercise finished` };
    case "exited":
      return undefined;
  }
}

function outcomeOf(run: SandboxResult, channel: ChannelReader, lab: PublicLab, scenario: ScenarioSpec): SandboxedOutcome {
  const common = { log: keptLog(run.output), wallMs: run.wallMs, isolation: run.isolation, jobUid: run.uid };
  if (channel.forgeries.length > 0) {
    const kinds = [...new Set(channel.forgeries)].join("; ");
    return { ...common, exit: "error", observations: [], message: `the result channel carried records that are not the runner's (${kinds}): the run is void` };
  }
  const observations = channel.observations;
  const ended = endMessage(run, lab, scenario);
  if (ended) return { ...common, ...ended, observations };
  if (channel.error !== undefined) return { ...common, exit: "error", observations, message: channel.error };
  if (channel.done && run.code === 0) return { ...common, exit: "ok", observations };
  return {
    ...common,
    exit: "crashed",
    observations,
    message: `the runner ended with exit code ${run.code} before the exercise finished (an early process.exit, or a crash)`,
  };
}

export async function runScenario(lab: PublicLab, scenario: ScenarioSpec, code: SubmissionCode, options: RunScenarioOptions): Promise<SandboxedOutcome> {
  const exercise = resolve(options.exerciseRoot ?? options.distRoot, lab.exercise);
  const paths = runnerPaths(options.distRoot, exercise);
  const confined = options.confine ?? true;
  const nonce = randomBytes(16).toString("hex");
  const spec: RunnerSpec = { nonce, exercise, scenario, code, confined };
  const channel = new ChannelReader(nonce);
  const run = await runSandboxed([process.execPath, `--max-old-space-size=${lab.limits.heapMb}`, paths.main], {
    isolation: options.isolation ?? "auto",
    confine: confined,
    readOnly: paths.readOnly,
    limits: limitsFor(lab, scenario),
    input: JSON.stringify(spec),
    onChannel: (chunk) => channel.push(chunk),
    signal: options.signal,
  });
  channel.finish();
  if (run.leftover > 0) {
    // The OS refused to let us clean up: say so loudly rather than grade on a dirty machine.
    return {
      exit: "crashed",
      observations: [],
      message: `infrastructure: ${run.leftover} process(es) of job uid ${run.uid} survived cleanup`,
      log: keptLog(run.output),
      wallMs: run.wallMs,
      isolation: run.isolation,
      jobUid: run.uid,
    };
  }
  return outcomeOf(run, channel, lab, scenario);
}
