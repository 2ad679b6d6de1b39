/**
 * Safety of a consensus protocol (Raft-style leader election and log
 * replication) from what its nodes say about themselves:
 *
 *   two-leaders       two nodes claim leadership in the same term (Election Safety);
 *   divergent-commit  two nodes commit different entries at the same index (State Machine Safety);
 *   lost-commit       a leader's log lacks an entry committed in an earlier term (Leader Completeness).
 *
 * Observations come as a list, or from a run's `log` events whose detail is
 * `consensus ` followed by the observation as JSON without node and atMs
 * (the event gives those), for example
 *   node.log(`consensus ${JSON.stringify({ kind: "role", term, role: "leader" })}`)
 *   node.log(`consensus ${JSON.stringify({ kind: "commit", term, index, value, entryTerm })}`)
 *   node.log(`consensus ${JSON.stringify({ kind: "log", term, role: "leader", entries })}`)
 */
import type { CheckVerdict, RunEvent, RunRecord } from "../core/history.js";
import { CheckInputError } from "./errors.js";
import { canonicalJson } from "./json.js";
import { loggedObservations } from "./logged-observations.js";
import { withReplay } from "./run-input.js";

/** A node's role in a term: emit "leader" when it wins an election (others are optional). */
export interface RoleObservation {
  kind: "role";
  atMs: number;
  node: string;
  term: number;
  role: "leader" | "follower" | "candidate";
}

/** A node learned that the entry at `index` (1-based log position) is committed; emit once per index, when commitIndex passes it. */
export interface CommitObservation {
  kind: "commit";
  atMs: number;
  node: string;
  /** The node's current term when it learned of the commit (not the entry's term). */
  term: number;
  index: number;
  /** The entry's command (compared as canonical JSON). */
  value: unknown;
  /** The term in which the entry was created, when known: compared too. */
  entryTerm?: number;
}

/** A leader's whole log at a moment, for example right after it wins an election. */
export interface LogObservation {
  kind: "log";
  atMs: number;
  node: string;
  term: number;
  role: "leader";
  entries: Array<{ index: number; value: unknown; entryTerm?: number }>;
}

export type ConsensusObservation = RoleObservation | CommitObservation | LogObservation;

/** The prefix of a log event's detail that carries a consensus observation. */
export const CONSENSUS_LOG_PREFIX = "consensus ";

/** Consensus observations from a run's log events (see the file comment for the format). */
export function consensusObservations(events: readonly RunEvent[]): ConsensusObservation[] {
  return loggedObservations(events, CONSENSUS_LOG_PREFIX, "consensus").map(
    ({ node, atMs, body }) => ({ ...(body as object), node, atMs }) as ConsensusObservation,
  );
}

function validate(obs: ConsensusObservation): void {
  const fail = (why: string) => {
    throw new CheckInputError("bad-observation", `consensus observation ${JSON.stringify(obs)}: ${why}`);
  };
  if (!Number.isInteger(obs.term)) fail("term must be an integer");
  if (obs.kind === "commit" && !(Number.isInteger(obs.index) && obs.index >= 0)) fail("index must be a non-negative integer");
  if (obs.kind === "log" && !Array.isArray(obs.entries)) fail("entries must be an array");
  if (obs.kind !== "role" && obs.kind !== "commit" && obs.kind !== "log") fail(`kind must be role, commit or log`);
}

const sameEntry = (a: { value: unknown; entryTerm?: number }, b: { value: unknown; entryTerm?: number }) =>
  canonicalJson(a.value) === canonicalJson(b.value) && (a.entryTerm === undefined || b.entryTerm === undefined || a.entryTerm === b.entryTerm);

const show = (o: ConsensusObservation) =>
  o.kind === "role"
    ? `${o.node} is ${o.role} of term ${o.term} at ${o.atMs} ms`
    : o.kind === "commit"
      ? `${o.node} commits ${JSON.stringify(o.value)} at index ${o.index} (term ${o.term}) at ${o.atMs} ms`
      : `${o.node}, leader of term ${o.term}, has ${o.entries.length} entries at ${o.atMs} ms`;

export function checkConsensus(input: RunRecord | readonly ConsensusObservation[]): CheckVerdict {
  return withReplay(judge(input), Array.isArray(input) ? undefined : (input as RunRecord));
}

function judge(input: RunRecord | readonly ConsensusObservation[]): CheckVerdict {
  const observations = (Array.isArray(input) ? [...(input as ConsensusObservation[])] : consensusObservations((input as RunRecord).events)).sort(
    (a, b) => a.atMs - b.atMs,
  );
  observations.forEach(validate);
  const roles = observations.filter((o): o is RoleObservation => o.kind === "role");
  const commits = observations.filter((o): o is CommitObservation => o.kind === "commit");
  const logs = observations.filter((o): o is LogObservation => o.kind === "log");
  const leaders = new Map<number, RoleObservation>();
  const details: Record<string, unknown> = {
    observations: observations.length,
    terms: new Set(roles.map((o) => o.term)).size,
    committedIndices: new Set(commits.map((o) => o.index)).size,
  };
  const bad = (anomaly: string, message: string, witness: ConsensusObservation[]): CheckVerdict => ({
    checker: "consensus",
    ok: false,
    anomaly,
    message: `${anomaly}: ${message}\n${witness.map((o) => `  ${show(o)}`).join("\n")}`,
    details: { ...details, witness },
  });

  for (const o of [...roles, ...logs]) {
    if (o.role !== "leader") continue;
    const first = leaders.get(o.term);
    if (first === undefined) leaders.set(o.term, o as RoleObservation);
    else if (first.node !== o.node) return bad("two-leaders", `${first.node} and ${o.node} both lead term ${o.term}`, [first, o]);
  }

  const committed = new Map<number, CommitObservation>();
  for (const o of commits) {
    const first = committed.get(o.index);
    if (first === undefined) committed.set(o.index, o);
    else if (!sameEntry(first, o)) return bad("divergent-commit", `two different entries committed at index ${o.index}`, [first, o]);
  }

  for (const log of logs) {
    const entries = new Map(log.entries.map((e) => [e.index, e]));
    for (const c of commits) {
      if (c.atMs > log.atMs || c.term >= log.term) continue;
      const entry = entries.get(c.index);
      if (entry === undefined || !sameEntry(entry, c)) {
        return bad("lost-commit", `the leader of term ${log.term} ${entry === undefined ? "lacks" : "has a different entry at"} index ${c.index}, committed in term ${c.term}`, [c, log]);
      }
    }
  }
  return {
    checker: "consensus",
    ok: true,
    message: `safe: ${leaders.size} term(s) with one leader each, ${committed.size} committed index(es) agreed by every node${logs.length > 0 ? `, ${logs.length} leader log(s) complete` : ""}`,
    details,
  };
}
