/**
 * Lab "consensus", inside the sandbox: runs the learner's RaftNode in the
 * deterministic simulator once per seed of the scenario (faults drawn from the
 * seed, a key-value workload of three clients) and emits one observation per
 * seed: who led which term, what each node committed, the client history, the
 * faults, the replay line. It stops at the first seed that breaks the judge's
 * rule (seed-verdict.ts), sending the messages around the anomaly for the
 * diagram with it. The judge (labs/consensus/judge.ts) decides, from the
 * observations alone.
 */
import type { ExerciseContext, JsonValue, SubmissionCode } from "../../../grader/lab/types.js";
import { loadSubmission } from "../../../grader/runner/load-submission.js";
import { simulate, type MessageRecord, type RunRecord } from "../../../runtime/index.js";
import { emptyTrace, raftProgram } from "./harness.js";
import { CLIENT_THINK_MS, CLIENT_TIMEOUT_MS, clientStopMs, faultSchedule, parseParams, type ScenarioParams } from "./params.js";
import { seedProblem, type SeedObservation } from "./seed-verdict.js";

const MAX_TRACED_MESSAGES = 2500;
const NOT_LEADER = "temporarily-unavailable";

export async function run(context: ExerciseContext): Promise<void> {
  const params = parseParams(context.scenario.params);
  if (typeof context.submission.RaftNode !== "function") {
    throw new Error(`the submission's RaftNode is ${typeof context.submission.RaftNode}, not a class`);
  }
  const code = asFactory(context.code);
  for (const seed of params.seeds) {
    const factory = loadSubmission(code, { confined: context.confined }).factory as () => Record<string, unknown>;
    const observation = await runSeed(params, seed, () => factory().RaftNode);
    const problem = seedProblem(observation.seedRun, params);
    if (problem !== undefined) observation.seedRun.messages = messagesBetween(observation.record, problem.fromMs, problem.toMs);
    context.emit(observation.seedRun as unknown as JsonValue);
    // The scenario has failed (the judge applies the same rule and checks this seed itself): the seeds after it would change nothing.
    if (problem !== undefined) return;
  }
}

/**
 * The submission wrapped in a function that evaluates it afresh on each call,
 * so each life of each node gets its own module (its own class, its own
 * top-level variables: nodes share nothing but the network, and a restart
 * keeps nothing but durable storage), while the code is parsed once per run
 * (a module loaded per life would run cold, unoptimized code every time).
 */
function asFactory(code: SubmissionCode): SubmissionCode {
  return {
    name: code.name,
    js: `exports.factory = function () {\nconst module = { exports: {} };\n(function (exports, module) {\n${code.js}\n})(module.exports, module);\nreturn module.exports;\n};\n`,
  };
}

async function runSeed(params: ScenarioParams, seed: number, loadClass: () => unknown): Promise<{ seedRun: SeedObservation; record: RunRecord }> {
  const trace = emptyTrace();
  const run = await simulate(raftProgram(loadClass, trace), {
    seed,
    nodes: params.nodes,
    durationMs: params.durationMs,
    faults: faultSchedule(params, seed),
    ...(params.network !== null ? { network: params.network } : {}),
    workload: { kind: "register", keys: 3, values: 5, clients: params.clients, thinkMs: CLIENT_THINK_MS, timeoutMs: CLIENT_TIMEOUT_MS, stopMs: clientStopMs(params) },
    recordLogs: false,
    progress: false,
  });
  const { record } = run;
  const threw = record.events.filter((e) => e.kind === "crash" && e.detail?.startsWith("threw: "));
  const seedRun: SeedObservation = {
    kind: "seed",
    seed,
    replay: run.replay,
    endMs: record.endMs,
    nodes: record.nodes,
    clients: record.clients,
    trace,
    threw: threw.map((e) => [e.node ?? "?", e.atMs, e.detail!.slice("threw: ".length)]),
    history: record.history.filter((op) => !(op.outcome === "fail" && op.error === NOT_LEADER)),
    refused: record.history.filter((op) => op.outcome === "fail" && op.error === NOT_LEADER).length,
    faults: record.events.filter((e) => e.kind !== "log" && e.kind !== "timer" && !threw.includes(e)),
  };
  return { seedRun, record };
}

/** The messages sent or delivered in [fromMs, toMs], bodies shortened (a leader's entries can be long). */
function messagesBetween(record: RunRecord, fromMs: number, toMs: number): MessageRecord[] {
  const inWindow = record.messages.filter((m) => (m.sentMs >= fromMs && m.sentMs <= toMs) || (m.deliveredMs !== undefined && m.deliveredMs >= fromMs && m.deliveredMs <= toMs));
  return inWindow.slice(-MAX_TRACED_MESSAGES).map((m) => {
    const entries = (m.body as { entries?: unknown }).entries;
    const body = Array.isArray(entries) && entries.length > 3 ? { ...(m.body as object), entries: [...entries.slice(0, 3), `… ${entries.length - 3} more`] } : m.body;
    return { ...m, body } as MessageRecord;
  });
}
