import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";
import { ProtocolError } from "./errors.js";
import { type Header, type Message, PROTOCOL_VERSION } from "./messages.js";
import { assertHeader, assertObject } from "./validate.js";

/** Separates ZeroMQ routing identities from the message proper. */
export const DELIMITER = Buffer.from("<IDS|MSG>");

/**
 * Signs and checks messages with HMAC-SHA256 (the only scheme the spec names
 * for current clients). An empty key disables signing, as the spec allows;
 * then an incoming signature must be empty too.
 */
export class Signer {
  readonly #key: Buffer;
  constructor(key: string) {
    this.#key = Buffer.from(key, "utf8");
  }

  get enabled(): boolean {
    return this.#key.length > 0;
  }

  sign(parts: readonly Buffer[]): string {
    if (!this.enabled) return "";
    const hmac = createHmac("sha256", this.#key);
    for (const part of parts) hmac.update(part);
    return hmac.digest("hex");
  }

  /** Constant-time comparison, so timing does not leak how much of a forged signature matched. */
  verify(signature: Buffer, parts: readonly Buffer[]): void {
    if (!this.enabled) return;
    if (signature.length === 0) {
      throw new ProtocolError("missing-signature", "Message has no signature but the connection requires HMAC-SHA256");
    }
    const expected = Buffer.from(this.sign(parts), "utf8");
    if (signature.length !== expected.length || !timingSafeEqual(signature, expected)) {
      throw new ProtocolError("bad-signature", "Message signature does not match (HMAC-SHA256)");
    }
  }
}

function parseJson(frame: Buffer, what: string): unknown {
  try {
    return JSON.parse(frame.toString("utf8"));
  } catch (cause) {
    throw new ProtocolError("malformed-json", `Frame ${what} is not valid JSON`, { cause });
  }
}

/** Decodes a multipart message and verifies its signature before parsing any JSON. */
export function decode(frames: readonly Buffer[], signer: Signer): Message {
  const split = frames.findIndex((frame) => frame.equals(DELIMITER));
  if (split < 0) throw new ProtocolError("malformed-frames", "Message has no <IDS|MSG> delimiter");
  if (frames.length < split + 6) {
    throw new ProtocolError("malformed-frames", `Expected at least 5 frames after the delimiter, got ${frames.length - split - 1}`);
  }
  const [signature, headerFrame, parentFrame, metadataFrame, contentFrame] = frames.slice(split + 1, split + 6) as [
    Buffer, Buffer, Buffer, Buffer, Buffer,
  ];
  signer.verify(signature, [headerFrame, parentFrame, metadataFrame, contentFrame]);
  const header = parseJson(headerFrame, "header");
  assertHeader(header);
  const parent = parseJson(parentFrame, "parent_header");
  const metadata = parseJson(metadataFrame, "metadata");
  const content = parseJson(contentFrame, "content");
  assertObject(parent, "parent_header");
  assertObject(metadata, "metadata");
  assertObject(content, "content");
  return {
    identities: frames.slice(0, split) as Buffer[],
    header,
    parent_header: parent as Message["parent_header"],
    metadata,
    content,
    buffers: frames.slice(split + 6) as Buffer[],
  };
}

export interface Outgoing {
  identities?: readonly Buffer[];
  header: Header;
  parent_header: Header | Record<string, never>;
  metadata?: Record<string, unknown>;
  content: unknown;
  buffers?: readonly Buffer[];
}

export function encode(message: Outgoing, signer: Signer): Buffer[] {
  const parts = [
    Buffer.from(JSON.stringify(message.header)),
    Buffer.from(JSON.stringify(message.parent_header)),
    Buffer.from(JSON.stringify(message.metadata ?? {})),
    Buffer.from(JSON.stringify(message.content)),
  ];
  return [
    ...(message.identities ?? []),
    DELIMITER,
    Buffer.from(signer.sign(parts)),
    ...parts,
    ...(message.buffers ?? []),
  ];
}

export function makeHeader(msgType: string, session: string, username = "pardis"): Header {
  return {
    msg_id: randomUUID(),
    session,
    username,
    date: new Date().toISOString(),
    msg_type: msgType,
    version: PROTOCOL_VERSION,
  };
}
