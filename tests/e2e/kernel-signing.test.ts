/**
 * The wire protocol's guard over real ZeroMQ: a message that is not signed with
 * the connection key, or that cannot be parsed, is refused (and logged) before
 * anything acts on it, and the kernel keeps serving signed messages.
 */
import { afterAll, beforeAll, expect, test } from "vitest";
import { DELIMITER, Signer, encode, makeHeader } from "../../kernel/protocol/index.js";
import { TextLog, launchKernel, streamText, type LaunchedKernel } from "../support/kernel-client.js";

let kernel: LaunchedKernel;
const stderr = new TextLog();

beforeAll(async () => {
  kernel = await launchKernel("pardis", { onStderr: stderr.append });
  await kernel.client.ready();
  const { reply } = await kernel.client.execute("let counter = 0;");
  expect(reply.content.status).toBe("ok");
});
afterAll(() => kernel?.shutdown());

/** An execute_request as a client would send it, signed by `signer`. */
function executeFrames(code: string, signer: Signer): { msgId: string; frames: Buffer[] } {
  const header = makeHeader("execute_request", kernel.client.session, "forger");
  const content = { code, silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true };
  return { msgId: header.msg_id, frames: encode({ header, parent_header: {}, content }, signer) };
}

/** Everything the kernel published, as text, to show a forged cell left no trace. */
function everythingPublished(): string {
  return JSON.stringify(kernel.client.iopubLog.map((m) => m.content));
}

/** The forged cell ran if counter changed or its marker was printed anywhere. */
async function expectForgedCellNeverRan(forgedMsgId: string, marker: string): Promise<void> {
  const { reply, iopub } = await kernel.client.execute("counter");
  expect(reply.content.status).toBe("ok");
  expect(iopub.find((m) => m.header.msg_type === "execute_result")?.content.data).toEqual({ "text/plain": "0" });
  expect(everythingPublished()).not.toContain(marker);
  // Not even a busy status or an execute_input was published for it.
  expect(kernel.client.iopubLog.filter((m) => m.parent_header.msg_id === forgedMsgId)).toEqual([]);
}

test("an execute_request signed with the wrong key is refused, logged and never run", async () => {
  const forged = executeFrames('counter = 99; console.log("FORGED-WRONG-KEY")', new Signer("not-the-connection-key"));
  await kernel.client.sendRaw("shell", forged.frames);
  await stderr.waitFor(/refused a shell message \(bad-signature\)/);
  expect(stderr.text).toMatch(/signature does not match/i);
  await expectForgedCellNeverRan(forged.msgId, "FORGED-WRONG-KEY");
});

test("an execute_request with no signature is refused, logged and never run", async () => {
  const forged = executeFrames('counter = 98; console.log("FORGED-UNSIGNED")', new Signer(""));
  expect(forged.frames[1]!.length).toBe(0); // the signature frame is empty
  await kernel.client.sendRaw("shell", forged.frames);
  await stderr.waitFor(/refused a shell message \(missing-signature\)/);
  expect(stderr.text).toMatch(/no signature/i);
  await expectForgedCellNeverRan(forged.msgId, "FORGED-UNSIGNED");
});

test("a signed message whose content was altered in transit is refused", async () => {
  const original = executeFrames("counter", kernel.client.signer);
  const tampered = [...original.frames];
  const contentIndex = tampered.indexOf(DELIMITER) + 5;
  const content = JSON.parse(tampered[contentIndex]!.toString("utf8"));
  content.code = 'counter = 97; console.log("FORGED-TAMPERED")';
  tampered[contentIndex] = Buffer.from(JSON.stringify(content));
  const refusalsBefore = stderr.text.match(/\(bad-signature\)/g)?.length ?? 0;
  await kernel.client.sendRaw("shell", tampered);
  await stderr.waitFor(new RegExp(`(\\(bad-signature\\)[^]*){${refusalsBefore + 1}}`));
  await expectForgedCellNeverRan(original.msgId, "FORGED-TAMPERED");
});

test("a forged shutdown_request on the control channel does not stop the kernel", async () => {
  const header = makeHeader("shutdown_request", kernel.client.session, "forger");
  await kernel.client.sendRaw("control", encode({ header, parent_header: {}, content: { restart: false } }, new Signer("wrong")));
  await stderr.waitFor(/refused a control message \(bad-signature\)/);
  const reply = await kernel.client.request("control", "kernel_info_request", {});
  expect(reply.content.status).toBe("ok");
  const { reply: executed } = await kernel.client.execute("counter + 1");
  expect(executed.content.status).toBe("ok");
  expect(kernel.process.exitCode).toBeNull();
});

test("malformed frames are refused without crashing the kernel", async () => {
  const signer = kernel.client.signer;
  const header = Buffer.from(JSON.stringify(makeHeader("execute_request", kernel.client.session, "test")));
  const code = Buffer.from(JSON.stringify({ code: 'console.log("MALFORMED-RAN")', silent: false }));
  const empty = Buffer.from("{}");
  const notJson = Buffer.from("{this is not json");
  const cases: Array<{ frames: Buffer[]; code: string }> = [
    // No <IDS|MSG> delimiter at all.
    { frames: [Buffer.from("garbage"), header, empty, empty, code], code: "malformed-frames" },
    // Delimiter, but too few frames after it.
    { frames: [DELIMITER, Buffer.from(signer.sign([header])), header], code: "malformed-frames" },
    // Correctly signed, but the content is not JSON.
    { frames: [DELIMITER, Buffer.from(signer.sign([header, empty, empty, notJson])), header, empty, empty, notJson], code: "malformed-json" },
    // Correctly signed, but the header is not JSON.
    { frames: [DELIMITER, Buffer.from(signer.sign([notJson, empty, empty, code])), notJson, empty, empty, code], code: "malformed-json" },
    // Correctly signed JSON, but the header lacks msg_id and msg_type.
    { frames: [DELIMITER, Buffer.from(signer.sign([empty, empty, empty, code])), empty, empty, empty, code], code: "malformed-header" },
  ];
  for (const { frames, code: errorCode } of cases) {
    await kernel.client.sendRaw("shell", frames);
    await stderr.waitFor(new RegExp(`refused a shell message \\(${errorCode}\\)`));
  }
  await kernel.client.sendRaw("control", [Buffer.from("not a jupyter message")]);
  await stderr.waitFor(/refused a control message \(malformed-frames\)/);

  const { reply, iopub } = await kernel.client.execute('console.log("still serving", counter)');
  expect(reply.content.status).toBe("ok");
  expect(streamText(iopub)).toBe("still serving 0\n");
  expect(everythingPublished()).not.toContain("MALFORMED-RAN");
  expect(kernel.process.exitCode).toBeNull();
  expect(stderr.text).not.toMatch(/socket failed/);
});
