import type { NodeContext } from "../context.js";
import { withRecipe } from "../program.js";

export interface PnCounterOptions {
  /** How often each node sends its whole state to every peer. @default 50 */
  intervalMs?: number;
  /**
   * Whose entry an add increments. "own" (the default) is the CRDT: one entry
   * per node, written only by that node. "shared" is the classic mistake, kept
   * for the notebooks: every node counts into one shared total and merges by
   * max, so concurrent adds on two nodes keep only the larger total and the
   * convergence checker reports a lost-update.
   */
  entries?: "own" | "shared";
}

/** Per node: how much that node has added (P) and subtracted (N) in total. */
interface CounterState {
  p: Record<string, number>;
  n: Record<string, number>;
}

/**
 * A PN-counter, a state-based CRDT (Shapiro et al., 2011): each node counts
 * only its own increments (P) and decrements (N); the value is ΣP − ΣN. Every
 * interval a node gossips its whole state to its peers, and a receiver merges
 * it by taking the entry-wise maximum.
 *
 * Invariant: every entry only grows, and a node's own entry is the only one it
 * writes, so the maximum never loses an increment and never counts one twice.
 *
 * Tolerates: loss, duplication, reordering (the merge is idempotent and
 * commutative), partitions (replicas diverge, then converge after the heal),
 * pauses, clock skew, and crash-restart (the state is written to durable
 * storage before the add is acknowledged).
 * Does not give: linearizable reads. A read answers from the local replica and
 * may miss increments acknowledged elsewhere; only eventual convergence holds.
 */
export function pnCounterNode(options: PnCounterOptions = {}) {
  const intervalMs = options.intervalMs ?? 50;
  const shared = options.entries === "shared";
  return withRecipe((node: NodeContext): void => {
    const state: CounterState = node.storage.get<CounterState>("counter") ?? { p: {}, n: {} };
    const save = () => node.storage.set("counter", state);
    const total = (side: Record<string, number>) => Object.values(side).reduce((a, b) => a + b, 0);

    node.on<{ type: "add"; delta: number }>("add", (msg) => {
      const side = msg.body.delta >= 0 ? state.p : state.n;
      const entry = shared ? "shared" : node.id;
      side[entry] = (side[entry] ?? 0) + Math.abs(msg.body.delta);
      save();
      return { type: "add_ok" };
    });
    node.on("read", () => ({ type: "read_ok", value: total(state.p) - total(state.n) }));
    node.on<{ type: "counter_state"; p: Record<string, number>; n: Record<string, number> }>("counter_state", (msg) => {
      let changed = false;
      for (const side of ["p", "n"] as const) {
        for (const [id, count] of Object.entries(msg.body[side])) {
          if (count > (state[side][id] ?? 0)) {
            state[side][id] = count;
            changed = true;
          }
        }
      }
      if (changed) save();
    });
    node.every(intervalMs, () => {
      for (const peer of node.peers) node.send(peer, { type: "counter_state", p: state.p, n: state.n });
    });
  }, "pnCounterNode", [options]);
}
