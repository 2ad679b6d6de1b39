/**
 * pardis/check: checkers that judge what a distributed run recorded, whoever
 * ran it (the simulator or a real cluster), never the learner's code itself.
 * Each returns a CheckVerdict: ok, or the anomaly's name, a message a learner
 * can read, and a minimal witness (operation ids) for the timeline.
 *
 * ```ts
 * const verdict = checkLinearizability(run.history, { model: "kv" });
 * if (!verdict.ok) console.log(verdict.message, run.replay);
 * ```
 */
export { checkLinearizability, type LinearizabilityOptions } from "./linearizability.js";
export {
  registerModel,
  counterModel,
  setModel,
  queueModel,
  modelNamed,
  type Model as SequentialModel,
  type AnyModel as AnySequentialModel,
  type ModelOperation,
  type ModelName,
} from "./models.js";
export { checkConvergence, type ConvergenceOptions } from "./convergence.js";
export {
  checkConsensus,
  consensusObservations,
  CONSENSUS_LOG_PREFIX,
  type ConsensusObservation,
  type RoleObservation,
  type CommitObservation,
  type LogObservation,
} from "./consensus.js";
export { checkBroadcast, type BroadcastOptions } from "./broadcast.js";
export { generateHistory, type GenerateHistoryOptions } from "./generate.js";
export type { CheckInput } from "./run-input.js";
export { CheckInputError, type CheckInputErrorCode } from "./errors.js";
export {
  checkInvertedIndex,
  mapReduceObservations,
  type InvertedIndexOptions,
  type MapReduceObservation,
  type IndexOutputObservation,
  type IndexDoneObservation,
} from "./inverted-index.js";
export { checkLedger, ledgerObservations, type BlockObservation } from "./ledger.js";
