/**
 * A node-to-node message as it crosses a ZeroMQ socket: Maelstrom's envelope
 * `{ src, dest, body }` as JSON, plus the sender's incarnation and sequence
 * number, which together name the message in the run's record (the sender
 * reports the send, the receiver the delivery; the controller joins them).
 *
 * Anything can arrive on a socket (a learner's hand-written sender, a stray
 * process, a truncated frame), so decoding checks the shape and the size and
 * says what was wrong instead of handing node code a broken message.
 */
import { PardisError } from "../core/index.js";
import type { Envelope, MessageBody } from "../node/index.js";

/** Messages larger than this are refused by sender and receiver. */
export const DEFAULT_MAX_MESSAGE_BYTES = 1 << 20;

export interface WireMessage extends Envelope {
  /** The sender's incarnation (0 for the first start, +1 per restart). */
  i: number;
  /** The sender's sequence number within that incarnation. */
  q: number;
}

export function encodeMessage(message: WireMessage, maxBytes: number): string {
  const text = JSON.stringify(message);
  // UTF-16 length is a lower bound on UTF-8 bytes; count bytes only when it could matter.
  if (text.length * 3 > maxBytes && Buffer.byteLength(text) > maxBytes) {
    throw new PardisError(
      "net-message-too-large",
      `A ${message.body.type} message from ${message.src} to ${message.dest} is ${Buffer.byteLength(text)} bytes as JSON; the cluster's limit is ${maxBytes} (maxMessageBytes).`,
    );
  }
  return text;
}

/** The message, or a PardisError saying what is wrong with the frame. */
export function decodeMessage(frame: Buffer, maxBytes: number): WireMessage {
  if (frame.length > maxBytes) {
    throw new PardisError("net-message-too-large", `Refused a ${frame.length}-byte frame; the cluster's limit is ${maxBytes} bytes.`);
  }
  let value: unknown;
  try {
    value = JSON.parse(frame.toString("utf8"));
  } catch {
    throw new PardisError("net-message-invalid", `Refused a frame that is not JSON: ${JSON.stringify(frame.subarray(0, 60).toString("utf8"))}`);
  }
  const m = value as Partial<WireMessage> | null;
  const problem =
    m === null || typeof m !== "object" ? "not an object"
    : typeof m.src !== "string" ? "src is not a string"
    : typeof m.dest !== "string" ? "dest is not a string"
    : m.body === null || typeof m.body !== "object" || Array.isArray(m.body) ? "body is not an object"
    : typeof (m.body as MessageBody).type !== "string" ? "body.type is not a string"
    : !Number.isInteger(m.i) || !Number.isInteger(m.q) ? "the incarnation/sequence fields are missing"
    : undefined;
  if (problem !== undefined) {
    throw new PardisError("net-message-invalid", `Refused a malformed message (${problem}): ${JSON.stringify(value).slice(0, 120)}`);
  }
  return m as WireMessage;
}
