/** Why an incoming frame set was refused. Handlers match on `code`, never on the text. */
export type ProtocolErrorCode =
  | "bad-signature"
  | "missing-signature"
  | "malformed-frames"
  | "malformed-json"
  | "malformed-header"
  | "bad-connection-file";

export class ProtocolError extends Error {
  override readonly name = "ProtocolError";
  constructor(
    readonly code: ProtocolErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
