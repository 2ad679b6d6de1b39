/**
 * What distributed runs record and what checkers and pictures read: client
 * operations (a history, as in Jepsen and Porcupine) and the events of a run
 * (messages, faults, node lifecycle). Produced by the simulator and by the real
 * cluster alike, so a checker never knows which one ran. Times are
 * milliseconds: virtual time in the simulator, wall-clock time since the start
 * of the run on a real cluster.
 */

/**
 * How an operation ended. `info` means the client does not know (a timeout, a
 * crash of the node it talked to): the operation may or may not have taken
 * effect, and a checker must allow both.
 */
export type OperationOutcome = "ok" | "fail" | "info";

export interface HistoryOperation {
  /** Unique in the history, in invocation order. */
  id: number;
  /** The client (process) that issued it; a client has at most one operation in flight. */
  client: string;
  /** What it does: "read", "write", "cas", "add", "broadcast", ... */
  f: string;
  /** The key for keyed stores (linearizability is checked per key). */
  key?: string;
  /** The argument: the value written, [expected, next] for cas, the amount added. */
  input?: unknown;
  /** The result: the value read, for example. Undefined until the operation completes. */
  output?: unknown;
  /** Undefined while the operation has not completed (still pending when the run ended: treated like "info"). */
  outcome?: OperationOutcome;
  invokeMs: number;
  completeMs?: number;
  /** The node the client talked to, when there is one. */
  node?: string;
  /** Error code or reason of a fail or info outcome (Maelstrom's codes where they apply). */
  error?: string;
}

/** A message between two nodes (or a client and a node) and what happened to it. */
export interface MessageRecord {
  /** Unique in the run. */
  id: number;
  src: string;
  dest: string;
  /** The message body's type, e.g. "read", "append_entries", "gossip". */
  type: string;
  /** The body as sent. On a real cluster, undefined for a message whose sender was killed before it reported the send (only the receiver's half survived). */
  body: unknown;
  sentMs: number;
  /** When it was delivered; undefined if it never was. */
  deliveredMs?: number;
  /** Why it was not delivered (or delivered twice): "loss", "partition", "crashed", "duplicate", ... */
  fault?: string;
  /** The id of the message this one duplicates, for duplicates. */
  duplicateOf?: number;
}

/** Something that happened to a node or the network: crash, restart, pause, resume, partition, heal, clock skew, a log line. */
export interface RunEvent {
  atMs: number;
  kind: "crash" | "restart" | "pause" | "resume" | "partition" | "heal" | "skew" | "log" | "timer";
  /** The node it concerns, when it concerns one. */
  node?: string;
  /** For partitions: the groups of nodes that can still talk inside each group. */
  groups?: string[][];
  detail?: string;
}

/** One run, as the pictures and checkers read it. */
export interface RunRecord {
  nodes: string[];
  clients: string[];
  messages: MessageRecord[];
  events: RunEvent[];
  history: HistoryOperation[];
  /** What reproduces the run exactly (seed and options), printed with every failure. */
  replay?: string;
  endMs: number;
}

/** A checker's answer; `witness` is the smallest part of the history that shows the anomaly. */
export interface CheckVerdict {
  checker: string;
  ok: boolean;
  /** The anomaly's name when not ok: "nonlinearizable", "divergence", "two-leaders", "lost-delivery", ... */
  anomaly?: string;
  message: string;
  /** Operation ids of the minimal witness, for the timeline to highlight. */
  witness?: number[];
  /** Checkers that give up (a search too large) say so instead of guessing. */
  unknown?: boolean;
  details?: Record<string, unknown>;
}
