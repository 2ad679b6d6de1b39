/**
 * What a scenario of the fault-tolerance lab asks the exercise to run (its
 * `params`) and what the exercise reports back (its observations). Shared by
 * the exercise (inside the sandbox) and the judge (in the grader).
 */
import type { Fault, NetworkFaults, SwarmOptions, Workload } from "../../../runtime/index.js";

/** Liveness: at least `minAnswered` operations invoked from `fromMs` on got an answer (ok, or a definite "cas did not match"). */
export interface LivenessRule {
  fromMs: number;
  minAnswered: number;
}

/** The register workload in the simulator, once per seed; every seed must be linearizable and live. */
export interface SimulatedParams {
  kind: "simulated";
  seeds: number[];
  nodes: number;
  durationMs: number;
  network?: NetworkFaults;
  faults: Fault[] | { swarm: SwarmOptions };
  workload: Workload;
  liveness: LivenessRule;
}

/** The failure detector alone (no clients): a crash it must notice, message loss it must learn to live with. */
export interface DetectorParams {
  kind: "detector";
  seeds: number[];
  nodes: number;
  durationMs: number;
  network: NetworkFaults;
  crash: { node: string; atMs: number };
  /** Every live node suspects the crashed one within this long after the crash, and for good. */
  detectWithinMs: number;
  /** From this time on, a live node suspects a live peer rarely (at most twice) and briefly (under 500 ms each time). */
  accurateFromMs: number;
}

/** The same answer as real processes over ZeroMQ, with a real SIGKILL and restart from disk. */
export interface ClusterParams {
  kind: "cluster";
  seeds: number[];
  nodes: number;
  durationMs: number;
  faults: Fault[];
  workload: Workload;
  liveness: LivenessRule;
}

export type ScenarioParams = SimulatedParams | DetectorParams | ClusterParams;

/** One operation as sent over the channel: [id, client, f, key, input, output, outcome, invokeMs, completeMs, node, error]. */
export type CompactOperation = [number, string, string, string | null, unknown, unknown, string | null, number, number | null, string | null, string | null];

/** A message or run event near the failure, for the diagram. */
export interface WindowObservation {
  fromMs: number;
  toMs: number;
  nodes: string[];
  clients: string[];
  messages: unknown[];
  events: unknown[];
}

/** One seed of a simulated or real-process scenario. */
export interface RunObservation {
  kind: "run";
  seed: number;
  replay: string;
  endMs: number;
  history: CompactOperation[];
  /** Set when the run itself failed (the simulator stopped, the cluster did not start). */
  error?: string;
  /** Messages and events around the first anomaly the exercise saw (first failing seed only). */
  window?: WindowObservation;
}

/** One seed of the detector scenario: the detector's log lines and the crash. */
export interface DetectorObservation {
  kind: "detector";
  seed: number;
  replay: string;
  endMs: number;
  /** [atMs, node, "suspect" | "trust", peer] */
  beliefs: Array<[number, string, string, string]>;
  error?: string;
}
