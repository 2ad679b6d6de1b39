import { kernelBridge } from "../viz/kernel-bridge.js";
import type { NodeProgram } from "../node/index.js";
import type { Cluster, ClusterRun } from "./cluster.js";
import { resolveLaunch, type ClusterRunOptions, type LaunchOptions } from "./cluster-options.js";

/**
 * Starts a real cluster: one OS process per node, running `program` on the
 * node API, connected over ZeroMQ. Resolves once every node's program runs.
 * Call as launch(program, { nodes: 5 }) or launch({ nodes: 5, program }).
 * The cluster module (and ZeroMQ's native addon) loads on first launch, so
 * `import ... from "pardis"` stays cheap for notebooks that never launch one.
 */
export async function launch(program: NodeProgram | (LaunchOptions & { program: NodeProgram }), options: LaunchOptions = {}): Promise<Cluster> {
  const [node, given] = typeof program === "function" ? [program, options] : [program.program, { ...program }];
  if (typeof node !== "function") throw new TypeError(`launch expects a node program (a function or class taking the node context), got ${node === null ? "null" : typeof node}`);
  const resolved = resolveLaunch(given);
  const [{ Cluster }, pardis] = await Promise.all([import("./cluster.js"), import("../index.js")]);
  const cluster = new Cluster(node, resolved, {
    ...(given.dataDir !== undefined ? { dataDir: given.dataDir } : {}),
    live: given.live ?? kernelBridge() !== undefined,
    // To tell "imported from pardis in an earlier cell" apart from other captured names.
    pardisExports: new Set(Object.keys(pardis)),
  });
  await cluster.start(given.signal);
  return cluster;
}

/** Launches a cluster, runs one scenario on it, stops it, and returns the record: simulate()'s twin on real processes. */
export async function runCluster(program: NodeProgram, options: LaunchOptions & ClusterRunOptions = {}): Promise<ClusterRun> {
  const cluster = await launch(program, options);
  try {
    const run = await cluster.run(options);
    const record = await cluster.stop();
    return { record, replay: run.replay };
  } finally {
    await cluster.stop();
  }
}
