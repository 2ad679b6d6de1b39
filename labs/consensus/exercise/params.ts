/**
 * A scenario's parameters (lab.ts writes them, the exercise and the judge read
 * them) and the fault schedule each seed draws from them. The schedule is a
 * pure function of the parameters and the seed, so a seed always replays the
 * same partitions, crashes and pauses.
 */
import type { JsonValue } from "../../../grader/lab/types.js";
import { seededRandom, type Fault, type NetworkFaults } from "../../../runtime/index.js";

/** Faults drawn per seed inside [startMs, untilMs]; from untilMs on, the network is whole and every node is up. */
export interface FaultPlan {
  readonly startMs: number;
  readonly untilMs: number;
  /** Partition episodes (a random split, healed before the next one starts). */
  readonly partitions: number;
  /** Crash episodes (a random node, restarted after `downMs`). */
  readonly crashes: number;
  /** How long a crashed node stays down: [min, max] ms. @default [20, 400] */
  readonly downMs?: readonly [number, number];
  /** Pause episodes (a random node stops handling anything for 50-600 ms, then wakes up to a full inbox). */
  readonly pauses: number;
}

export interface ScenarioParams {
  readonly seeds: readonly number[];
  readonly nodes: number;
  readonly durationMs: number;
  readonly faults: FaultPlan | null;
  /** Per-message faults for the whole run (safety scenarios only: liveness needs a calm network at the end). */
  readonly network: NetworkFaults | null;
  readonly clients: number;
  /** Safety: one leader per term, committed entries agree, leaders hold every committed entry, the client history is linearizable. */
  readonly safety: boolean;
  /** Liveness: from this time on (faults are over), client operations commit and none is left unanswered. Null: not checked. */
  readonly livenessFromMs: number | null;
}

/** Clients give up on an operation after this long (it is then "info": outcome unknown). */
export const CLIENT_TIMEOUT_MS = 600;
export const CLIENT_THINK_MS = 40;

/** Clients start no new operation after this, so every operation has an answer or a timeout before the run ends. */
export function clientStopMs(params: ScenarioParams): number {
  return params.durationMs - CLIENT_TIMEOUT_MS - 100;
}

function integer(value: JsonValue | undefined, name: string, min: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min) {
    throw new TypeError(`scenario param ${name} must be an integer >= ${min}, got ${JSON.stringify(value)}`);
  }
  return value;
}

function record(value: JsonValue | undefined, name: string): Record<string, JsonValue> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw new TypeError(`scenario param ${name} must be an object`);
  return value;
}

function range(value: JsonValue | undefined, name: string): [number, number] {
  if (!Array.isArray(value) || value.length !== 2) throw new TypeError(`scenario param ${name} must be [min, max]`);
  const [min, max] = [integer(value[0], `${name}[0]`, 1), integer(value[1], `${name}[1]`, 1)];
  if (max < min) throw new TypeError(`scenario param ${name}: max < min`);
  return [min, max];
}

/** Reads and checks params (they come from lab.ts, but a typo there should say where it is). */
export function parseParams(raw: JsonValue): ScenarioParams {
  const p = record(raw, "params");
  const seeds = p.seeds;
  if (!Array.isArray(seeds) || seeds.length === 0) throw new TypeError("scenario param seeds must be a non-empty list");
  const faults = p.faults === null || p.faults === undefined ? null : record(p.faults, "faults");
  const network = p.network === null || p.network === undefined ? null : (record(p.network, "network") as NetworkFaults);
  return {
    seeds: seeds.map((seed, i) => integer(seed, `seeds[${i}]`, 0)),
    nodes: integer(p.nodes, "nodes", 1),
    durationMs: integer(p.durationMs, "durationMs", 100),
    faults:
      faults === null
        ? null
        : {
            startMs: integer(faults.startMs, "faults.startMs", 0),
            untilMs: integer(faults.untilMs, "faults.untilMs", 0),
            partitions: integer(faults.partitions, "faults.partitions", 0),
            crashes: integer(faults.crashes, "faults.crashes", 0),
            pauses: integer(faults.pauses, "faults.pauses", 0),
            ...(faults.downMs === undefined ? {} : { downMs: range(faults.downMs, "faults.downMs") }),
          },
    network,
    clients: integer(p.clients, "clients", 1),
    safety: p.safety === true,
    livenessFromMs: p.livenessFromMs === null || p.livenessFromMs === undefined ? null : integer(p.livenessFromMs, "livenessFromMs", 0),
  };
}

export function nodeIds(params: ScenarioParams): string[] {
  return Array.from({ length: params.nodes }, (_, i) => `n${i}`);
}

/**
 * The seed's faults. Partitions take turns in equal slots of [startMs, untilMs]
 * (each healed inside its slot); crashes and pauses fall anywhere in it and end
 * by untilMs. Drawn from a stream of their own, so the simulator's randomness
 * (latencies, clients, node.random) is the same whatever the plan.
 */
export function faultSchedule(params: ScenarioParams, seed: number): Fault[] {
  const plan = params.faults;
  if (plan === null) return [];
  const random = seededRandom((seed * 2654435761 + 0x5eed) >>> 0);
  const nodes = nodeIds(params);
  const span = plan.untilMs - plan.startMs;
  const between = (from: number, to: number) => Math.round(from + random.next() * Math.max(0, to - from));
  const faults: Fault[] = [];
  const slot = span / Math.max(1, plan.partitions);
  for (let k = 0; k < plan.partitions; k++) {
    const slotStart = plan.startMs + k * slot;
    const start = between(slotStart, slotStart + slot * 0.4);
    const end = between(start + slot * 0.3, slotStart + slot);
    const shuffled = [...nodes];
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = random.int(i + 1);
      [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
    }
    const cut = 1 + random.int(Math.max(1, Math.floor(nodes.length / 2)));
    faults.push({ atMs: start, fault: "partition", groups: [shuffled.slice(0, cut), shuffled.slice(cut)] });
    faults.push({ atMs: end, fault: "heal" });
  }
  for (let k = 0; k < plan.crashes; k++) {
    const start = between(plan.startMs, plan.untilMs - 30);
    const [minDown, maxDown] = plan.downMs ?? [20, 400];
    const down = Math.min(between(minDown, maxDown), plan.untilMs - start);
    faults.push({ atMs: start, fault: "crash", node: random.pick(nodes), restartAfterMs: Math.max(1, down) });
  }
  for (let k = 0; k < plan.pauses; k++) {
    const start = between(plan.startMs, plan.untilMs - 60);
    const paused = Math.min(between(50, 600), plan.untilMs - start);
    faults.push({ atMs: start, fault: "pause", node: random.pick(nodes), resumeAfterMs: Math.max(1, paused) });
  }
  return faults.sort((a, b) => a.atMs - b.atMs);
}
