/**
 * What a learner's Raft node implements, and what the lab's harness gives it.
 *
 * The learner writes ONE class (`RaftNode`, self-contained: a notebook cell
 * and the grader's sandbox both give it no modules). The harness owns
 * everything around it: the network, timers, client requests, the key-value
 * state machine that applies committed commands, and what the grader observes.
 * It reads the node's state (`role`, `currentTerm`, `log`, `commitIndex`)
 * after every message and timer it hands the node, so what is graded is what
 * the node did, never what it says about itself.
 *
 * Log indices are 1-based, as in the Raft paper: the entry at index i is
 * `log[i - 1]`, and index 0 (term 0) is the empty prefix every log shares.
 */

/** A client's command, or null for a leader's no-op. `id` is unique in the run. */
export type Command =
  | { id: string; op: "read"; key: string }
  | { id: string; op: "write"; key: string; value: unknown }
  | { id: string; op: "cas"; key: string; from: unknown; to: unknown };

export interface LogEntry {
  /** The term of the leader that created the entry. */
  term: number;
  /** A client command, or null (a new leader's no-op, which lets it commit entries of earlier terms). */
  command: Command | null;
}

export type Role = "follower" | "candidate" | "leader";

/** A candidate asks for a vote (its own id is the message's sender). */
export interface RequestVote {
  type: "request_vote";
  term: number;
  lastLogIndex: number;
  lastLogTerm: number;
}

export interface Vote {
  type: "vote";
  term: number;
  granted: boolean;
}

/** A leader's heartbeat and replication: `entries` follow index `prevLogIndex`, whose entry has term `prevLogTerm`. */
export interface AppendEntries {
  type: "append_entries";
  term: number;
  prevLogIndex: number;
  prevLogTerm: number;
  entries: LogEntry[];
  leaderCommit: number;
}

/** A follower's answer: on success, its log matches the leader's up to `matchIndex`. */
export interface AppendReply {
  type: "append_reply";
  term: number;
  success: boolean;
  matchIndex: number;
}

export type RaftMessage = RequestVote | Vote | AppendEntries | AppendReply;

/** Survives a crash and restart; everything else (fields, closures) is lost. Values are copied in and out. */
export interface DurableStorage {
  get<T = unknown>(key: string): T | undefined;
  set(key: string, value: unknown): void;
}

/** What the harness gives a RaftNode (the node API, narrowed to what Raft needs). */
export interface RaftHost {
  /** This node's id ("n0", "n1", ...). */
  readonly id: string;
  /** Every other node's id. */
  readonly peers: readonly string[];
  /** How many nodes make a majority (of all nodes, this one included). */
  readonly majority: number;
  /** Sends a Raft message to a peer; it may be lost, delayed, duplicated or reordered. */
  send(to: string, message: RaftMessage): void;
  /** Runs `fn` once after `delayMs`; returns an id for `cancel`. Timers die with the node. */
  setTimer(delayMs: number, fn: () => void): number;
  /** Runs `fn` every `intervalMs`. */
  every(intervalMs: number, fn: () => void): number;
  cancel(timer: number): void;
  /** Seeded randomness in [0, 1): the only randomness to use (a run replays exactly). */
  random(): number;
  readonly storage: DurableStorage;
  /** A line in the run's log, for your own debugging. */
  log(...parts: unknown[]): void;
}

/** What the harness reads after every step (public fields of the class). */
export interface RaftNodeState {
  readonly role: Role;
  readonly currentTerm: number;
  readonly log: readonly LogEntry[];
  readonly commitIndex: number;
}

/** The learner's node: one instance per node and per life (a restart constructs a new one). */
export interface RaftNodeInstance extends RaftNodeState {
  /** A Raft message from peer `from`. */
  receive(from: string, message: RaftMessage): void;
  /** Appends a client command if this node leads; false (appending nothing) otherwise. */
  propose(command: Command): boolean;
}

export type RaftNodeClass = new (host: RaftHost) => RaftNodeInstance;
