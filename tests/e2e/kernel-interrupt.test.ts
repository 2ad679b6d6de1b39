/**
 * Interrupting a running cell over real ZeroMQ, both ways a front end can ask:
 * SIGINT to the kernel's process group (the kernelspec's interrupt_mode is
 * "signal", so JupyterLab's stop button does this) and interrupt_request on the
 * control channel. Each interrupted cell fails with InterruptError, the kernel
 * goes idle, and every variable from earlier cells is still there.
 *
 * Each cell prints a marker just before it starts spinning or waiting; the test
 * interrupts only once that marker has arrived, so the interrupt always hits the
 * cell in its loop or await, never before it.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Message } from "../../kernel/protocol/index.js";
import { launchKernel, outputsOfType, streamText, type LaunchedKernel } from "../support/kernel-client.js";

let kernel: LaunchedKernel;

beforeAll(async () => {
  kernel = await launchKernel("pardis", { newSession: true });
  await kernel.client.ready();
  const { reply } = await kernel.client.execute("let kept = 41; const started: string[] = [];");
  expect(reply.content.status).toBe("ok");
});
afterAll(() => kernel?.shutdown());

const ways = {
  "SIGINT to the kernel's process group": () => kernel.interrupt(),
  "interrupt_request on the control channel": async () => {
    const reply = await kernel.client.request("control", "interrupt_request", {});
    expect(reply.content.status).toBe("ok");
  },
};

/** Runs `code`, waits until it has printed `marker`, interrupts, and returns the finished cell. */
async function interruptOnceRunning(code: string, marker: string, interrupt: () => Promise<void>) {
  const { msgId, done } = await kernel.client.startExecute(code);
  await kernel.client.waitForIopub(
    (m) => m.parent_header.msg_id === msgId && m.header.msg_type === "stream" && String(m.content.text).includes(marker),
  );
  await interrupt();
  // A clear failure, rather than the test's timeout, if the interrupt does not stop the cell.
  await kernel.client.waitForIdle(msgId, 30_000);
  return { msgId, ...(await done) };
}

function expectInterrupted(reply: Message, iopub: Message[]): void {
  expect(reply.content.status).toBe("error");
  expect(reply.content.ename).toBe("InterruptError");
  const errors = outputsOfType(iopub, "error");
  expect(errors.map((m) => m.content.ename)).toEqual(["InterruptError"]);
  // The last thing published for the cell is its idle status: the kernel is idle again.
  expect(iopub.at(-1)?.content).toEqual({ execution_state: "idle" });
}

/** The next cell runs and sees the state from before the interrupt. */
async function expectStateKept(expected: number): Promise<void> {
  const { reply, iopub } = await kernel.client.execute("kept += 1; kept");
  expect(reply.content.status).toBe("ok");
  expect(outputsOfType(iopub, "execute_result")[0]?.content.data).toEqual({ "text/plain": String(expected) });
}

let expectedKept = 41;

for (const [way, interrupt] of Object.entries(ways)) {
  describe(`interrupt by ${way}`, () => {
    test("stops a busy loop `while (true) {}`", async () => {
      const { reply, iopub } = await interruptOnceRunning('console.log("spinning"); while (true) {}', "spinning", interrupt);
      expectInterrupted(reply, iopub);
      await expectStateKept(++expectedKept);
    });

    test("stops an await that never settles", async () => {
      const { reply, iopub } = await interruptOnceRunning(
        'console.log("waiting"); await new Promise(() => {}); console.log("after the await");',
        "waiting",
        interrupt,
      );
      expectInterrupted(reply, iopub);
      expect(streamText(iopub)).not.toContain("after the await");
      await expectStateKept(++expectedKept);
    });

    test("stops a busy loop inside a setTimeout callback after an await", async () => {
      const { reply, iopub } = await interruptOnceRunning(
        `await Promise.resolve();
         await new Promise<void>((resolve) => {
           setTimeout(() => {
             console.log("spinning in a timer");
             let spins = 0;
             while (spins >= 0) spins++;
             resolve();
           }, 0);
         });
         console.log("after the timer");`,
        "spinning in a timer",
        interrupt,
      );
      expectInterrupted(reply, iopub);
      expect(streamText(iopub)).not.toContain("after the timer");
      await expectStateKept(++expectedKept);
    });
  });
}

test("a cell that declared variables before being interrupted keeps the ones it finished", async () => {
  const { reply, iopub } = await interruptOnceRunning(
    'started.push("before the loop"); console.log("spinning"); for (;;) {}',
    "spinning",
    () => kernel.interrupt(),
  );
  expectInterrupted(reply, iopub);
  const after = await kernel.client.execute("started");
  expect(outputsOfType(after.iopub, "execute_result")[0]?.content.data).toEqual({ "text/plain": "[ 'before the loop' ]" });
});

test("an interrupt_request while idle is answered and harms nothing", async () => {
  const reply = await kernel.client.request("control", "interrupt_request", {});
  expect(reply.content.status).toBe("ok");
  await expectStateKept(++expectedKept);
});

test("names declared by an interrupted cell stay usable in later cells", async () => {
  const { reply, iopub } = await interruptOnceRunning(
    'const born = "declared"; let laps = 0; console.log("spinning"); while (true) laps++;',
    "spinning",
    () => kernel.interrupt(),
  );
  expectInterrupted(reply, iopub);
  const after = await kernel.client.execute("`${born} ${laps > 0}`");
  expect(after.reply.content.status).toBe("ok");
  expect(outputsOfType(after.iopub, "execute_result")[0]?.content.data).toEqual({ "text/plain": "'declared true'" });
});

test("an interrupt while a fresh kernel is still loading TypeScript stops the first cell", async () => {
  // kernel_info is answered before the compiler has loaded; the first cell waits for it.
  const fresh = await launchKernel("pardis", { newSession: true });
  try {
    await fresh.client.ready();
    const { msgId, done } = await fresh.client.startExecute("while (true) {}");
    await fresh.client.waitForIopub((m) => m.parent_header.msg_id === msgId && m.header.msg_type === "execute_input");
    await fresh.interrupt();
    const { reply, iopub } = await done;
    expect(reply.content.ename).toBe("InterruptError");
    expect(outputsOfType(iopub, "error").map((m) => m.content.ename)).toEqual(["InterruptError"]);
    const next = await fresh.client.execute("6 * 7");
    expect(outputsOfType(next.iopub, "execute_result")[0]?.content.data).toEqual({ "text/plain": "42" });
  } finally {
    await fresh.shutdown();
  }
});
