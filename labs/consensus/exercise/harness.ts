/**
 * The node program the simulator runs: the learner's RaftNode wrapped in the
 * lab's plumbing. The harness hands the node its Raft messages and timers,
 * serves clients (a leader's proposal is answered once the entry commits and
 * the harness's key-value store applies it), and watches the node's state
 * after every step to record what the grader judges: who led which term, the
 * leader's log when it won, and each index it committed.
 *
 * The node never reports anything itself: it only gets a narrow RaftHost (no
 * access to the node context, so it cannot write the lines the grader reads,
 * nor talk to clients), and each life of each node gets its own copy of the
 * submission (`loadClass`), so nodes share nothing but the network and a
 * restarted node keeps nothing but its durable storage.
 */
import type { Envelope, NodeContext, NodeProgram, OutgoingBody } from "../../../runtime/index.js";
import type { Command, LogEntry, RaftHost, RaftMessage, RaftNodeInstance } from "./api.js";

export const RAFT_MESSAGE_TYPES: ReadonlySet<string> = new Set(["request_vote", "vote", "append_entries", "append_reply"]);
const CLIENT_TYPES = ["read", "write", "cas"] as const;

/** Maelstrom's error codes the harness answers with. */
const TEMPORARILY_UNAVAILABLE = 11;
const PRECONDITION_FAILED = 22;

/** What one run recorded, in compact rows (this crosses the sandbox's channel for every seed). */
export interface RunTrace {
  /** [node, atMs, term]: the node was leader of the term (first time seen). */
  leaders: Array<[string, number, number]>;
  /** [node, atMs, term, entries as [commandId, entryTerm]]: a leader's whole log when it won. */
  leaderLogs: Array<[string, number, number, Array<[string | null, number]>]>;
  /** [node, atMs, nodeTerm, index, commandId, entryTerm]: the node learned the entry at index is committed. */
  commits: Array<[string, number, number, number, string | null, number]>;
  /** [node, atMs, what]: a state no Raft node can be in (commitIndex beyond its log, or going back). */
  invalid: Array<[string, number, string]>;
}

export function emptyTrace(): RunTrace {
  return { leaders: [], leaderLogs: [], commits: [], invalid: [] };
}

/** The id the grader compares entries by: a client command's id, null for a no-op, a short JSON for anything else. */
export function commandId(command: unknown): string | null {
  if (command === null || command === undefined) return null;
  const id = (command as { id?: unknown }).id;
  if (typeof id === "string") return id;
  return JSON.stringify(command)?.slice(0, 120) ?? String(command);
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** Equal as JSON values (the register's values are small integers, null, or what a cas compares). */
const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/**
 * The program for simulate(): `loadClass` returns a fresh RaftNode class for
 * each life of each node; `trace` collects what the grader judges.
 */
export function raftProgram(loadClass: () => unknown, trace: RunTrace): NodeProgram {
  /** node:term pairs already recorded as leaders (a restarted leader of the same term is no news). */
  const ledTerms = new Set<string>();
  return (node: NodeContext) => {
    const RaftNode = loadClass();
    if (typeof RaftNode !== "function") throw new TypeError(`RaftNode must be a class, got ${typeof RaftNode}`);

    // Volatile, like the node's: rebuilt from the committed log on every life.
    const kv = new Map<string, unknown>();
    let applied = 0;
    let lastCommitIndex = 0;
    const waiting = new Map<string, Envelope>();
    let raft: RaftNodeInstance | undefined;

    const invalid = (what: string): void => {
      trace.invalid.push([node.id, node.now(), what]);
    };

    function observe(): void {
      if (raft === undefined) return;
      const term = raft.currentTerm;
      const role = raft.role;
      const log = raft.log;
      if (!Array.isArray(log)) return invalid(`log is not an array (${typeof log})`);
      if (!Number.isInteger(term)) return invalid(`currentTerm is not an integer (${String(term)})`);
      if (role === "leader" && !ledTerms.has(`${node.id}:${term}`)) {
        ledTerms.add(`${node.id}:${term}`);
        trace.leaders.push([node.id, node.now(), term]);
        trace.leaderLogs.push([node.id, node.now(), term, log.map((entry: LogEntry) => [commandId(entry?.command), Number(entry?.term)])]);
      }
      const commitIndex = raft.commitIndex;
      if (commitIndex === lastCommitIndex) return;
      if (!Number.isInteger(commitIndex) || commitIndex < lastCommitIndex) {
        invalid(`commitIndex went from ${lastCommitIndex} to ${String(commitIndex)}`);
        lastCommitIndex = Number.isInteger(commitIndex) ? commitIndex : lastCommitIndex;
        return;
      }
      if (commitIndex > log.length) invalid(`commitIndex ${commitIndex} is beyond the end of its log (${log.length} entries)`);
      lastCommitIndex = commitIndex;
      const upTo = Math.min(commitIndex, log.length);
      while (applied < upTo) {
        applied++;
        const entry = log[applied - 1] as LogEntry | undefined;
        trace.commits.push([node.id, node.now(), term, applied, commandId(entry?.command), Number(entry?.term)]);
        apply(entry?.command ?? null);
      }
    }

    /** Runs a committed command on this node's store, and answers its client if the command came through this node. */
    function apply(command: Command | null): void {
      if (command === null || typeof command !== "object") return;
      let reply: Record<string, unknown>;
      const current = kv.has(command.key) ? kv.get(command.key) : null;
      switch (command.op) {
        case "read":
          reply = { type: "read_ok", value: current };
          break;
        case "write":
          kv.set(command.key, command.value);
          reply = { type: "write_ok" };
          break;
        case "cas":
          if (same(current, command.from)) {
            kv.set(command.key, command.to);
            reply = { type: "cas_ok" };
          } else {
            reply = { type: "error", code: PRECONDITION_FAILED, text: `expected ${JSON.stringify(command.from)}, found ${JSON.stringify(current)}` };
          }
          break;
        default:
          return;
      }
      const request = typeof command.id === "string" ? waiting.get(command.id) : undefined;
      if (request === undefined) return;
      waiting.delete(command.id);
      node.reply(request, reply as { type: string });
    }

    /** A callback from the node's code that is followed by a look at its state. */
    const watched = (fn: () => void) => () => {
      fn();
      observe();
    };

    const host: RaftHost = Object.freeze({
      id: node.id,
      peers: Object.freeze([...node.peers]),
      majority: Math.floor(node.nodeIds.length / 2) + 1,
      send(to: string, message: RaftMessage) {
        if (!node.peers.includes(to)) throw new Error(`send: ${JSON.stringify(to)} is not a peer (peers: ${node.peers.join(", ")})`);
        if (message === null || typeof message !== "object" || !RAFT_MESSAGE_TYPES.has(message.type)) {
          throw new Error(`send: a message's type must be one of ${[...RAFT_MESSAGE_TYPES].join(", ")}, got ${JSON.stringify((message as { type?: unknown })?.type)}`);
        }
        node.send(to, message as unknown as OutgoingBody);
      },
      setTimer: (delayMs: number, fn: () => void) => node.setTimer(delayMs, watched(fn)),
      every: (intervalMs: number, fn: () => void) => node.every(intervalMs, watched(fn)),
      cancel: (timer: number) => node.cancel(timer),
      random: () => node.random.next(),
      storage: Object.freeze({
        get: <T>(key: string) => node.storage.get<T>(key),
        set: (key: string, value: unknown) => node.storage.set(key, value),
      }),
      log: (...parts: unknown[]) => node.log("raft:", ...parts),
    });

    try {
      raft = new (RaftNode as new (host: RaftHost) => RaftNodeInstance)(host);
    } catch (error) {
      throw new Error(`new RaftNode(host) threw: ${describe(error)}`, { cause: error });
    }
    observe();

    for (const type of RAFT_MESSAGE_TYPES) {
      node.on(type, (message: Envelope) => {
        raft!.receive(message.src, message.body as unknown as RaftMessage);
        observe();
      });
    }
    for (const op of CLIENT_TYPES) {
      node.on(op, (message: Envelope) => {
        const body = message.body;
        const id = `${message.src}#${body.msg_id}`;
        const key = String(body.key);
        const command: Command =
          op === "read" ? { id, op, key } : op === "write" ? { id, op, key, value: body.value } : { id, op, key, from: body.from, to: body.to };
        const accepted = raft!.role === "leader" && raft!.propose(command) === true;
        if (accepted) waiting.set(id, message);
        observe();
        if (!accepted) return { type: "error", code: TEMPORARILY_UNAVAILABLE, text: `${node.id} does not lead` };
      });
    }
  };
}
