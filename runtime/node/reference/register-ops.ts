import { ErrorCode, errorBody } from "../rpc-error.js";

/** A client's request on a key-value register, as the register workload sends it (lin-kv). */
export type RegisterRequest =
  | { type: "read"; key: string }
  | { type: "write"; key: string; value: unknown }
  | { type: "cas"; key: string; from: unknown; to: unknown };

/** What a request does to a map of values: the reply, and the write to make, if any. Missing keys read as null. */
export function applyRegisterRequest(
  values: Readonly<Record<string, unknown>>,
  request: RegisterRequest,
): { reply: { type: string; [field: string]: unknown }; write?: { key: string; value: unknown } } {
  const current = values[request.key] ?? null;
  switch (request.type) {
    case "read":
      return { reply: { type: "read_ok", value: current } };
    case "write":
      return { reply: { type: "write_ok" }, write: { key: request.key, value: request.value } };
    case "cas":
      if (current !== request.from) return { reply: errorBody(ErrorCode.preconditionFailed, `expected ${JSON.stringify(request.from)}, found ${JSON.stringify(current)}`) };
      return { reply: { type: "cas_ok" }, write: { key: request.key, value: request.to } };
  }
}
