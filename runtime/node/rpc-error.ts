import { PardisError } from "../core/index.js";

/**
 * Maelstrom's error codes (doc/protocol.md). A definite error means the
 * operation surely did not happen; an indefinite one (timeout, crash) means it
 * may have, and a checker must allow both.
 */
export const ErrorCode = {
  timeout: 0,
  nodeNotFound: 1,
  notSupported: 10,
  temporarilyUnavailable: 11,
  malformedRequest: 12,
  crash: 13,
  abort: 14,
  keyDoesNotExist: 20,
  keyAlreadyExists: 21,
  preconditionFailed: 22,
  txnConflict: 30,
} as const;

export type ErrorCodeName = keyof typeof ErrorCode;

const NAMES = new Map<number, ErrorCodeName>(Object.entries(ErrorCode).map(([name, code]) => [code, name as ErrorCodeName]));
const INDEFINITE = new Set<number>([ErrorCode.timeout, ErrorCode.crash]);

/** The name of a Maelstrom error code ("timeout", "precondition-failed"), or "error-<code>" for custom codes (1000+). */
export function errorCodeName(code: number): string {
  const name = NAMES.get(code);
  return name === undefined ? `error-${code}` : name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** Whether an error code means the operation surely did not happen. Unknown codes are treated as indefinite (the safe guess). */
export function isDefinite(code: number): boolean {
  return NAMES.has(code) && !INDEFINITE.has(code);
}

/** An RPC that did not get an ok reply: a timeout (code 0) or an error body from the other side. */
export class RpcError extends PardisError {
  override name = "RpcError";
  /** The Maelstrom error code. */
  readonly errorCode: number;
  readonly definite: boolean;
  constructor(
    errorCode: number,
    readonly text: string,
    readonly dest: string,
    readonly request: { type: string },
  ) {
    super("rpc-error", `${request.type} to ${dest} failed: ${errorCodeName(errorCode)} (code ${errorCode})${text ? `: ${text}` : ""}`);
    this.errorCode = errorCode;
    this.definite = isDefinite(errorCode);
  }
}

/** The body of an error reply, as Maelstrom writes it. */
export function errorBody(code: number, text: string): { type: "error"; code: number; text: string } {
  return { type: "error", code, text };
}
