/**
 * Maelstrom's message envelope: `{ src, dest, body }`, where the body names its
 * `type` and carries `msg_id` when it expects a reply and `in_reply_to` when it
 * is one. Kept as plain JSON data so the same message crosses the simulator and
 * a real ZeroMQ socket unchanged.
 */
export interface MessageBody {
  type: string;
  msg_id?: number;
  in_reply_to?: number;
  [field: string]: unknown;
}

export interface Envelope<B extends MessageBody = MessageBody> {
  src: string;
  dest: string;
  body: B;
}

/** A body without the fields the runtime fills in (msg_id, in_reply_to). */
export type OutgoingBody = { type: string; [field: string]: unknown };

/**
 * Copies a body the way a network would (JSON semantics for plain data), so a
 * sender that keeps mutating what it sent never changes what the receiver got.
 * Plain objects and arrays are copied by hand (cheap for small bodies); anything
 * else (Map, Set, Date) falls back to structuredClone.
 */
export function copyBody<T>(value: T): T {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) {
    const out = new Array(value.length);
    for (let i = 0; i < value.length; i++) out[i] = copyBody(value[i]);
    return out as T;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return structuredClone(value);
  // Spread copies a flat object on V8's fast path; only nested objects and arrays need another level.
  const out: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  for (const key in out) {
    const field = out[key];
    if (field !== null && typeof field === "object") out[key] = copyBody(field);
  }
  return out as T;
}
