/**
 * Messages between the kernel's main thread (host) and the executor worker that
 * runs learner code. Both sides import these types; neither hard-codes a shape.
 */
import type {
  CommMessage,
  CompleteResult,
  ExecuteOutcome,
  ExecuteRequest,
  InspectResult,
  IsCompleteResult,
  Output,
} from "../interpreter.js";
import type { Header } from "../protocol/index.js";

export type HostToWorker =
  | { type: "execute"; id: number; request: ExecuteRequest }
  | { type: "complete"; id: number; code: string; cursorPos: number }
  | { type: "inspect"; id: number; code: string; cursorPos: number; detailLevel: number }
  | { type: "isComplete"; id: number; code: string }
  | { type: "commTargets"; id: number }
  | { type: "comm"; message: CommMessage }
  | { type: "interrupt"; seq: number }
  | { type: "inputReply"; id: number; value: string };

export type WorkerToHost =
  | { type: "ready"; ms: number }
  | { type: "result"; id: number; value: ExecuteOutcome | CompleteResult | InspectResult | IsCompleteResult | Record<string, unknown> }
  | { type: "output"; output: Output }
  | { type: "inputRequest"; id: number; prompt: string; password: boolean; parent: Header }
  | { type: "interruptAck"; seq: number }
  | { type: "log"; line: string };

/** Slots of the SharedArrayBuffer both sides see; the host sets, learner-facing code polls. */
export const INTERRUPT_SLOT = 0;
export const SHARED_SLOTS = 1;
