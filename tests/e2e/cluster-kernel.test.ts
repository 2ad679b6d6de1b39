/**
 * Real clusters launched from cells of the real kernel: node output reaches
 * the cell prefixed by node id; interrupting a cell that waits on a running
 * cluster stops every node process and keeps the kernel's variables; and
 * neither a shutdown nor SIGKILL of the kernel leaves a node process behind,
 * a paused (SIGSTOPped) one included. /proc is the judge.
 */
import { describe, expect, test } from "vitest";
import type { Message } from "../../kernel/protocol/index.js";
import { launchKernel, outputsOfType, streamText, type LaunchedKernel } from "../support/kernel-client.js";
import { nodeProcesses, nodeProcessesLeft } from "../support/node-processes.js";


async function run(kernel: LaunchedKernel, code: string): Promise<{ reply: Message; iopub: Message[] }> {
  const { done } = await kernel.client.startExecute(code);
  return done;
}

async function ok(kernel: LaunchedKernel, code: string): Promise<Message[]> {
  const { reply, iopub } = await run(kernel, code);
  expect(reply.content, JSON.stringify(outputsOfType(iopub, "error").map((m) => m.content))).toMatchObject({ status: "ok" });
  return iopub;
}

async function started(): Promise<LaunchedKernel> {
  const kernel = await launchKernel("pardis", { newSession: true });
  await kernel.client.ready();
  return kernel;
}

describe("a cluster in the kernel", () => {
  test("node output reaches the cell prefixed by node id; interrupting a running cluster stops every node and keeps the kernel's state", async () => {
    const kernel = await started();
    try {
      const first = await ok(kernel, `import { launch } from "pardis";
let kept = 41;
const cluster = await launch((node) => {
  node.on("hello", () => { console.log("hello from " + node.id); return { type: "hello_ok" }; });
}, { nodes: 2 });
await cluster.request("n1", { type: "hello" });`);
      // The controller prints a node's lines as they come; the request's reply can overtake the print, so wait for it in a later cell.
      const printed = [...first, ...(await ok(kernel, "await new Promise((r) => setTimeout(r, 200));"))];
      expect(streamText(printed)).toContain("[n1] hello from n1\n");
      expect(outputsOfType(first, "display_data").some((m) => String((m.content.data as Record<string, string>)["text/html"]).includes("pardis-cluster"))).toBe(true);
      expect(nodeProcesses()).toHaveLength(2);

      const { msgId, done } = await kernel.client.startExecute(`console.log("running"); await cluster.run({ durationMs: 600_000 });`);
      // A handshake, not a sleep: interrupt once the cell has printed that it runs.
      await kernel.client.waitForIopub((m) => m.parent_header.msg_id === msgId && m.header.msg_type === "stream" && String(m.content.text).includes("running"));
      await kernel.interrupt();
      const { reply } = await done;
      expect(reply.content.status).toBe("error");
      expect(String(reply.content.evalue)).toMatch(/interrupted|stopped/);
      expect(await nodeProcessesLeft()).toEqual([]);
      // A program using a pardis import from an earlier cell is refused, and told to import it in its own cell.
      const captured = await run(kernel, `await launch((node) => { node.on("x", () => ({ type: "x_ok", n: typeof launch })); }, { nodes: 1 });`);
      expect(captured.reply.content.status).toBe("error");
      expect(String(captured.reply.content.evalue)).toMatch(/uses a name from outside itself: launch\. .*launch comes from pardis, imported in an earlier cell: import it again in the cell that defines the program/);
      const after = await ok(kernel, "kept + 1");
      expect((outputsOfType(after, "execute_result")[0]?.content.data as Record<string, string>)["text/plain"]).toBe("42");
    } finally {
      await kernel.shutdown();
    }
  });

  test("shutting the kernel down stops a cluster left running", async () => {
    const kernel = await started();
    await ok(kernel, `import { launch, gossipBroadcastNode } from "pardis";
const cluster = await launch(gossipBroadcastNode(), { nodes: 3 });`);
    expect(nodeProcesses()).toHaveLength(3);
    await kernel.shutdown();
    expect(await nodeProcessesLeft()).toEqual([]);
  });

  test("SIGKILL of the kernel leaves no node behind, a paused one included", async () => {
    const kernel = await started();
    try {
      await ok(kernel, `import { launch, gossipBroadcastNode } from "pardis";
const cluster = await launch(gossipBroadcastNode(), { nodes: 3 });
await cluster.pause("n2");`);
      expect(nodeProcesses()).toHaveLength(3);
      kernel.process.kill("SIGKILL");
      await kernel.exited;
      expect(await nodeProcessesLeft()).toEqual([]);
    } finally {
      await kernel.shutdown();
    }
  });
});
