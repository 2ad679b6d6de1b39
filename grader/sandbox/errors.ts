/** Failures of the sandbox itself (never of the submission), with stable codes a caller can switch on. */
export type SandboxErrorCode =
  | "unreadable-checkout" // a path the job must read is closed to other users (e.g. under a 0700 home)
  | "no-free-uid" // every per-job uid of the pool is busy or still has processes
  | "sandbox-failed"; // the sandbox could not be started at all

export class SandboxError extends Error {
  override readonly name = "SandboxError";
  constructor(
    readonly code: SandboxErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
