import { describe, expect, test } from "vitest";
import { decodeMessage, encodeMessage, type WireMessage } from "../../runtime/net/wire.js";

const vote: WireMessage = { src: "n2", dest: "n0", body: { type: "request_vote", term: 7, candidate: "n2", last_log_index: 41, last_log_term: 6, msg_id: 12 }, i: 1, q: 5321 };

function refusal(frame: string | Buffer, maxBytes = 4096): { code: string; message: string } {
  try {
    decodeMessage(frame, maxBytes);
  } catch (error) {
    return { code: (error as { code: string }).code, message: (error as Error).message };
  }
  throw new Error(`decoded ${JSON.stringify(frame)}`);
}

describe("the cluster's wire format", () => {
  test("a message is a header line (src dest incarnation sequence) and its body as JSON, and decodes to what was sent", () => {
    const frame = encodeMessage(vote, 4096);
    expect(frame.split("\n")[0]).toBe("n2 n0 1 5321");
    expect(JSON.parse(frame.slice(frame.indexOf("\n") + 1))).toEqual(vote.body);
    expect(decodeMessage(Buffer.from(frame), 4096)).toEqual(vote);
    expect(decodeMessage(frame, 4096)).toEqual(vote);
  });

  test("a Raft vote request with its envelope stays within zeromq.js's 128-byte copy threshold", () => {
    expect(Buffer.byteLength(encodeMessage(vote, 4096))).toBeLessThanOrEqual(128);
  });

  test("bodies keep their text exactly, newlines and non-ASCII included", () => {
    const message: WireMessage = { src: "n0", dest: "c3", body: { type: "read_ok", value: "two\nlines, ünïcode ✓", in_reply_to: 4 }, i: 0, q: 0 };
    expect(decodeMessage(Buffer.from(encodeMessage(message, 4096)), 4096)).toEqual(message);
  });

  test("each kind of broken frame is refused with its own reason", () => {
    expect(refusal("not json")).toMatchObject({ code: "net-message-invalid", message: expect.stringContaining("no header line") });
    expect(refusal("n0 n1 0\n{}").message).toContain('the header line is not "src dest incarnation sequence"');
    expect(refusal(" n1 0 1\n{}").message).toContain("the header line");
    expect(refusal("n0 n1 -1 1\n{}").message).toContain("incarnation/sequence");
    expect(refusal("n0 n1 0 1.5\n{}").message).toContain("incarnation/sequence");
    expect(refusal("n0 n1 0 1\n{oops").message).toContain("body is not JSON");
    expect(refusal("n0 n1 0 1\nnull").message).toContain("body is not an object");
    expect(refusal("n0 n1 0 1\n[]").message).toContain("body is not an object");
    expect(refusal('n0 n1 0 1\n{"type":3}').message).toContain("body.type is not a string");
  });

  test("frames over the limit are refused before parsing, and so are messages that would exceed it", () => {
    expect(refusal("y".repeat(5000))).toMatchObject({ code: "net-message-too-large", message: expect.stringContaining("5000-byte frame") });
    const big: WireMessage = { ...vote, body: { type: "blob", data: "z".repeat(5000) } };
    expect(() => encodeMessage(big, 4096)).toThrow(/blob message from n2 to n0 is \d+ bytes on the wire; the cluster's limit is 4096/);
  });
});
