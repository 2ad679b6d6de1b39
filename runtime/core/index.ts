/** Shared by every runtime area: typed errors and seeded randomness. Imports nothing. */
export { PardisError, type PardisErrorCode } from "./errors.js";
export { seededRandom, type Random } from "./random.js";
export type { TaskRecord, TaskStatus, PoolTraceData, SpeedupPoint, SpeedupData } from "./trace.js";
export { amdahlSpeedup, gustafsonSpeedup, fitSerialFraction, median, type SpeedupSample } from "./scaling.js";
