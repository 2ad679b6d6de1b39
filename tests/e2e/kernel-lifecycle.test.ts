/**
 * A kernel's life as a notebook user sees it, over real ZeroMQ: process.exit in
 * a cell, input(), Run All after a failing cell, the kernel answering while a
 * cell computes, and a cell so stuck that only a fresh runtime frees it.
 */
import { afterAll, beforeAll, expect, test } from "vitest";
import * as zmq from "zeromq";
import type { Message } from "../../kernel/protocol/index.js";
import { TextLog, launchKernel, outputsOfType, streamText, type LaunchedKernel } from "../support/kernel-client.js";

let kernel: LaunchedKernel;
const stderr = new TextLog();

beforeAll(async () => {
  kernel = await launchKernel("pardis", { newSession: true, onStderr: stderr.append });
  await kernel.client.ready();
  const { reply } = await kernel.client.execute("let total = 10;");
  expect(reply.content.status).toBe("ok");
});
afterAll(() => kernel?.shutdown());

function result(iopub: Message[]): unknown {
  return outputsOfType(iopub, "execute_result")[0]?.content.data;
}

/** Starts `code` and resolves once it has printed `marker` (it is then running, not queued). */
async function startAndWaitFor(code: string, marker: string) {
  const started = await kernel.client.startExecute(code);
  await kernel.client.waitForIopub(
    (m) => m.parent_header.msg_id === started.msgId && m.header.msg_type === "stream" && String(m.content.text).includes(marker),
  );
  return started;
}

test("process.exit(1) in a cell fails the cell with ProcessExitError and the kernel keeps its state", async () => {
  const { reply, iopub } = await kernel.client.execute('total += 1; console.log("about to exit"); process.exit(1); total += 100;');
  expect(reply.content.status).toBe("error");
  expect(reply.content.ename).toBe("ProcessExitError");
  expect(streamText(iopub)).toBe("about to exit\n");
  expect(outputsOfType(iopub, "error").map((m) => m.content.ename)).toEqual(["ProcessExitError"]);

  const after = await kernel.client.execute("total");
  expect(result(after.iopub)).toEqual({ "text/plain": "11" });
  expect(kernel.process.exitCode).toBeNull();
});

test("await input() asks the front end on stdin and returns its answer", async () => {
  const prompts: Message[] = [];
  kernel.client.onInput((request) => {
    prompts.push(request);
    return "Ada";
  });
  const { msgId, done } = await kernel.client.startExecute('const name = await input("name?"); console.log(`hello ${name}`); name.length');
  const { reply, iopub } = await done;
  expect(reply.content.status).toBe("ok");
  expect(prompts).toHaveLength(1);
  expect(prompts[0]!.header.msg_type).toBe("input_request");
  expect(prompts[0]!.content).toMatchObject({ prompt: "name?", password: false });
  expect(prompts[0]!.parent_header.msg_id).toBe(msgId);
  expect(streamText(iopub)).toBe("hello Ada\n");
  expect(result(iopub)).toEqual({ "text/plain": "3" });
});

test("after a failing cell, the cells queued behind it are aborted, not run (stop_on_error)", async () => {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  kernel.client.onInput(async () => {
    await released;
    return "deliberate failure";
  });
  const failing = await kernel.client.startExecute('const reason = await input("why?"); throw new Error(reason);');
  const second = await kernel.client.startExecute('console.log("second ran"); total = -1;');
  const third = await kernel.client.startExecute('console.log("third ran")');
  // kernel_info on shell is answered at once, and shell messages arrive in
  // order: once it is answered, the second and third cells are queued.
  const info = await kernel.client.request("shell", "kernel_info_request", {});
  expect(info.content.status).toBe("ok");
  release();

  const first = await failing.done;
  expect(first.reply.content).toMatchObject({ status: "error", ename: "Error", evalue: "deliberate failure" });
  for (const queued of [await second.done, await third.done]) {
    expect(queued.reply.content.status).toBe("aborted");
    expect(outputsOfType(queued.iopub, "execute_input")).toEqual([]);
    expect(streamText(queued.iopub)).toBe("");
  }
  const after = await kernel.client.execute("total");
  expect(result(after.iopub)).toEqual({ "text/plain": "11" });
});

test("with stop_on_error false, the cells behind a failing cell still run", async () => {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  kernel.client.onInput(async () => {
    await released;
    return "tolerated failure";
  });
  const failing = await kernel.client.startExecute('throw new Error(await input("why?"));', { stop_on_error: false });
  const next = await kernel.client.startExecute("total += 1; total");
  await kernel.client.request("shell", "kernel_info_request", {});
  release();
  expect((await failing.done).reply.content).toMatchObject({ status: "error", evalue: "tolerated failure" });
  const { reply, iopub } = await next.done;
  expect(reply.content.status).toBe("ok");
  expect(result(iopub)).toEqual({ "text/plain": "12" });
});

test("while a cell busy-loops, kernel_info is answered on control and shell, and the heartbeat echoes", async () => {
  const busy = await startAndWaitFor('console.log("busy"); while (true) {}', "busy");

  const control = await kernel.client.request("control", "kernel_info_request", {});
  expect(control.content).toMatchObject({ status: "ok", implementation: expect.any(String), language_info: expect.objectContaining({ name: "typescript" }) });
  const shell = await kernel.client.request("shell", "kernel_info_request", {});
  expect(shell.content.status).toBe("ok");

  const heartbeat = new zmq.Request({ linger: 0 });
  try {
    heartbeat.connect(`tcp://${kernel.client.connection.ip}:${kernel.client.connection.hb_port}`);
    await heartbeat.send("ping while busy");
    const [echo] = await heartbeat.receive();
    expect(echo!.toString()).toBe("ping while busy");
  } finally {
    heartbeat.close();
  }

  await kernel.interrupt();
  await kernel.client.waitForIdle(busy.msgId, 30_000);
  const { reply } = await busy.done;
  expect(reply.content.ename).toBe("InterruptError");
});

test("a cell blocked in Atomics.wait shows what it printed, and an interrupt replaces the runtime, not the kernel", async () => {
  const blocked = await startAndWaitFor(
    'console.log("waiting at a barrier nobody opens"); Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);',
    "waiting at a barrier nobody opens",
  );
  await kernel.interrupt();
  await kernel.client.waitForIdle(blocked.msgId, 30_000);
  const { reply, iopub } = await blocked.done;
  expect(reply.content.status).toBe("error");
  expect(reply.content.ename).toBe("RuntimeRestarted");
  expect(outputsOfType(iopub, "error").map((m) => m.content.ename)).toEqual(["RuntimeRestarted"]);
  expect(String(reply.content.evalue)).toMatch(/variables from earlier cells are gone/);

  // The kernel process is the same; the fresh runtime runs cells, without the old variables.
  expect(kernel.process.exitCode).toBeNull();
  const gone = await kernel.client.execute("total");
  expect(gone.reply.content.status).toBe("error");
  expect(String(gone.reply.content.evalue)).toMatch(/total/);
  const after = await kernel.client.execute("let total = 1; total + 1");
  expect(after.reply.content.status).toBe("ok");
  expect(result(after.iopub)).toEqual({ "text/plain": "2" });
});
