import type { NodeContext } from "../context.js";
import type { Envelope } from "../message.js";
import { RaftLog, type RaftEntry } from "./raft-log.js";
import type { AppendEntries, AppendReply, RequestVote, VoteReply } from "./raft-messages.js";
import { observeCommit, observeLeader } from "./raft-observe.js";

export interface RaftOptions {
  /** A follower that hears no leader for a random time in [t, 2t) starts an election. @default 150 */
  electionTimeoutMs?: number;
  /** How often a leader sends AppendEntries (its heartbeat) to every follower. @default 30 */
  heartbeatMs?: number;
  /** At most this many entries per AppendEntries message. @default 64 */
  maxBatch?: number;
  /**
   * A deliberate mistake, for the notebooks and the checker's tests:
   *   "volatile-vote"     currentTerm and votedFor are kept in memory only, so
   *                       a node that voted, crashed and restarted votes
   *                       again in the same term: two leaders of one term
   *                       (the consensus checker's two-leaders);
   *   "vote-ignores-log"  a voter grants its vote without checking that the
   *                       candidate's log is at least as up to date as its
   *                       own, so a stale node can win and overwrite
   *                       committed entries (lost-commit, divergent-commit).
   */
  broken?: "volatile-vote" | "vote-ignores-log";
}

/** The replicated state machine Raft drives: `apply` runs each committed command once, in log order, on every node. It must be deterministic. */
export interface RaftStateMachine {
  /** `id` is the request's id (unique in the cluster), `index` its position in the log. */
  apply(command: unknown, index: number, id: string): unknown;
}

/** What a service built on Raft sees. */
export interface Raft {
  /**
   * Appends a command to the log if this node leads, and calls `onApplied`
   * with what the state machine returned once it is committed and applied
   * here (never, if this node loses the entry to a new leader). Returns false,
   * appending nothing, when this node does not lead (ask `leader`). A request
   * `id` already applied is not applied again: its first result comes back.
   *
   * A callback rather than a promise: a promise this node resolves itself
   * would run its continuation whenever the world next drains promise work,
   * not at the commit's virtual instant.
   */
  submit(command: unknown, id: string, onApplied: (result: unknown) => void): boolean;
  /**
   * Calls `onApplied` when this node applies the request `id` (at once if it
   * already has), whoever appended it: a follower that forwarded a request
   * learns its result from its own state machine. The returned function
   * stops waiting.
   */
  whenApplied(id: string, onApplied: (result: unknown) => void): () => void;
  /** A request id unique across nodes and restarts (node, incarnation, counter). */
  newRequestId(): string;
  readonly isLeader: boolean;
  /** The leader this node last heard from in its current term, if any. */
  readonly leader: string | undefined;
  readonly term: number;
  readonly commitIndex: number;
}

type Role = "follower" | "candidate" | "leader";

/**
 * Raft (Ongaro and Ousterhout, 2014): leader election and log replication,
 * with a new leader's no-op entry, applied through a state machine callback.
 * The node's message handlers for request_vote, vote_reply, append_entries
 * and append_reply are registered here; a service adds its own.
 *
 * Invariants: at most one leader per term (a vote is cast once per term and
 * written to durable storage before it is sent); a leader only appends; logs
 * that agree on an (index, term) agree on everything before it (AppendEntries
 * carries the previous entry's term); an entry is committed when a majority
 * stores it and it is of the leader's own term; a voter refuses a candidate
 * whose log is less up to date than its own, so every leader holds every
 * committed entry. Hence no two nodes ever apply different commands at one
 * index (State Machine Safety).
 *
 * Tolerates: crash and restart of any node, even all of them (term, vote and
 * log are durable; commit index and state machine are rebuilt from the log),
 * partitions, message loss, duplication and reordering (every message is
 * idempotent and carries its term), pauses and clock skew (timing affects
 * only liveness). Progress needs a majority that can talk for a few election
 * timeouts. Not implemented: snapshots and log compaction, membership
 * changes.
 */
export function startRaft(node: NodeContext, machine: RaftStateMachine, options: RaftOptions = {}): Raft {
  const electionTimeoutMs = options.electionTimeoutMs ?? 150;
  const maxBatch = options.maxBatch ?? 64;
  const log = new RaftLog(node.storage, options.broken === "volatile-vote");
  const majority = Math.floor(node.nodeIds.length / 2) + 1;
  const incarnation = (node.storage.get<number>("raft.incarnation") ?? 0) + 1;
  node.storage.set("raft.incarnation", incarnation);
  let requestCounter = 0;

  // Volatile state: lost on a crash and rebuilt from the log and the leader.
  let role: Role = "follower";
  let leader: string | undefined;
  let commitIndex = 0;
  let lastApplied = 0;
  let votes = new Set<string>();
  const nextIndex = new Map<string, number>();
  const matchIndex = new Map<string, number>();
  /** Results of applied requests by id: a request appended twice is applied once (the paper's client sessions, §8). */
  const results = new Map<string, unknown>();
  const waiting = new Map<string, (result: unknown) => void>();
  let electionTimer: number | undefined;

  const resetElectionTimer = () => {
    if (electionTimer !== undefined) node.cancel(electionTimer);
    electionTimer = node.setTimer(electionTimeoutMs * (1 + node.random.next()), startElection);
  };

  /** Adopts `term` if it is newer and becomes a follower; a leader that steps down needs its election timer back. */
  function becomeFollower(term: number): void {
    if (term > log.currentTerm) {
      log.setTerm(term);
      leader = undefined;
    }
    if (role === "follower") return;
    const wasLeader = role === "leader";
    role = "follower";
    if (wasLeader) resetElectionTimer();
  }

  function startElection(): void {
    if (role === "leader") return;
    role = "candidate";
    leader = undefined;
    log.setTerm(log.currentTerm + 1);
    log.recordVote(node.id);
    votes = new Set([node.id]);
    resetElectionTimer();
    if (votes.size >= majority) return becomeLeader();
    askForVotes();
  }

  /** Asks every peer whose vote is missing; a candidate asks again each heartbeat, since requests and replies get lost. */
  function askForVotes(): void {
    const request: RequestVote = { type: "request_vote", term: log.currentTerm, lastLogIndex: log.lastIndex, lastLogTerm: log.lastTerm };
    for (const peer of node.peers) if (!votes.has(peer)) node.send(peer, request);
  }

  function becomeLeader(): void {
    role = "leader";
    leader = node.id;
    if (electionTimer !== undefined) node.cancel(electionTimer);
    electionTimer = undefined;
    observeLeader(node, log);
    for (const peer of node.peers) {
      nextIndex.set(peer, log.lastIndex + 1);
      matchIndex.set(peer, 0);
    }
    // A no-op of its own term lets the leader commit (and so apply) what earlier leaders left uncommitted.
    log.append({ term: log.currentTerm, id: "", command: null });
    advanceLeaderCommit();
    for (const peer of node.peers) sendAppend(peer);
  }

  function sendAppend(peer: string): void {
    const next = nextIndex.get(peer)!;
    const message: AppendEntries = {
      type: "append_entries",
      term: log.currentTerm,
      prevLogIndex: next - 1,
      prevLogTerm: log.termAt(next - 1),
      entries: log.slice(next, maxBatch),
      leaderCommit: commitIndex,
    };
    node.send(peer, message);
  }

  /** The leader commits the newest entry of its own term that a majority stores (never an older term's entry by counting: Figure 8). */
  function advanceLeaderCommit(): void {
    for (let n = log.lastIndex; n > commitIndex && log.termAt(n) === log.currentTerm; n--) {
      let stored = 1;
      for (const peer of node.peers) if (matchIndex.get(peer)! >= n) stored++;
      if (stored >= majority) return commitUpTo(n);
    }
  }

  function commitUpTo(index: number): void {
    for (let i = commitIndex + 1; i <= index; i++) observeCommit(node, log.currentTerm, i, log.entry(i));
    commitIndex = index;
    while (lastApplied < commitIndex) {
      lastApplied++;
      const entry = log.entry(lastApplied);
      if (entry.id === "") continue; // a leader's no-op
      const result = results.has(entry.id) ? results.get(entry.id) : machine.apply(entry.command, lastApplied, entry.id);
      results.set(entry.id, result);
      const resolve = waiting.get(entry.id);
      waiting.delete(entry.id);
      resolve?.(result);
    }
  }

  node.on<RequestVote>("request_vote", (msg: Envelope<RequestVote>) => {
    const m = msg.body;
    if (m.term > log.currentTerm) becomeFollower(m.term);
    const upToDate = m.lastLogTerm > log.lastTerm || (m.lastLogTerm === log.lastTerm && m.lastLogIndex >= log.lastIndex);
    const free = log.votedFor === null || log.votedFor === msg.src;
    const granted = m.term === log.currentTerm && free && (upToDate || options.broken === "vote-ignores-log");
    if (granted) {
      log.recordVote(msg.src); // durable before the reply leaves
      resetElectionTimer();
    }
    node.send(msg.src, { type: "vote_reply", term: log.currentTerm, granted } satisfies VoteReply);
  });

  node.on<VoteReply>("vote_reply", (msg: Envelope<VoteReply>) => {
    const m = msg.body;
    if (m.term > log.currentTerm) return becomeFollower(m.term);
    if (role !== "candidate" || m.term !== log.currentTerm || !m.granted) return;
    votes.add(msg.src);
    if (votes.size >= majority) becomeLeader();
  });

  node.on<AppendEntries>("append_entries", (msg: Envelope<AppendEntries>) => {
    const m = msg.body;
    const reply = (success: boolean, matchIndex: number, conflictIndex: number) =>
      node.send(msg.src, { type: "append_reply", term: log.currentTerm, success, matchIndex, conflictIndex } satisfies AppendReply);
    if (m.term < log.currentTerm) return reply(false, 0, 0);
    becomeFollower(m.term); // a candidate of this term learns it lost
    leader = msg.src;
    resetElectionTimer();
    if (m.prevLogIndex > log.lastIndex) return reply(false, 0, log.lastIndex + 1);
    const prevTerm = log.termAt(m.prevLogIndex);
    if (prevTerm !== m.prevLogTerm) return reply(false, 0, log.firstIndexOfTerm(prevTerm, m.prevLogIndex));
    let index = m.prevLogIndex;
    for (const entry of m.entries) {
      index++;
      if (index <= log.lastIndex) {
        // Same index and term means the same entry; only a conflict may cut the log (a late, shorter message must not).
        if (log.termAt(index) === entry.term) continue;
        log.truncateFrom(index);
      }
      log.append(entry);
    }
    // Only what this message vouched for may be committed: the log may hold an unverified tail beyond it.
    const verified = m.prevLogIndex + m.entries.length;
    if (m.leaderCommit > commitIndex) commitUpTo(Math.min(m.leaderCommit, verified));
    reply(true, verified, 0);
  });

  node.on<AppendReply>("append_reply", (msg: Envelope<AppendReply>) => {
    const m = msg.body;
    if (m.term > log.currentTerm) return becomeFollower(m.term);
    if (role !== "leader" || m.term !== log.currentTerm) return; // stale: an earlier term's answer
    const peer = msg.src;
    const matched = matchIndex.get(peer)!;
    // Only an answer that teaches the leader something sends more at once: if duplicates and stale answers
    // did too, each round trip would multiply the messages in flight (a storm under heavy duplication).
    if (m.success) {
      if (m.matchIndex <= matched) return;
      matchIndex.set(peer, m.matchIndex);
      nextIndex.set(peer, Math.max(nextIndex.get(peer)!, m.matchIndex + 1));
      advanceLeaderCommit();
      if (nextIndex.get(peer)! <= log.lastIndex) sendAppend(peer);
    } else {
      const next = Math.max(matched + 1, Math.min(nextIndex.get(peer)!, m.conflictIndex));
      if (next >= nextIndex.get(peer)!) return; // the heartbeat retries anyway
      nextIndex.set(peer, next);
      sendAppend(peer);
    }
  });

  node.every(options.heartbeatMs ?? 30, () => {
    if (role === "leader") for (const peer of node.peers) sendAppend(peer);
    else if (role === "candidate") askForVotes();
  });
  resetElectionTimer();

  return {
    submit(command, id, onApplied) {
      if (role !== "leader") return false;
      if (results.has(id)) {
        onApplied(results.get(id));
        return true;
      }
      waiting.set(id, onApplied);
      log.append({ term: log.currentTerm, id, command } satisfies RaftEntry);
      advanceLeaderCommit(); // a cluster of one commits at once
      for (const peer of node.peers) sendAppend(peer);
      return true;
    },
    whenApplied(id, onApplied) {
      if (results.has(id)) {
        onApplied(results.get(id));
        return () => {};
      }
      waiting.set(id, onApplied);
      return () => {
        if (waiting.get(id) === onApplied) waiting.delete(id);
      };
    },
    newRequestId: () => `${node.id}.${incarnation}.${++requestCounter}`,
    get isLeader() {
      return role === "leader";
    },
    get leader() {
      return leader;
    },
    get term() {
      return log.currentTerm;
    },
    get commitIndex() {
      return commitIndex;
    },
  };
}
