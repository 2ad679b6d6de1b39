import type { NodeContext } from "../context.js";

export interface GossipOptions {
  /** How often each node pushes what it knows to its peers. @default 100 */
  intervalMs?: number;
}

/**
 * Broadcast by periodic anti-entropy gossip: every interval, each node sends
 * every peer the messages it has not yet acknowledged. Survives loss,
 * duplication and partitions (gossip resumes after the heal); volatile, so a
 * crashed node relearns the messages from its peers after a restart.
 */
export function gossipBroadcastNode(options: GossipOptions = {}) {
  const intervalMs = options.intervalMs ?? 100;
  return (node: NodeContext): void => {
    const seen = new Set<number>();
    /** Per peer: messages the peer has confirmed it has. */
    const known = new Map<string, Set<number>>(node.peers.map((p) => [p, new Set<number>()]));

    node.on<{ type: "broadcast"; message: number }>("broadcast", (msg) => {
      seen.add(msg.body.message);
      return { type: "broadcast_ok" };
    });
    node.on("read", () => ({ type: "read_ok", messages: [...seen].sort((a, b) => a - b) }));
    node.on<{ type: "gossip"; messages: number[] }>("gossip", (msg) => {
      for (const m of msg.body.messages) seen.add(m);
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
  };
}
