import type { NodeContext } from "../context.js";
import { withRecipe } from "../program.js";

export interface GossipOptions {
  /** How often each node pushes what it knows to its peers. @default 100 */
  intervalMs?: number;
}

/**
 * Broadcast by periodic anti-entropy gossip: every interval, each node sends
 * every peer the messages that peer has not acknowledged yet. Survives loss,
 * duplication, reordering and partitions (gossip resumes after the heal), and
 * crashes: a node writes what it learns to durable storage before it
 * acknowledges, so a message a client saw acknowledged survives a crash right
 * after the ack (with volatile state only, it would be lost with the node).
 */
export function gossipBroadcastNode(options: GossipOptions = {}) {
  const intervalMs = options.intervalMs ?? 100;
  return withRecipe((node: NodeContext): void => {
    const seen = new Set<number>(node.storage.get<number[]>("messages") ?? []);
    /** Per peer: messages the peer has confirmed it has (and, being durable, still has after a restart). */
    const known = new Map<string, Set<number>>(node.peers.map((p) => [p, new Set<number>()]));
    const learn = (messages: number[]) => {
      const before = seen.size;
      for (const m of messages) seen.add(m);
      if (seen.size > before) node.storage.set("messages", [...seen]);
    };

    node.on<{ type: "broadcast"; message: number }>("broadcast", (msg) => {
      learn([msg.body.message]);
      return { type: "broadcast_ok" };
    });
    node.on("read", () => ({ type: "read_ok", messages: [...seen].sort((a, b) => a - b) }));
    node.on<{ type: "gossip"; messages: number[] }>("gossip", (msg) => {
      learn(msg.body.messages);
      node.send(msg.src, { type: "gossip_ack", messages: msg.body.messages });
    });
    node.on<{ type: "gossip_ack"; messages: number[] }>("gossip_ack", (msg) => {
      const peerKnows = known.get(msg.src);
      if (peerKnows) for (const m of msg.body.messages) peerKnows.add(m);
    });
    node.every(intervalMs, () => {
      for (const peer of node.peers) {
        const peerKnows = known.get(peer)!;
        const missing = [...seen].filter((m) => !peerKnows.has(m));
        if (missing.length > 0) node.send(peer, { type: "gossip", messages: missing });
      }
    });
  }, "gossipBroadcastNode", [options]);
}
