import { PardisError } from "../core/index.js";
import type { Fault, NetworkFaults, SwarmOptions } from "./faults.js";
import { DEFAULT_LATENCY, type Latency } from "./latency.js";
import type { Workload } from "./workload.js";

/** Everything that decides a run, as data: this is what the replay line carries. */
export interface SimulationSpec {
  /** @default 1 */
  seed?: number;
  /** A count ("n0".."n{k-1}") or the node ids. @default 3 */
  nodes?: number | string[];
  /** Virtual deadline; the run also stops early when nothing is left to happen. @default 10000 */
  durationMs?: number;
  /** @default uniform 1-10 ms */
  latency?: Latency;
  /** Per-message faults on node-to-node links. */
  network?: NetworkFaults;
  /** A fault schedule, or "swarm" (drawn from the seed; faults end by 70% of the run) or swarm options. */
  faults?: Fault[] | "swarm" | { swarm: SwarmOptions };
  workload?: Workload;
  /** A run that handles more events than this stops with a "sim-runaway" error. @default 10,000,000 */
  maxEvents?: number;
}

export interface SimulationOptions extends SimulationSpec {
  /** Record every message (MessageRecord). Off for very long runs. @default true */
  recordMessages?: boolean;
  /** Record node.log lines as run events. @default true */
  recordLogs?: boolean;
  /** Stops the run (the kernel's interrupt signal is honoured too). */
  signal?: AbortSignal;
  /** Show a progress bar when the run takes a while. @default true inside a kernel */
  progress?: boolean;
  /** A replay line from an earlier run: its spec replaces the fields above that decide the run. */
  replay?: string;
}

export interface ResolvedSpec {
  seed: number;
  nodes: string[];
  durationMs: number;
  latency: Latency;
  network: NetworkFaults;
  faults: Fault[] | "swarm" | { swarm: SwarmOptions };
  workload?: Workload;
  maxEvents: number;
}

const REPLAY_PREFIX = "pardis-sim ";

/** The one line that reproduces a run: the spec as JSON after a fixed prefix. */
export function formatReplay(spec: ResolvedSpec): string {
  return REPLAY_PREFIX + JSON.stringify(spec);
}

export function parseReplay(line: string): SimulationSpec {
  const at = line.indexOf(REPLAY_PREFIX);
  if (at < 0) throw new PardisError("sim-invalid-options", `Expected a replay line starting with "${REPLAY_PREFIX.trim()}", got ${JSON.stringify(line.slice(0, 80))}`);
  try {
    return JSON.parse(line.slice(at + REPLAY_PREFIX.length)) as SimulationSpec;
  } catch (cause) {
    throw new PardisError("sim-invalid-options", `The replay line's JSON does not parse: ${(cause as Error).message}`, { cause });
  }
}

export function resolveSpec(options: SimulationOptions): ResolvedSpec {
  const given: SimulationSpec = options.replay !== undefined ? parseReplay(options.replay) : options;
  const seed = given.seed ?? 1;
  if (!Number.isInteger(seed)) throw new PardisError("sim-invalid-options", `seed must be an integer, got ${seed}`);
  const nodes = typeof given.nodes === "number" || given.nodes === undefined
    ? Array.from({ length: given.nodes ?? 3 }, (_, i) => `n${i}`)
    : [...given.nodes];
  if (nodes.length === 0) throw new PardisError("sim-invalid-options", "a simulation needs at least one node");
  if (new Set(nodes).size !== nodes.length) throw new PardisError("sim-invalid-options", `node ids must be unique, got ${nodes.join(", ")}`);
  const durationMs = given.durationMs ?? 10_000;
  if (!(durationMs > 0) || !Number.isFinite(durationMs)) throw new PardisError("sim-invalid-options", `durationMs must be a positive finite number, got ${durationMs}`);
  for (const [name, p] of Object.entries(given.network ?? {})) {
    if (name !== "reorderDelayMs" && !(typeof p === "number" && p >= 0 && p <= 1)) {
      throw new PardisError("sim-invalid-options", `network.${name} is a probability in [0, 1], got ${p}`);
    }
  }
  const faults = given.faults ?? [];
  if (Array.isArray(faults)) {
    for (const fault of faults) {
      const node = (fault as { node?: string }).node;
      if (node !== undefined && !nodes.includes(node)) throw new PardisError("sim-invalid-options", `fault ${JSON.stringify(fault)} names unknown node ${node}; nodes are ${nodes.join(", ")}`);
      for (const id of fault.fault === "partition" ? fault.groups.flat() : fault.fault === "cut" ? [...fault.from, ...fault.to] : []) {
        if (!nodes.includes(id)) throw new PardisError("sim-invalid-options", `partition names unknown node ${id}; nodes are ${nodes.join(", ")}`);
      }
    }
  }
  return {
    seed,
    nodes,
    durationMs,
    latency: given.latency ?? DEFAULT_LATENCY,
    network: given.network ?? {},
    faults,
    ...(given.workload !== undefined ? { workload: given.workload } : {}),
    maxEvents: given.maxEvents ?? 10_000_000,
  };
}
