/**
 * Which module defines each reference program a real cluster can ship by
 * name (a recipe, see withRecipe): a node process imports just that module
 * instead of runtime/node's index with every reference program (about 30 ms
 * of a node's start, which five nodes starting on two cores feel). A test
 * checks that every recipe name is here and each module exports it.
 */
export const REFERENCE_MODULES: Readonly<Record<string, string>> = {
  echoNode: "echo.js",
  failureDetectorNode: "failure-detector.js",
  gossipBroadcastNode: "gossip-broadcast.js",
  ledgerNode: "ledger.js",
  mapReduceNode: "mapreduce.js",
  pnCounterNode: "pn-counter.js",
  primaryBackupNode: "primary-backup.js",
  raftNode: "raft-register.js",
};
