import { describe, expect, test } from "vitest";
import { DELIMITER, ProtocolError, Signer, decode, encode, makeHeader } from "../../kernel/protocol/index.js";

const signer = new Signer("secret-key");
const message = () => ({
  identities: [Buffer.from("client-1")],
  header: makeHeader("execute_request", "session-1"),
  parent_header: {},
  content: { code: "1 + 1" },
});

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof ProtocolError) return error.code;
    throw error;
  }
  return undefined;
}

describe("wire format", () => {
  test("a signed message decodes to what was sent", () => {
    const sent = message();
    const decoded = decode(encode(sent, signer), signer);
    expect(decoded.header).toEqual(sent.header);
    expect(decoded.content).toEqual({ code: "1 + 1" });
    expect(decoded.identities.map(String)).toEqual(["client-1"]);
  });

  test("a message signed with another key is refused as bad-signature", () => {
    const frames = encode(message(), new Signer("other-key"));
    expect(codeOf(() => decode(frames, signer))).toBe("bad-signature");
  });

  test("a tampered content frame is refused", () => {
    const frames = encode(message(), signer);
    const content = frames.indexOf(DELIMITER) + 5;
    frames[content] = Buffer.from(JSON.stringify({ code: "process.exit()" }));
    expect(codeOf(() => decode(frames, signer))).toBe("bad-signature");
  });

  test("an unsigned message is refused when the connection has a key", () => {
    const frames = encode(message(), new Signer(""));
    expect(codeOf(() => decode(frames, signer))).toBe("missing-signature");
  });

  test("frames without a delimiter or with too few parts are malformed", () => {
    expect(codeOf(() => decode([Buffer.from("x")], signer))).toBe("malformed-frames");
    expect(codeOf(() => decode([DELIMITER, Buffer.from("sig")], signer))).toBe("malformed-frames");
  });

  test("a correctly signed frame that is not JSON is malformed-json, not a crash", () => {
    const parts = [Buffer.from("{not json"), Buffer.from("{}"), Buffer.from("{}"), Buffer.from("{}")];
    const frames = [DELIMITER, Buffer.from(signer.sign(parts)), ...parts];
    expect(codeOf(() => decode(frames, signer))).toBe("malformed-json");
  });

  test("an empty key disables signing, as the spec allows", () => {
    const open = new Signer("");
    expect(decode(encode(message(), open), open).content).toEqual({ code: "1 + 1" });
  });
});
