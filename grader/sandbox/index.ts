/**
 * grader/sandbox: runs an untrusted command under OS isolation (bwrap or
 * unshare namespaces, a per-job uid, prlimit, a wall clock, capped output)
 * and always cleans up after it. Degrades loudly on machines without those
 * mechanisms: every result carries the isolation actually in force.
 */
export { detectIsolation, hostCapabilities, type HostCapabilities, type IsolationMode, type IsolationReport } from "./detect.js";
export { runSandboxed, type SandboxEnd, type SandboxOptions, type SandboxResult } from "./run-sandboxed.js";
export { DEFAULT_LIMITS, type SandboxLimits } from "./command.js";
export { SandboxError, type SandboxErrorCode } from "./errors.js";
export { tasksOfUid, tasksOfUids, type UidTask } from "./processes.js";
export { FIRST_JOB_UID, JOB_UID_SLOTS } from "./uid-pool.js";
