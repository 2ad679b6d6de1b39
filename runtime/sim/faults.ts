import type { Random } from "../core/index.js";

/**
 * Faults as data: a schedule of what happens when, written by hand (a lab's
 * scenario) or drawn from the seed (swarm testing: each seed picks its own mix
 * of fault types and rates, so a batch of seeds covers combinations nobody
 * thought to write down).
 */
export type Fault =
  | { atMs: number; fault: "partition"; groups: string[][] }
  /** One-way: messages from `from` to `to` are dropped, the other direction still works (until a heal). */
  | { atMs: number; fault: "cut"; from: string[]; to: string[] }
  | { atMs: number; fault: "heal" }
  | { atMs: number; fault: "crash"; node: string; restartAfterMs?: number }
  | { atMs: number; fault: "restart"; node: string }
  | { atMs: number; fault: "pause"; node: string; resumeAfterMs?: number }
  | { atMs: number; fault: "resume"; node: string }
  | { atMs: number; fault: "skew"; node: string; offsetMs: number };

/** Per-message network faults, applied to node-to-node messages (client links are reliable, as in Maelstrom). */
export interface NetworkFaults {
  /** Probability a message is lost. */
  loss?: number;
  /** Probability a message is delivered twice (the copy takes its own latency). */
  duplicate?: number;
  /** Probability a message is held back by `reorderDelayMs` extra, so later ones overtake it. */
  reorder?: number;
  /** @default 50 */
  reorderDelayMs?: number;
}

export interface SwarmOptions {
  /** Which fault types the swarm may pick from. @default all */
  kinds?: Array<"loss" | "duplicate" | "reorder" | "partition" | "crash" | "pause" | "skew">;
  /** Faults stop by this time: every partition, crash and pause is undone by it, and drawn loss, duplication and reordering end then (so a run can converge afterwards). */
  untilMs: number;
}

/** What a swarm draw decided; stored in the run so a reader sees the mix without replaying. */
export interface SwarmDraw {
  network: NetworkFaults;
  schedule: Fault[];
}

const ALL_KINDS: NonNullable<SwarmOptions["kinds"]> = ["loss", "duplicate", "reorder", "partition", "crash", "pause", "skew"];

/** Draws a fault mix from `random`: each kind on with probability 1/2, each with its own rate and times. */
export function drawSwarm(random: Random, nodes: readonly string[], options: SwarmOptions): SwarmDraw {
  const kinds = (options.kinds ?? ALL_KINDS).filter(() => random.next() < 0.5);
  const until = options.untilMs;
  const network: NetworkFaults = {};
  const schedule: Fault[] = [];
  const at = () => Math.round(random.next() * until * 0.8);
  const span = (start: number) => Math.max(1, Math.round(random.next() * (until - start)));
  for (const kind of kinds) {
    switch (kind) {
      case "loss":
        network.loss = round3(random.next() * 0.3);
        break;
      case "duplicate":
        network.duplicate = round3(random.next() * 0.2);
        break;
      case "reorder":
        network.reorder = round3(random.next() * 0.3);
        break;
      case "partition": {
        for (let k = 1 + random.int(2); k > 0; k--) {
          const start = at();
          const shuffled = shuffle(random, nodes);
          const cut = 1 + random.int(Math.max(1, nodes.length - 1));
          schedule.push({ atMs: start, fault: "partition", groups: [shuffled.slice(0, cut), shuffled.slice(cut)] });
          schedule.push({ atMs: start + span(start), fault: "heal" });
        }
        break;
      }
      case "crash": {
        const start = at();
        schedule.push({ atMs: start, fault: "crash", node: random.pick(nodes), restartAfterMs: span(start) });
        break;
      }
      case "pause": {
        const start = at();
        schedule.push({ atMs: start, fault: "pause", node: random.pick(nodes), resumeAfterMs: span(start) });
        break;
      }
      case "skew":
        schedule.push({ atMs: 0, fault: "skew", node: random.pick(nodes), offsetMs: Math.round((random.next() - 0.5) * 2000) });
        break;
    }
  }
  schedule.sort((a, b) => a.atMs - b.atMs);
  return { network, schedule };
}

function shuffle<T>(random: Random, items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = random.int(i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
