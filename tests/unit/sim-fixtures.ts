/** Small nodes and helpers shared by the simulator tests. */
import type { MessageRecord, NodeContext, RunRecord } from "../../runtime/index.js";

/** Every node pings every peer every 10 ms with a per-sender sequence number; pings are only received. */
export function chatterNode(node: NodeContext): void {
  let seq = 0;
  node.on("ping", () => {});
  node.every(10, () => {
    for (const peer of node.peers) node.send(peer, { type: "ping", seq: seq++ });
  });
}

export const pings = (record: RunRecord): MessageRecord[] => record.messages.filter((m) => m.type === "ping");

export const logsOf = (record: RunRecord, node: string): Array<{ atMs: number; detail: string }> =>
  record.events.filter((e) => e.kind === "log" && e.node === node).map((e) => ({ atMs: e.atMs, detail: e.detail ?? "" }));
