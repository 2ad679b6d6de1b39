import type { NodeContext } from "../context.js";
import { withRecipe } from "../program.js";
import type { Envelope } from "../message.js";
import { ErrorCode, RpcError, errorBody } from "../rpc-error.js";
import { heartbeatFailureDetector } from "./failure-detector.js";
import { applyRegisterRequest, type RegisterRequest } from "./register-ops.js";

export interface PrimaryBackupOptions {
  /** Failure detector heartbeat interval. @default 20 */
  heartbeatMs?: number;
  /** Silence after which a peer is suspected (and, if it was the primary, replaced). @default 60 */
  suspectAfterMs?: number;
  /** A replica writes a checkpoint of its values to durable storage every this many applied writes. @default 10 */
  checkpointEvery?: number;
  /**
   * The deliberate mistake, for the notebooks: the primary acknowledges a
   * write as soon as it applied it and ships it to the backups lazily, in a
   * batch one heartbeat interval later. A crash of the primary in between
   * loses an acknowledged write, and the new primary's reads show the
   * linearizability checker a stale value.
   */
  ackBeforeBackups?: boolean;
}

/** What a replica writes to durable storage: its values as of write number `seq`. */
interface Checkpoint {
  seq: number;
  values: Record<string, unknown>;
}

type ReplicateReply = { type: "replicate_ok" } | { type: "need_snapshot" } | { type: "newer_view"; view: number };
type ReplicaMessage =
  | { type: "replicate"; view: number; seq: number; key: string; value: unknown }
  | { type: "install_snapshot"; view: number; seq: number; values: Record<string, unknown> };

/**
 * Primary-backup replication of a key-value register (read, write, cas), with
 * a view change driven by the heartbeat failure detector.
 *
 * Algorithm: views are numbered; the primary of view v is nodeIds[v mod n].
 * The primary runs client requests one at a time: it applies a write, sends it
 * (view, seq) to every backup it does not suspect, and acknowledges only when
 * each of them has acknowledged (or become suspected). Other nodes forward
 * client requests to the primary. A node that suspects the primary moves to
 * the next view whose primary it does not suspect; views travel on heartbeats
 * and a node adopts any higher view it hears of. A new primary first installs
 * its snapshot on every backup, so all replicas of a view start equal; a
 * backup that misses a write (or restarted) asks for a snapshot. Every replica
 * checkpoints its values to durable storage every few writes and on each
 * snapshot; a restarted node reloads its checkpoint but serves nothing and
 * never leads until a primary's snapshot has brought it up to date.
 *
 * Invariant: every acknowledged write is on every replica the primary did not
 * suspect, so with an accurate detector the next primary (a live node, never
 * suspected) holds every acknowledged write, and one primary at a time orders
 * everything: the register is linearizable.
 *
 * Tolerates: crash (with or without restart) of one node at a time, including
 * the primary, with n − 1 crashes in total over time, provided the failure
 * detector is accurate: a synchronous-ish network (no loss, delays well below
 * the suspect timeout, no pauses). Duplicated and reordered messages are
 * harmless (a write is applied once, by its seq).
 * Does not tolerate: anything that makes the detector suspect a live primary.
 * A partition gives split brain: the old primary, suspecting everyone, goes on
 * acknowledging alone while the other side elects a new one; the
 * linearizability checker shows the stale reads. Pauses and heavy loss do the
 * same; a crash of every node loses the writes since the last checkpoints and
 * leaves no node willing to lead. Consensus (Raft) is the answer to those.
 */
export function primaryBackupNode(options: PrimaryBackupOptions = {}) {
  const checkpointEvery = options.checkpointEvery ?? 10;
  const heartbeatMs = options.heartbeatMs ?? 20;
  return withRecipe((node: NodeContext): void => {
    const restarted = node.storage.has("view");
    /** Which life of this node this is: forwarded requests carry it, since msg_ids start over after a restart. */
    const incarnation = (node.storage.get<number>("incarnation") ?? 0) + 1;
    node.storage.set("incarnation", incarnation);
    let view = node.storage.get<number>("view") ?? 0;
    if (!restarted) node.storage.set("view", view);
    const checkpoint = node.storage.get<Checkpoint>("checkpoint") ?? { seq: 0, values: {} };
    let values = checkpoint.values;
    /** How many writes this replica has applied, counted by the primaries' numbering. */
    let seq = checkpoint.seq;
    let writesSinceCheckpoint = 0;
    /** The view whose primary this replica's state agrees with; undefined after a restart, until a snapshot arrives. */
    let syncedView: number | undefined = restarted ? undefined : 0;

    const primaryOf = (v: number) => node.nodeIds[v % node.nodeIds.length]!;
    const isPrimary = () => primaryOf(view) === node.id && syncedView === view;
    const saveCheckpoint = () => {
      node.storage.set("checkpoint", { seq, values } satisfies Checkpoint);
      writesSinceCheckpoint = 0;
    };
    const applied = () => {
      if (++writesSinceCheckpoint >= checkpointEvery) saveCheckpoint();
    };
    const snapshot = (): ReplicaMessage => ({ type: "install_snapshot", view, seq, values });

    const detector = heartbeatFailureDetector(node, {
      intervalMs: heartbeatMs,
      timeoutMs: options.suspectAfterMs ?? 60,
      piggyback: () => ({ view }),
      onHeartbeat: (_from, body) => {
        if (typeof body.view === "number" && body.view > view) enterView(body.view);
      },
    });

    /** The primary's work, one request at a time, so writes reach the backups in seq order. */
    let tail: Promise<unknown> = Promise.resolve();
    const serially = <T>(task: () => Promise<T> | T): Promise<T> => {
      const result = tail.then(task);
      tail = result.catch(() => undefined);
      return result;
    };

    function enterView(v: number): void {
      if (v <= view) return;
      view = v;
      node.storage.set("view", v);
      if (primaryOf(v) !== node.id) return;
      // An unsynced replica may be missing acknowledged writes: it must not lead.
      if (syncedView === undefined) return skipSuspectedPrimaries();
      syncedView = v;
      node.log("primary of view", v);
      void serially(() => Promise.all(node.peers.filter((p) => !detector.suspects(p)).map((p) => replicateTo(p, snapshot()))));
    }

    /** Moves to the first view from here whose primary is neither suspected nor this node while unsynced. */
    function skipSuspectedPrimaries(): void {
      for (let v = view, step = 0; step < node.nodeIds.length; v++, step++) {
        const candidate = primaryOf(v);
        if (detector.suspects(candidate) || (candidate === node.id && syncedView === undefined)) continue;
        return enterView(v);
      }
    }

    detector.onChange((peer, suspected) => {
      if (suspected) skipSuspectedPrimaries();
      // A peer back from a crash missed writes: bring it up to date before the next one.
      else if (isPrimary()) void serially(() => replicateTo(peer, snapshot()));
    });
    skipSuspectedPrimaries();

    /** Sends one write (or a snapshot) to a backup until it acknowledges, is suspected, or shows that this primary was replaced. */
    async function replicateTo(peer: string, message: ReplicaMessage): Promise<boolean> {
      const ourView = message.view;
      for (;;) {
        if (view !== ourView) return false;
        if (detector.suspects(peer)) return true;
        let reply: ReplicateReply;
        try {
          reply = (await node.rpc<ReplicateReply & { type: string }>(peer, message, { timeoutMs: 50 })).body;
        } catch {
          continue; // lost or slow: send again (the backup applies each seq once)
        }
        if (reply.type === "replicate_ok") return true;
        if (reply.type === "newer_view") {
          enterView(reply.view);
          return false;
        }
        message = snapshot(); // need_snapshot: the backup missed something; the snapshot includes this write
      }
    }

    async function execute(request: RegisterRequest) {
      if (!isPrimary()) return errorBody(ErrorCode.temporarilyUnavailable, `not the primary of view ${view}`);
      const { reply, write } = applyRegisterRequest(values, request);
      if (write === undefined) return reply;
      values[write.key] = write.value;
      seq++;
      applied();
      const entry: ReplicaMessage = { type: "replicate", view, seq, key: write.key, value: write.value };
      const backups = node.peers.filter((p) => !detector.suspects(p));
      const replicate = () => Promise.all(backups.map((p) => replicateTo(p, entry)));
      if (options.ackBeforeBackups) {
        node.setTimer(heartbeatMs, () => void replicate());
        return reply;
      }
      if ((await replicate()).every(Boolean)) return reply;
      // Replaced mid-write: some backups may hold it, so the client must not be told it failed.
      return errorBody(ErrorCode.crash, `view ${entry.view} ended during replication; the write may survive`);
    }

    /** Forwarded requests already taken, by sender, its incarnation and msg_id: the network may deliver one twice, and a cas must not run twice. */
    const taken = new Set<string>();
    const serve = async (msg: Envelope<RegisterRequest & { forwardedBy?: number }>) => {
      const { msg_id: id, forwardedBy, ...request } = msg.body as RegisterRequest & { forwardedBy?: number; msg_id?: number };
      const forwarded = forwardedBy !== undefined;
      if (forwarded) {
        const tag = `${msg.src}:${forwardedBy}:${id}`;
        if (taken.has(tag)) return undefined; // the first copy gets (or got) the answer
        taken.add(tag);
      }
      if (isPrimary()) return serially(() => execute(request as RegisterRequest));
      const primary = primaryOf(view);
      if (forwarded || primary === node.id) return errorBody(ErrorCode.temporarilyUnavailable, `not the primary of view ${view}`);
      try {
        const { msg_id: _m, in_reply_to: _r, ...reply } = (await node.rpc(primary, { ...request, forwardedBy: incarnation }, { timeoutMs: 250 })).body;
        return reply;
      } catch (error) {
        if (error instanceof RpcError && error.definite) return errorBody(error.errorCode, error.text);
        return errorBody(ErrorCode.crash, `primary ${primary} did not answer; the operation may have happened`);
      }
    };
    node.on("read", serve);
    node.on("write", serve);
    node.on("cas", serve);

    node.on<ReplicaMessage & { type: "replicate" }>("replicate", (msg) => {
      const m = msg.body;
      if (m.view < view) return { type: "newer_view", view };
      enterView(m.view);
      if (syncedView !== m.view || m.seq > seq + 1) return { type: "need_snapshot" };
      if (m.seq === seq + 1) {
        values[m.key] = m.value;
        seq = m.seq;
        applied();
      }
      return { type: "replicate_ok" };
    });
    node.on<ReplicaMessage & { type: "install_snapshot" }>("install_snapshot", (msg) => {
      const m = msg.body;
      if (m.view < view) return { type: "newer_view", view };
      enterView(m.view);
      // A late duplicate of a snapshot already superseded in this view must not roll the replica back.
      if (syncedView === m.view && m.seq <= seq) return { type: "replicate_ok" };
      values = { ...m.values }; // the message stays as the run recorded it
      seq = m.seq;
      syncedView = m.view;
      saveCheckpoint();
      return { type: "replicate_ok" };
    });
  }, "primaryBackupNode", [options]);
}
