/**
 * Real clusters: the node API's programs as OS processes over ZeroMQ, with
 * real crashes (SIGKILL), pauses (SIGSTOP), partitions, loss and delay, and
 * the simulator's record format, so the same checkers and pictures apply.
 */
export { launch, runCluster } from "./launch.js";
export type { Cluster, ClusterRun, NodeStatus, NodeState } from "./cluster.js";
export type { LaunchOptions, ClusterRunOptions } from "./cluster-options.js";
export type { NetworkRules } from "./rules.js";
