/**
 * The deterministic simulator: node code (runtime/node) in virtual time over a
 * seeded, faulty network (latency, loss, duplication, reordering, partitions,
 * crash/restart, pause, clock skew), with faults as a schedule or a swarm
 * drawn from the seed, client workloads that record a history, and a replay
 * line that reproduces any run exactly.
 *
 *   const run = await simulate(gossipBroadcastNode(), {
 *     seed: 7, nodes: 5, durationMs: 5000,
 *     faults: [{ atMs: 500, fault: "partition", groups: [["n0", "n1"]] }, { atMs: 2000, fault: "heal" }],
 *     workload: { kind: "broadcast" },
 *   });
 *   run.record;   // RunRecord: messages, events, history, replay, endMs
 *   await simulate(gossipBroadcastNode(), { replay: run.replay }); // the same run, byte for byte
 */
export { simulate, SimulationError, type SimulationRun, type SimulationStats } from "./simulator.js";
export { formatReplay as formatSimReplay, parseReplay as parseSimReplay, type SimulationOptions, type SimulationSpec } from "./options.js";
export { drawSwarm, type Fault, type NetworkFaults, type SwarmOptions, type SwarmDraw } from "./faults.js";
export { latencySampler, DEFAULT_LATENCY, type Latency } from "./latency.js";
export { planWorkload, type Workload, type WorkloadTiming, type PlannedOperation, type OperationResult, type WorkloadPlan } from "./workload.js";
