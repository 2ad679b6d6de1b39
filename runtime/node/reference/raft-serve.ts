import type { NodeContext } from "../context.js";
import type { Envelope, OutgoingBody } from "../message.js";
import { ErrorCode, errorBody } from "../rpc-error.js";
import type { Raft } from "./raft.js";
import type { Forward, ForwardReply } from "./raft-messages.js";

export interface ServeOptions {
  /** How long a follower waits for the leader to answer a forwarded request. @default 300 */
  forwardTimeoutMs?: number;
}

/**
 * Serves client requests of the given types through the Raft log: the leader
 * appends the request (minus msg_id) as a command and replies, once it is
 * committed and applied, with what the state machine returned; a follower
 * forwards it to the leader it believes in. Every request gets an id when it
 * enters the cluster, so a forward the network delivers twice is applied once.
 *
 * Replies: the state machine's answer; error 11 (temporarily unavailable,
 * definite) when no leader is known or the one asked does not lead, since
 * then nothing was appended; error 13 (crash, indefinite) when the leader did
 * not answer in time, since the command may still commit. The leader wraps
 * its answer to a forward (errors included) with the request id, so the
 * follower can tell it from a stale answer to an earlier forward.
 */
export function serveThroughRaft(node: NodeContext, raft: Raft, types: readonly string[], options: ServeOptions = {}): void {
  const forwardTimeoutMs = options.forwardTimeoutMs ?? 300;

  const submit = async (id: string, command: unknown): Promise<OutgoingBody> => {
    const result = raft.submit(command, id);
    if (result === undefined) return errorBody(ErrorCode.temporarilyUnavailable, `${node.id} does not lead term ${raft.term}`);
    return (await result) as OutgoingBody;
  };

  /** Forwards seen, by request id: a second copy must not be answered "not the leader" after the first was appended, nor the other way round. */
  const taken = new Set<string>();
  node.on<Forward>("raft_forward", async (msg: Envelope<Forward>) => {
    const id = msg.body.id;
    if (taken.has(id)) return undefined; // the first copy gets (or got) the answer
    taken.add(id);
    return { type: "raft_forward_ok", id, reply: await submit(id, msg.body.command) } satisfies ForwardReply;
  });

  const serve = async (msg: Envelope): Promise<OutgoingBody> => {
    const { msg_id: _id, ...command } = msg.body;
    const id = raft.newRequestId();
    if (raft.isLeader) return submit(id, command);
    const leader = raft.leader;
    if (leader === undefined || leader === node.id) return errorBody(ErrorCode.temporarilyUnavailable, `${node.id} knows no leader of term ${raft.term}`);
    const unknown = errorBody(ErrorCode.crash, `leader ${leader} did not answer; the request may still commit`);
    try {
      const answer = (await node.rpc<ForwardReply>(leader, { type: "raft_forward", id, command } satisfies Forward, { timeoutMs: forwardTimeoutMs })).body;
      // msg_ids start over when a node restarts, so a late answer to a forward of this node's previous life can arrive in its place.
      return answer.id === id ? answer.reply : unknown;
    } catch {
      return unknown;
    }
  };
  for (const type of types) node.on(type, serve);
}
