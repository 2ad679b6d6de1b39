/**
 * What a real cluster is launched with and what one run of it does, checked
 * up front with errors that name the field. A run's scenario (nodes, faults,
 * network, workload, seed) is data, printed as a replay line like the
 * simulator's; on real processes it reproduces the scenario, not the exact
 * interleaving (real time decides that).
 */
import { PardisError, seededRandom } from "../core/index.js";
import type { NodeProgram } from "../node/index.js";
import { drawSwarm, type Fault, type NetworkFaults, type SwarmOptions } from "../sim/faults.js";
import type { Workload } from "../sim/workload.js";
import { CLIENT_ID } from "./control.js";
import { DEFAULT_MAX_MESSAGE_BYTES } from "./wire.js";

export interface LaunchOptions {
  /** A count ("n0".."n{k-1}") or the node ids. @default 3 */
  nodes?: number | string[];
  /** The node program, when launch is called with one options object. */
  program?: NodeProgram;
  /** Seeds node.random in every node, the clients and swarm draws. @default 1 */
  seed?: number;
  /** Interface node sockets bind to. @default "127.0.0.1", or the host of `listen` */
  host?: string;
  /**
   * Multi-host: the control socket's address, tcp://HOST:PORT, reachable from
   * the other machines (their agents and nodes connect to it). @default any free port on `host`
   */
  listen?: string;
  /** Multi-host: the nodes run by `pardis node --join` agents on other machines. @default none */
  remote?: string[];
  /** Where durable storage lives (one file per node). @default a fresh temporary folder, removed at stop */
  dataDir?: string;
  /** Messages larger than this (as JSON) are refused. @default 1 MiB */
  maxMessageBytes?: number;
  /** Record every message for the diagram and checkers. @default true */
  recordMessages?: boolean;
  /** Print node.log lines in the notebook as they happen (they are recorded either way). @default true */
  printLogs?: boolean;
  /** Show a live table of node status and message counts. @default true inside a kernel */
  live?: boolean;
  /** Launching fails if a node is not up by then. @default 15000 */
  startTimeoutMs?: number;
  /** Stops the cluster when aborted (the kernel's interrupt is honoured too). */
  signal?: AbortSignal;
}

export interface ClusterRunOptions {
  /** How long the run lasts (wall-clock ms). @default 5000 */
  durationMs?: number;
  /** A fault schedule (times from the start of the run), or "swarm" (drawn from the seed), or swarm options. */
  faults?: Fault[] | "swarm" | { swarm: SwarmOptions };
  /** Network faults for the whole run (a swarm's stop by its untilMs), plus added delay. */
  network?: NetworkFaults & { delayMs?: number; jitterMs?: number };
  workload?: Workload;
  /** Stops the run when aborted (the kernel's interrupt is honoured too). */
  signal?: AbortSignal;
}

export interface ResolvedLaunch {
  nodes: string[];
  listen?: string;
  remote: string[];
  seed: number;
  host: string;
  maxMessageBytes: number;
  recordMessages: boolean;
  printLogs: boolean;
  startTimeoutMs: number;
}

export interface ResolvedRun {
  durationMs: number;
  schedule: Fault[];
  network: NetworkFaults & { delayMs?: number; jitterMs?: number };
  /** When network faults end (a swarm's untilMs); the whole run otherwise. */
  networkUntilMs: number;
  workload?: Workload;
}

function invalid(message: string): PardisError {
  return new PardisError("net-invalid-options", message);
}

export function resolveLaunch(options: LaunchOptions): ResolvedLaunch {
  const nodes = typeof options.nodes === "number" || options.nodes === undefined
    ? Array.from({ length: options.nodes ?? 3 }, (_, i) => `n${i}`)
    : [...options.nodes];
  if (nodes.length === 0 || nodes.length > 64) throw invalid(`a real cluster has 1 to 64 nodes, got ${nodes.length}`);
  for (const id of nodes) {
    if (typeof id !== "string" || !/^[A-Za-z0-9_-]+$/.test(id) || CLIENT_ID.test(id)) {
      throw invalid(`node ids are letters, digits, - and _ and never c1, c2, ... (client ids), got ${JSON.stringify(id)}`);
    }
  }
  if (new Set(nodes).size !== nodes.length) throw invalid(`node ids must be unique, got ${nodes.join(", ")}`);
  const seed = options.seed ?? 1;
  if (!Number.isInteger(seed)) throw invalid(`seed must be an integer, got ${seed}`);
  const maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  if (!(maxMessageBytes >= 256)) throw invalid(`maxMessageBytes must be at least 256, got ${maxMessageBytes}`);
  const listen = options.listen;
  const listenHost = listen === undefined ? undefined : /^tcp:\/\/([^:/]+):(\d+)$/.exec(listen)?.[1];
  if (listen !== undefined && listenHost === undefined) throw invalid(`listen must be tcp://HOST:PORT (a numeric port the other machines can reach), got ${JSON.stringify(listen)}`);
  const remote = [...(options.remote ?? [])];
  for (const id of remote) if (!nodes.includes(id)) throw invalid(`remote names unknown node ${id}; nodes are ${nodes.join(", ")}`);
  if (remote.length > 0 && listen === undefined) throw invalid("a cluster with remote nodes needs listen: tcp://HOST:PORT, an address of this machine the others can reach");
  return {
    nodes,
    ...(listen !== undefined ? { listen } : {}),
    remote,
    seed,
    host: options.host ?? listenHost ?? "127.0.0.1",
    maxMessageBytes,
    recordMessages: options.recordMessages !== false,
    printLogs: options.printLogs !== false,
    startTimeoutMs: options.startTimeoutMs ?? 15_000,
  };
}

export function resolveRun(options: ClusterRunOptions, nodes: readonly string[], seed: number): ResolvedRun {
  const durationMs = options.durationMs ?? 5000;
  if (!(durationMs > 0) || !Number.isFinite(durationMs)) throw invalid(`durationMs must be a positive finite number, got ${durationMs}`);
  const network = { ...(options.network ?? {}) };
  for (const [name, p] of Object.entries(network)) {
    const probability = name === "loss" || name === "duplicate" || name === "reorder";
    if (probability ? !(typeof p === "number" && p >= 0 && p <= 1) : !(typeof p === "number" && p >= 0)) {
      throw invalid(`network.${name} must be ${probability ? "a probability in [0, 1]" : "a non-negative number of ms"}, got ${p}`);
    }
  }
  const faults = options.faults ?? [];
  let schedule: Fault[];
  let networkUntilMs = durationMs;
  if (faults === "swarm" || (typeof faults === "object" && !Array.isArray(faults))) {
    const swarm = faults === "swarm" ? { untilMs: Math.round(durationMs * 0.7) } : faults.swarm;
    const draw = drawSwarm(seededRandom(seed), nodes, swarm);
    schedule = draw.schedule;
    Object.assign(network, draw.network);
    networkUntilMs = swarm.untilMs;
  } else if (Array.isArray(faults)) {
    schedule = [...faults].sort((a, b) => a.atMs - b.atMs);
  } else {
    throw invalid(`faults must be a schedule (array), "swarm" or { swarm: {...} }`);
  }
  for (const fault of schedule) {
    const named = fault.fault === "partition" ? fault.groups.flat() : fault.fault === "cut" ? [...fault.from, ...fault.to] : "node" in fault ? [fault.node] : [];
    for (const id of named) if (!nodes.includes(id)) throw invalid(`fault ${JSON.stringify(fault)} names unknown node ${id}; nodes are ${nodes.join(", ")}`);
  }
  return { durationMs, schedule, network, networkUntilMs, ...(options.workload !== undefined ? { workload: options.workload } : {}) };
}

const REPLAY_PREFIX = "pardis-net ";

/** The run's scenario as one line (seed, nodes, schedule, network, workload). */
export function formatReplay(launch: ResolvedLaunch, run: ResolvedRun): string {
  return REPLAY_PREFIX + JSON.stringify({ seed: launch.seed, nodes: launch.nodes, durationMs: run.durationMs, faults: run.schedule, network: run.network, workload: run.workload });
}
