/** Shared by every runtime area: typed errors, seeded randomness, trace types, scaling laws, the kernel's interrupt signal. Imports nothing. */
export { PardisError, type PardisErrorCode } from "./errors.js";
export { seededRandom, type Random } from "./random.js";
export type { TaskRecord, TaskStatus, PoolTraceData, SpeedupPoint, SpeedupData } from "./trace.js";
export { amdahlSpeedup, gustafsonSpeedup, fitSerialFraction, median, type SpeedupSample } from "./scaling.js";
export { KERNEL_BRIDGE, kernelInterruptSignal } from "./kernel-signal.js";
export type { OperationOutcome, HistoryOperation, MessageRecord, RunEvent, RunRecord, CheckVerdict } from "./history.js";
