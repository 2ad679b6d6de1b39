/**
 * What is wrong with one seed's run, if anything: the judge's rule, kept here
 * so the exercise can apply the same rule to decide which runs deserve a
 * message trace for the diagram (the judge alone decides the score, from the
 * observations).
 *
 * In order: the node's code threw; the node was in a state no Raft node can
 * be in; safety (one leader per term, committed entries agree, every leader
 * holds what was committed before it, the client history is linearizable);
 * liveness (once the faults are over, clients' operations commit and none is
 * left without an answer).
 */
import {
  checkConsensus,
  checkLinearizability,
  type ConsensusObservation,
  type HistoryOperation,
  type MessageRecord,
  type RunEvent,
} from "../../../runtime/index.js";
import type { RunTrace } from "./harness.js";
import { clientStopMs, type ScenarioParams } from "./params.js";

/** What the exercise reports for one seed. */
export interface SeedObservation {
  kind: "seed";
  seed: number;
  /** simulate(program, { replay }) reproduces the run. */
  replay: string;
  endMs: number;
  nodes: string[];
  clients: string[];
  trace: RunTrace;
  /** [node, atMs, error]: the node's code threw (the node is down for the rest of the run). */
  threw: Array<[string, number, string]>;
  /** Client operations, except the "not the leader" refusals (definite failures that say nothing about safety). */
  history: HistoryOperation[];
  refused: number;
  /** Partitions, heals, crashes, restarts, pauses. */
  faults: RunEvent[];
  /** The messages around the anomaly, only for runs the exercise found wrong (for the diagram). */
  messages?: MessageRecord[];
}

export interface SeedProblem {
  anomaly: string;
  message: string;
  details: string;
  /** The part of the run the diagram should show. */
  fromMs: number;
  toMs: number;
  /** Client operations to highlight. */
  witnessOps?: number[];
}

/** The trace as the consensus checker's observations. */
export function consensusObservationsOf(trace: RunTrace): ConsensusObservation[] {
  return [
    ...trace.leaders.map(([node, atMs, term]): ConsensusObservation => ({ kind: "role", node, atMs, term, role: "leader" })),
    ...trace.leaderLogs.map(([node, atMs, term, entries]): ConsensusObservation => ({
      kind: "log",
      node,
      atMs,
      term,
      role: "leader",
      entries: entries.map(([value, entryTerm], i) => ({ index: i + 1, value, entryTerm })),
    })),
    ...trace.commits.map(([node, atMs, term, index, value, entryTerm]): ConsensusObservation => ({ kind: "commit", node, atMs, term, index, value, entryTerm })),
  ];
}

const WINDOW_BEFORE_MS = 500;
const WINDOW_AFTER_MS = 150;

function around(times: number[]): { fromMs: number; toMs: number } {
  const finite = times.filter((t) => Number.isFinite(t));
  if (finite.length === 0) return { fromMs: 0, toMs: Infinity };
  return { fromMs: Math.max(0, Math.min(...finite) - WINDOW_BEFORE_MS), toMs: Math.max(...finite) + WINDOW_AFTER_MS };
}

function faultsLine(run: SeedObservation): string {
  const shown = run.faults.map((e) => `${e.atMs} ms ${e.kind}${e.node ? ` ${e.node}` : ""}${e.groups ? ` ${e.groups.map((g) => `[${g.join(",")}]`).join(" ")}` : ""}`);
  return shown.length === 0 ? "faults: none" : `faults: ${shown.join("; ")}`;
}

function safetyProblem(run: SeedObservation): SeedProblem | undefined {
  const consensus = checkConsensus(consensusObservationsOf(run.trace));
  if (!consensus.ok) {
    const witness = (consensus.details?.witness as Array<{ atMs: number }> | undefined) ?? [];
    return {
      anomaly: consensus.anomaly ?? "consensus",
      message: consensus.message.split("\n")[0]!,
      details: `${consensus.message}\n${faultsLine(run)}`,
      ...around(witness.map((o) => o.atMs)),
    };
  }
  const linearizable = checkLinearizability(run.history, { model: "kv" });
  if (!linearizable.ok && !linearizable.unknown) {
    const ids = new Set(linearizable.witness ?? []);
    const ops = run.history.filter((op) => ids.has(op.id));
    return {
      anomaly: "nonlinearizable",
      message: `nonlinearizable: clients saw the key-value store go back in time or skip a write`,
      details: `${linearizable.message}\n${faultsLine(run)}`,
      ...around(ops.flatMap((op) => [op.invokeMs, op.completeMs ?? op.invokeMs])),
      witnessOps: [...ids],
    };
  }
  return undefined;
}

/** Enough answered operations once the faults are over, and no operation left hanging. */
const MIN_LIVE_OPS = 3;

function livenessProblem(run: SeedObservation, params: ScenarioParams, fromMs: number): SeedProblem | undefined {
  const stopMs = clientStopMs(params);
  const late = run.history.filter((op) => op.invokeMs >= fromMs && op.invokeMs <= stopMs);
  const ok = late.filter((op) => op.outcome === "ok");
  const hanging = late.filter((op) => op.outcome === "info" || op.outcome === undefined);
  const leadersAfter = run.trace.leaders.filter(([, atMs]) => atMs <= stopMs);
  const lastLeader = leadersAfter.reduce<[string, number, number] | undefined>((best, row) => (best === undefined || row[2] > best[2] ? row : best), undefined);
  const leaderText =
    lastLeader === undefined ? "no node ever became leader" : `the last leader elected was ${lastLeader[0]} (term ${lastLeader[2]}, at ${lastLeader[1]} ms)`;
  if (hanging.length > 0) {
    const op = hanging[0]!;
    const claims = run.trace.leaders.filter(([node, atMs]) => node === op.node && atMs <= op.invokeMs);
    const claim = claims[claims.length - 1];
    const why = claim === undefined ? "" : ` ${op.node} became leader of term ${claim[2]} at ${claim[1]} ms and took the request, but never committed it;`;
    return {
      anomaly: "no-progress",
      message: `liveness: operation #${op.id} (${op.f} on key ${op.key}) sent to ${op.node} at ${op.invokeMs} ms, after the faults were over, got no answer within ${(op.completeMs ?? run.endMs) - op.invokeMs} ms`,
      details: `faults end by ${fromMs} ms; every operation from then on must be answered.${why} ${leaderText}.\n${hanging.length} of ${late.length} operations from ${fromMs} ms on got no answer.\n${faultsLine(run)}`,
      fromMs: Math.max(0, op.invokeMs - WINDOW_BEFORE_MS),
      toMs: (op.completeMs ?? run.endMs) + WINDOW_AFTER_MS,
      witnessOps: [op.id],
    };
  }
  if (ok.length < MIN_LIVE_OPS) {
    return {
      anomaly: "no-leader",
      message: `liveness: only ${ok.length} client operation(s) committed between ${fromMs} and ${stopMs} ms, after the faults were over (every node answered "not the leader"): ${leaderText}`,
      details: `${late.length} operations were sent from ${fromMs} ms on, ${run.refused} refusals in the whole run; a cluster whose network is whole must elect a leader within a few election timeouts (split votes are what randomized timeouts prevent).\n${faultsLine(run)}`,
      fromMs: Math.max(0, fromMs - 200),
      toMs: Math.min(stopMs, fromMs + 500),
    };
  }
  return undefined;
}

export function seedProblem(run: SeedObservation, params: ScenarioParams): SeedProblem | undefined {
  if (run.threw.length > 0) {
    const [node, atMs, error] = run.threw[0]!;
    return {
      anomaly: "threw",
      message: `${node}'s RaftNode threw at ${atMs} ms: ${error}`,
      details: `A node whose code throws crashes and stays down. ${run.threw.length} node crash(es) by a throw in this run:\n${run.threw.map(([n, t, e]) => `  ${n} at ${t} ms: ${e}`).join("\n")}`,
      ...around([atMs]),
    };
  }
  if (run.trace.invalid.length > 0) {
    const [node, atMs, what] = run.trace.invalid[0]!;
    return { anomaly: "invalid-state", message: `${node} at ${atMs} ms: ${what}`, details: faultsLine(run), ...around([atMs]) };
  }
  if (params.safety) {
    const problem = safetyProblem(run);
    if (problem !== undefined) return problem;
  }
  if (params.livenessFromMs !== null) return livenessProblem(run, params, params.livenessFromMs);
  return undefined;
}
