/**
 * The network faults of a real cluster, as rules the controller pushes to
 * every node and each node's transport applies to what it sends (and, for
 * partitions, to what it receives: a rule change reaches nodes at slightly
 * different moments, and a message already on the wire when a partition starts
 * must not cross it). Client links are reliable, as in the simulator and in
 * Maelstrom: the rules concern node-to-node messages only.
 */
import type { Random } from "../core/index.js";

export interface NetworkRules {
  /** Nodes can talk only inside their group; a node in no group is cut off from every grouped node. */
  groups?: string[][];
  /** One-way cuts: messages from `from` to `to` are dropped. */
  cuts?: Array<{ from: string[]; to: string[] }>;
  /** Probability a message is lost. */
  loss?: number;
  /** Probability a message is sent twice. */
  duplicate?: number;
  /** Probability a message is held back by `reorderDelayMs`, so later ones overtake it. */
  reorder?: number;
  /** @default 50 */
  reorderDelayMs?: number;
  /** Added one-way delay for every message. */
  delayMs?: number;
  /** Extra delay drawn uniformly from [0, jitterMs). */
  jitterMs?: number;
}

/** What happens to one message on its way out. */
export type SendFate =
  | { drop: "partition" | "loss" }
  | { drop?: undefined; delayMs: number; copies: 1 | 2 };

/** True when the rules' partitions or cuts separate `src` from `dest`. */
export function linkBlocked(rules: NetworkRules, src: string, dest: string): boolean {
  const groups = rules.groups;
  if (groups !== undefined && groups.length > 0) {
    const groupOf = (id: string) => groups.findIndex((group) => group.includes(id));
    const a = groupOf(src);
    const b = groupOf(dest);
    if (a !== b || a < 0) return true;
  }
  return rules.cuts?.some((cut) => cut.from.includes(src) && cut.to.includes(dest)) ?? false;
}

/** Decides a node-to-node message's fate; draws from `random` only for the faults that are switched on. */
export function sendFate(rules: NetworkRules, src: string, dest: string, random: Random): SendFate {
  if (linkBlocked(rules, src, dest)) return { drop: "partition" };
  if (rules.loss && random.next() < rules.loss) return { drop: "loss" };
  let delayMs = rules.delayMs ?? 0;
  if (rules.jitterMs) delayMs += random.next() * rules.jitterMs;
  if (rules.reorder && random.next() < rules.reorder) delayMs += rules.reorderDelayMs ?? 50;
  const copies = rules.duplicate && random.next() < rules.duplicate ? 2 : 1;
  return { delayMs, copies };
}

/** Rules with every fault off. */
export const OPEN_NETWORK: NetworkRules = Object.freeze({});
