/**
 * Where output lands, over real ZeroMQ: console output of worker threads,
 * child processes and callbacks goes to the cell that started them (the
 * stream's parent_header), even when it is printed after a later cell began;
 * and a flood of output arrives whole and in order before the cell's idle.
 * Late output is ordered by handshakes (shared memory, a child's stdin, a
 * promise the later cell resolves), never by sleeps.
 */
import { afterAll, beforeAll, expect, test } from "vitest";
import type { Message } from "../../kernel/protocol/index.js";
import { launchKernel, outputsOfType, streamText, type LaunchedKernel } from "../support/kernel-client.js";

let kernel: LaunchedKernel;

beforeAll(async () => {
  kernel = await launchKernel("pardis");
  await kernel.client.ready();
});
afterAll(() => kernel?.shutdown());

/** The first stream message anywhere whose text contains `text`. */
function streamContaining(text: string, name: "stdout" | "stderr" = "stdout"): Promise<Message> {
  return kernel.client.waitForIopub((m) => m.header.msg_type === "stream" && m.content.name === name && String(m.content.text).includes(text));
}

async function ok(code: string): Promise<{ msgId: string; iopub: Message[] }> {
  const { msgId, done } = await kernel.client.startExecute(code);
  const { reply, iopub } = await done;
  expect(reply.content, JSON.stringify(outputsOfType(iopub, "error").map((m) => m.content))).toMatchObject({ status: "ok" });
  return { msgId, iopub };
}

test("console output of a worker thread appears under the cell that started it", async () => {
  const cell = await ok(`
    import { Worker } from "node:worker_threads";
    const worker = new Worker('console.log("hello from the worker"); console.error("warning from the worker")', { eval: true });
    await new Promise((resolve) => worker.once("exit", resolve));`);
  const out = await streamContaining("hello from the worker");
  const err = await streamContaining("warning from the worker", "stderr");
  expect(out.parent_header.msg_id).toBe(cell.msgId);
  expect(err.parent_header.msg_id).toBe(cell.msgId);
});

test("a worker that logs after a later cell started still shows it under its own cell", async () => {
  const cellA = await ok(`
    const go = new Int32Array(new SharedArrayBuffer(4));
    const lateWorker = new Worker(\`
      const { workerData } = require("node:worker_threads");
      Atomics.wait(workerData, 0, 0);
      console.log("late line from the worker of cell A");
    \`, { eval: true, workerData: go });
    "worker waiting";`);
  const cellB = await ok(`
    console.log("cell B running");
    Atomics.store(go, 0, 1);
    Atomics.notify(go, 0);
    await new Promise((resolve) => lateWorker.once("exit", resolve));`);
  const late = await streamContaining("late line from the worker of cell A");
  expect(late.parent_header.msg_id).toBe(cellA.msgId);
  expect(streamText(cellB.iopub)).toBe("cell B running\n");
});

test("a callback of an earlier cell that prints during a later cell prints under the earlier cell", async () => {
  const cellA = await ok(`
    let openGate!: () => void;
    const gate = new Promise<void>((resolve) => (openGate = resolve));
    void gate.then(() => console.log("callback of cell A"));`);
  const cellB = await ok(`console.log("cell B opens the gate"); openGate(); await gate; await new Promise((r) => setImmediate(r));`);
  const late = await streamContaining("callback of cell A");
  expect(late.parent_header.msg_id).toBe(cellA.msgId);
  expect(streamText(cellB.iopub)).toBe("cell B opens the gate\n");
});

test("a child process with inherited stdio prints into its cell", async () => {
  const cell = await ok(`
    import { spawn, spawnSync } from "node:child_process";
    await new Promise((resolve) => spawn("echo", ["hello from echo"], { stdio: "inherit" }).on("close", resolve));
    spawnSync("sh", ["-c", "echo hello from spawnSync; echo oops from spawnSync >&2"], { stdio: "inherit" });`);
  expect(streamText(cell.iopub)).toBe("hello from echo\nhello from spawnSync\n");
  expect(streamText(cell.iopub, "stderr")).toBe("oops from spawnSync\n");
});

test("execSync and execFileSync with inherited stdio print into their cell", async () => {
  const cell = await ok(`
    import { execSync, execFileSync } from "node:child_process";
    execSync("echo hello from execSync", { stdio: "inherit" });
    execFileSync("sh", ["-c", "echo hello from execFileSync; echo oops from execFileSync >&2"], { stdio: "inherit" });
    console.log("captured:", execSync("echo returned", { encoding: "utf8" }).trim());`);
  expect(streamText(cell.iopub)).toBe("hello from execSync\nhello from execFileSync\ncaptured: returned\n");
  expect(streamText(cell.iopub, "stderr")).toBe("oops from execFileSync\n");

  const failed = await kernel.client.execute('execSync("echo partial; exit 3", { stdio: "inherit" })');
  expect(failed.reply.content.status).toBe("error");
  expect(failed.reply.content.evalue).toMatch(/Command failed: echo partial; exit 3/);
  expect(streamText(failed.iopub)).toBe("partial\n");
});

test("a child process that prints after a later cell started still prints under its own cell", async () => {
  const cellA = await ok(`
    const echoer = spawn("sh", ["-c", "read line; echo \\"child of cell A got $line\\""], { stdio: ["pipe", "inherit", "inherit"] });
    const echoerDone = new Promise((resolve) => echoer.on("close", resolve));`);
  const cellB = await ok(`console.log("cell B writes"); echoer.stdin!.end("hello\\n"); await echoerDone;`);
  const late = await streamContaining("child of cell A got hello");
  expect(late.parent_header.msg_id).toBe(cellA.msgId);
  expect(streamText(cellB.iopub)).toBe("cell B writes\n");
});

test("100000 console.log lines all arrive, in order, before the cell's idle status", async () => {
  const { iopub } = await ok("for (let i = 0; i < 100000; i++) console.log(i)");
  const expected = Array.from({ length: 100000 }, (_, i) => `${i}\n`).join("");
  const text = streamText(iopub);
  expect(text.length).toBe(expected.length);
  expect(text === expected).toBe(true);
  // Coalesced, not one message per line.
  expect(outputsOfType(iopub, "stream").length).toBeLessThan(1000);
  expect(iopub.at(-1)?.content).toEqual({ execution_state: "idle" });
});

test("stdout and stderr interleave in the order the cell wrote them", async () => {
  const { iopub } = await ok(`
    for (let i = 0; i < 3; i++) { console.log("out", i); console.error("err", i); }
    process.stdout.write("raw out\\n");`);
  const streams = outputsOfType(iopub, "stream").map((m) => `${m.content.name}:${m.content.text}`);
  expect(streams).toEqual(["stdout:out 0\n", "stderr:err 0\n", "stdout:out 1\n", "stderr:err 1\n", "stdout:out 2\n", "stderr:err 2\n", "stdout:raw out\n"]);
});

test("the display global is type-checked and is the same object a cell imports from pardis", async () => {
  const typo = await kernel.client.execute("display.markdonw('**x**')");
  expect(typo.reply.content).toMatchObject({ status: "error", ename: "TypeScriptError" });
  expect(String(typo.reply.content.evalue)).toContain("Property 'markdonw' does not exist on type 'Display'");
  const { iopub } = await ok(`import { display as imported } from "pardis"; imported === display`);
  expect(outputsOfType(iopub, "execute_result").map((m) => (m.content.data as Record<string, string>)["text/plain"])).toEqual(["true"]);
});

test("an earlier cell's variable in a shorthand property is read like the variable itself", async () => {
  await ok("const shared = 41; let counter = 1;");
  const { iopub } = await ok("const pack = () => ({ shared, counter }); JSON.stringify({ shared, nested: pack() })");
  expect(outputsOfType(iopub, "execute_result").map((m) => (m.content.data as Record<string, string>)["text/plain"])).toEqual([`'{"shared":41,"nested":{"shared":41,"counter":1}}'`]);
});

test("a display handle left as a cell's last value shows nothing more; a cell that ends with one has only the display", async () => {
  const { iopub } = await ok(`display.markdown("**shown once**")`);
  expect(outputsOfType(iopub, "display_data")).toHaveLength(1);
  expect(outputsOfType(iopub, "execute_result")).toEqual([]);
});
