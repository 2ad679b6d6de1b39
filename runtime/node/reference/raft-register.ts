import type { NodeContext } from "../context.js";
import { startRaft, type RaftOptions } from "./raft.js";
import { serveThroughRaft, type ServeOptions } from "./raft-serve.js";
import { applyRegisterRequest, type RegisterRequest } from "./register-ops.js";
import { withRecipe } from "../program.js";

export interface RaftNodeOptions extends RaftOptions, ServeOptions {}

/**
 * A linearizable key-value register (read, write, cas: the register workload)
 * replicated with Raft (see startRaft for the protocol, its invariants and the
 * faults it tolerates). Every request, reads included, goes through the log,
 * so each takes effect at its commit point, between its invocation and its
 * reply: the history is linearizable. Clients may talk to any node; followers
 * forward to the leader.
 *
 * The state machine (the map of values) is volatile: a restarted node rebuilds
 * it by re-applying its durable log as the leader tells it what is committed.
 */
export function raftNode(options: RaftNodeOptions = {}) {
  return withRecipe((node: NodeContext): void => {
    const values: Record<string, unknown> = {};
    const raft = startRaft(node, {
      apply(command) {
        const { reply, write } = applyRegisterRequest(values, command as RegisterRequest);
        if (write !== undefined) values[write.key] = write.value;
        return reply;
      },
    }, options);
    serveThroughRaft(node, raft, ["read", "write", "cas"], options);
  }, "raftNode", [options]);
}
