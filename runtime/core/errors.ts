/**
 * Errors the runtime throws on purpose: a stable `code` to switch on, a message
 * that says what was expected and what arrived, and the cause when there is one.
 * Misuse of an API (a wrong argument type) is a plain TypeError instead.
 */
export type PardisErrorCode =
  | "captured-variables"
  | "pool-closed"
  | "task-cancelled"
  | "task-failed"
  | "worker-crashed"
  | "sync-misuse"
  | "deadlock"
  | "explore-violation"
  | "rpc-error"
  | "sim-invalid-options"
  | "sim-runaway"
  | "sim-interrupted"
  | "net-invalid-options"
  | "net-start-failed"
  | "net-message-invalid"
  | "net-message-too-large"
  | "net-unknown-node"
  | "net-stopped"
  | "net-interrupted";

export class PardisError extends Error {
  override name = "PardisError";
  constructor(
    readonly code: PardisErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
