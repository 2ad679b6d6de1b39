import type { NodeContext } from "../context.js";
import type { Envelope, OutgoingBody } from "../message.js";
import { ErrorCode, errorBody } from "../rpc-error.js";
import type { Raft } from "./raft.js";
import type { Forward, ForwardReply } from "./raft-messages.js";

export interface ServeOptions {
  /** How long a follower keeps forwarding a request before it tells the client the outcome is unknown. @default 300 */
  forwardTimeoutMs?: number;
  /** How often a follower sends a forward again (to whoever leads by then) until it learns the result. @default 60 */
  forwardRetryMs?: number;
}

/**
 * Serves client requests of the given types through the Raft log: the leader
 * appends the request (minus msg_id) as a command and replies, once it is
 * committed and applied, with what the state machine returned. A follower
 * forwards it to the leader it believes in, again every `forwardRetryMs`
 * (messages get lost, leaders change), and replies with the result from
 * whichever comes first: the leader's answer or its own state machine
 * applying the request. Every request gets an id when it enters the cluster,
 * and Raft applies an id once, so a forward appended twice does no harm.
 *
 * Replies: the state machine's answer; error 11 (temporarily unavailable,
 * definite) when no leader is known, or when the only forward sent was
 * refused by a node that does not lead (so nothing was appended); error 13
 * (crash, indefinite) when no result came within `forwardTimeoutMs`, since
 * the request may still commit.
 */
export function serveThroughRaft(node: NodeContext, raft: Raft, types: readonly string[], options: ServeOptions = {}): void {
  const forwardTimeoutMs = options.forwardTimeoutMs ?? 300;
  const forwardRetryMs = options.forwardRetryMs ?? 60;

  /** Forwards taken, by request id: a copy the network delivers twice is appended once (and refused at most once). */
  const taken = new Set<string>();
  node.on<Forward>("raft_forward", (msg: Envelope<Forward>) => {
    const id = msg.body.id;
    if (taken.has(id)) return;
    taken.add(id);
    const answer = (reply: unknown) => node.send(msg.src, { type: "raft_forward_ok", id, reply: reply as OutgoingBody } satisfies ForwardReply);
    if (!raft.submit(msg.body.command, id, answer)) answer(errorBody(ErrorCode.temporarilyUnavailable, `${node.id} does not lead term ${raft.term}`));
  });

  /** This node's forwarded requests still waiting for a result, by id. */
  const forwarded = new Map<string, { answer: (body: OutgoingBody) => void; sent: number }>();
  node.on<ForwardReply>("raft_forward_ok", (msg: Envelope<ForwardReply>) => {
    const pending = forwarded.get(msg.body.id);
    if (pending === undefined) return; // answered already, or a request of this node's previous life
    const refused = msg.body.reply.type === "error" && msg.body.reply.code === ErrorCode.temporarilyUnavailable;
    // A refusal is definite only if no other copy went out: an earlier leader may still commit one.
    if (refused && pending.sent > 1) return;
    pending.answer(msg.body.reply);
  });

  const forward = (msg: Envelope, id: string, command: unknown): void => {
    let done = false;
    let retry: number | undefined;
    let stopWaiting = () => {};
    const answer = (body: OutgoingBody) => {
      if (done) return; // the leader's answer and this node's own apply may both come
      done = true;
      forwarded.delete(id);
      stopWaiting();
      node.cancel(deadline);
      if (retry !== undefined) node.cancel(retry);
      node.reply(msg, body);
    };
    const pending = { answer, sent: 0 };
    forwarded.set(id, pending);
    const deadline = node.setTimer(forwardTimeoutMs, () => answer(errorBody(ErrorCode.crash, `no result for ${id} within ${forwardTimeoutMs} ms; it may still commit`)));
    stopWaiting = raft.whenApplied(id, (result) => answer(result as OutgoingBody));
    const send = () => {
      retry = undefined;
      if (done) return;
      // This node may have become the leader since: then it appends the request itself, once.
      if (raft.submit(command, id, (result) => answer(result as OutgoingBody))) return;
      if (raft.leader !== undefined && raft.leader !== node.id) {
        pending.sent++;
        node.send(raft.leader, { type: "raft_forward", id, command } satisfies Forward);
      }
      retry = node.setTimer(forwardRetryMs, send);
    };
    send();
  };

  const serve = (msg: Envelope): void | OutgoingBody => {
    const { msg_id: _id, ...command } = msg.body;
    const id = raft.newRequestId();
    if (raft.submit(command, id, (result) => node.reply(msg, result as OutgoingBody))) return;
    const leader = raft.leader;
    if (leader === undefined || leader === node.id) return errorBody(ErrorCode.temporarilyUnavailable, `${node.id} knows no leader of term ${raft.term}`);
    forward(msg, id, command);
  };
  for (const type of types) node.on(type, serve);
}
