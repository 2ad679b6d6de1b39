/**
 * What a fault-tolerance lab answer implements (learner code may
 * `import type` from here; the types vanish when it is compiled).
 *
 * The answer is one node program, `kvNode`: a replicated key-value register
 * that answers the register workload's requests on every node (Maelstrom's
 * lin-kv: `read` → `read_ok {value}`, `write` → `write_ok`, `cas` → `cas_ok`
 * or error 22) and stays linearizable through crashes, restarts, loss,
 * duplication, reordering and partitions. It runs unchanged in the simulator
 * and as real processes, so it must be self-contained: helpers nested inside
 * it, no names from outside, only `import type`.
 *
 * Its failure detector reports what it believes with two log lines, which the
 * grader reads: `node.log("suspect", peer)` when it starts suspecting `peer`
 * and `node.log("trust", peer)` when it stops.
 */
import type { NodeContext } from "../../../runtime/index.js";

export type { NodeContext };

/** A node program as a function: registers handlers with `node.on`, keeps what must survive a crash in `node.storage`. */
export type KvNode = (node: NodeContext) => void;

/** The names the lab takes from the answer. */
export interface FaultToleranceAnswer {
  kvNode: KvNode;
}

/** The failure detector's log lines the grader reads: "suspect n2", "trust n2". */
export const SUSPECT_LOG = "suspect";
export const TRUST_LOG = "trust";
