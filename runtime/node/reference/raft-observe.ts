import type { NodeContext } from "../context.js";
import type { RaftLog, RaftEntry } from "./raft-log.js";

/**
 * What a Raft node says about itself for the consensus checker
 * (runtime/check/consensus.ts reads these log lines): the terms it leads, its
 * log when it wins, and each index it learns is committed. The checker
 * compares entries by `value` and `entryTerm`, so the value is the request id
 * and command: two different requests never look alike.
 */
const line = (node: NodeContext, observation: object) => node.log(`consensus ${JSON.stringify(observation)}`);

const valueOf = (entry: RaftEntry) => ({ id: entry.id, command: entry.command });

export function observeLeader(node: NodeContext, log: RaftLog): void {
  const term = log.currentTerm;
  line(node, { kind: "role", term, role: "leader" });
  const entries = log.slice(1, log.lastIndex).map((entry, i) => ({ index: i + 1, value: valueOf(entry), entryTerm: entry.term }));
  line(node, { kind: "log", term, role: "leader", entries });
}

export function observeCommit(node: NodeContext, term: number, index: number, entry: RaftEntry): void {
  line(node, { kind: "commit", term, index, value: valueOf(entry), entryTerm: entry.term });
}
