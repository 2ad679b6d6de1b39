/**
 * The node API: one way to write a distributed node (handlers by message
 * type, send, reply, RPC with timeouts and Maelstrom error codes, timers, a
 * skewed clock, seeded randomness, durable storage) that runs unchanged in the
 * deterministic simulator (runtime/sim) and on a real cluster (runtime/net).
 */
export type { NodeContext, NodeHost, MessageHandler, RpcOptions, DurableStorage } from "./context.js";
export { copyBody, type Envelope, type MessageBody, type OutgoingBody } from "./message.js";
export { ErrorCode, RpcError, errorBody, errorCodeName, isDefinite, type ErrorCodeName } from "./rpc-error.js";
export { startNode, type RunningNode } from "./node-runtime.js";
export { instantiate, withRecipe, programRecipe, PROGRAM_RECIPE, type NodeProgram, type NodeHandlers, type ProgramRecipe } from "./program.js";
export { memoryStorage } from "./storage.js";
export { echoNode } from "./reference/echo.js";
export { gossipBroadcastNode, type GossipOptions } from "./reference/gossip-broadcast.js";
export { pnCounterNode, type PnCounterOptions } from "./reference/pn-counter.js";
export { heartbeatFailureDetector, failureDetectorNode, type FailureDetector, type FailureDetectorOptions } from "./reference/failure-detector.js";
export { primaryBackupNode, type PrimaryBackupOptions } from "./reference/primary-backup.js";
export { mapReduceNode } from "./reference/mapreduce.js";
export type { MapReduceOptions, MapReduceMistake } from "./reference/mapreduce-options.js";
export { indexTerms, mapDocuments, partitionOf, reducePostings, sequentialInvertedIndex, type IndexDocument, type IndexEntries, type Posting } from "./reference/mapreduce-index.js";
export { MAPREDUCE_LOG_PREFIX, type MapReduceLogLine } from "./reference/mapreduce-messages.js";
export { startRaft, type Raft, type RaftOptions, type RaftStateMachine } from "./reference/raft.js";
export { RaftLog, type RaftEntry } from "./reference/raft-log.js";
export { serveThroughRaft, type ServeOptions as RaftServeOptions } from "./reference/raft-serve.js";
export { raftNode, type RaftNodeOptions } from "./reference/raft-register.js";
export { ledgerNode, DEFAULT_ACCOUNTS, type LedgerOptions } from "./reference/ledger.js";
export { LedgerState, type LedgerRequest } from "./reference/ledger-state.js";
export { blockHash, sealBlock, genesisBlock, GENESIS_PREV_HASH, LEDGER_LOG_PREFIX, type LedgerBlock, type LedgerTransfer } from "./reference/ledger-chain.js";
export { transferClient, type TransferClientOptions, type TransferOutcome } from "./reference/ledger-client.js";
