import { ProtocolError } from "./errors.js";
import type { Header } from "./messages.js";

const HEADER_STRING_FIELDS = ["msg_id", "msg_type", "session"] as const;

/** Checks the header once at the edge; code past the wire trusts it. */
export function assertHeader(value: unknown): asserts value is Header {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ProtocolError("malformed-header", `Expected the header to be an object, got ${JSON.stringify(value)}`);
  }
  const record = value as Record<string, unknown>;
  for (const field of HEADER_STRING_FIELDS) {
    if (typeof record[field] !== "string") {
      throw new ProtocolError(
        "malformed-header",
        `Expected header.${field} to be a string, got ${JSON.stringify(record[field])}`,
      );
    }
  }
}

export function assertObject(value: unknown, what: string): asserts value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ProtocolError("malformed-json", `Expected ${what} to be an object, got ${JSON.stringify(value)}`);
  }
}
