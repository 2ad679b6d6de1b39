/**
 * Pools in the real kernel over ZeroMQ: a pool created in one cell serves
 * later cells; a task's console output lands under the cell that submitted it;
 * a function that uses an earlier cell's variable or import gets a clear error
 * naming it; a long map shows a live progress bar; the trace renders as a
 * plotly Gantt chart; and interrupting a cell that waits on stuck tasks
 * (`while (true) {}` in every worker) returns control within 2 s, keeps the
 * kernel's variables, and the same pool runs the next task.
 *
 * The stuck tasks print a marker before they spin; the test interrupts only
 * once both workers' markers have arrived (a handshake), so the interrupt
 * always finds them spinning. Needs the built package (`npm run build`).
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Message } from "../../kernel/protocol/index.js";
import { launchKernel, outputsOfType, streamText, type LaunchedKernel } from "../support/kernel-client.js";

let kernel: LaunchedKernel;
let poolCell: string;

async function run(code: string): Promise<{ msgId: string; reply: Message; iopub: Message[] }> {
  const { msgId, done } = await kernel.client.startExecute(code);
  return { msgId, ...(await done) };
}

async function ok(code: string): Promise<{ msgId: string; iopub: Message[] }> {
  const { msgId, reply, iopub } = await run(code);
  expect(reply.content, JSON.stringify(outputsOfType(iopub, "error").map((m) => m.content))).toMatchObject({ status: "ok" });
  return { msgId, iopub };
}

/** The text/plain of a cell's execute_result. */
function resultText(iopub: Message[]): string | undefined {
  return (outputsOfType(iopub, "execute_result")[0]?.content.data as Record<string, string> | undefined)?.["text/plain"];
}

beforeAll(async () => {
  kernel = await launchKernel("pardis", { newSession: true });
  await kernel.client.ready();
  const cell = await ok(`import { createPool } from "pardis";
const pool = createPool({ threads: 2 });
let kept = 41;`);
  poolCell = cell.msgId;
});
afterAll(() => kernel?.shutdown());

describe("a pool created in an earlier cell", () => {
  test("a later cell's task prints under that later cell, once", async () => {
    const cell = await ok(`await pool.run((name: string) => { console.log("hello from " + name); return 1; }, "the worker")`);
    expect(streamText(cell.iopub)).toBe("hello from the worker\n");
    const everywhere = kernel.client.iopubLog.filter((m) => m.header.msg_type === "stream" && String(m.content.text).includes("hello from the worker"));
    expect(everywhere.map((m) => m.parent_header.msg_id)).toEqual([cell.msgId]);
    expect(everywhere.some((m) => m.parent_header.msg_id === poolCell)).toBe(false);
  });

  test("map results come back in order and the trace draws as a plotly Gantt chart", async () => {
    const mapped = await ok(`await pool.map((x: number) => x * x, [1, 2, 3, 4, 5], { chunkSize: 2 })`);
    expect(resultText(mapped.iopub)).toBe("[ 1, 4, 9, 16, 25 ]");
    const chart = await ok("pool.trace.gantt()");
    const data = outputsOfType(chart.iopub, "execute_result")[0]?.content.data as Record<string, unknown>;
    expect(data["application/vnd.plotly.v1+json"]).toBeDefined();
  });

  test("require inside a shipped function works in the worker", async () => {
    const cell = await ok(`await pool.run((text: string) => require("node:crypto").createHash("sha1").update(text).digest("hex").length, "x")`);
    expect(resultText(cell.iopub)).toBe("40");
  });
});

describe("functions that use names from earlier cells", () => {
  test("an earlier cell's variable: a PardisError naming it and saying how to pass it", async () => {
    await ok("const factor = 3;");
    const { reply } = await run("await pool.run((x: number) => x * factor, 2)");
    expect(reply.content.status).toBe("error");
    expect(reply.content.ename).toBe("PardisError");
    expect(reply.content.evalue).toMatch(/uses a name from outside the function: factor\. .*Pass values in the argument instead/);
  });

  test("an import from an earlier cell is named too, with how to load it inside the function", async () => {
    await ok(`import { createHash } from "node:crypto";`);
    const { reply } = await run(`await pool.run((text: string) => createHash("sha1").update(text).digest("hex"), "x")`);
    expect(reply.content.evalue).toMatch(/from outside the function: createHash\..*require\("\.\.\."\)/);
  });

  test("an import of the same cell, too", async () => {
    const { reply } = await run(`import { cpus } from "node:os";
await pool.run(() => cpus().length)`);
    expect(reply.content.evalue).toMatch(/from outside the function: cpus\./);
  });

  test("an error thrown in a task shows the function's line in the traceback", async () => {
    const { reply } = await run(`function risky(x: number) {
  const y = x * 2;
  throw new RangeError("too far: " + y);
}
await pool.run(risky, 4)`);
    expect(reply.content.ename).toBe("PardisError");
    expect(reply.content.evalue).toMatch(/^risky threw RangeError: too far: 8 \(in a pool worker, line 3 of the function\)/);
    expect((reply.content.traceback as string[]).join("\n")).toMatch(/at risky \(pool-function:risky:3:\d+\)/);
  });
});

describe("long maps", () => {
  test("show a live progress bar in the cell that ends at the total", async () => {
    // Four busy-waits of 300 ms on two workers cannot take less than 600 ms: past the bar's 500 ms threshold.
    const cell = await ok(`await pool.map((ms: number) => { const end = Date.now() + ms; while (Date.now() < end) {} return ms; }, [300, 300, 300, 300], { chunkSize: 1 }); "done"`);
    const first = outputsOfType(cell.iopub, "display_data").map((m) => (m.content.data as Record<string, string>)["text/plain"]);
    expect(first.some((text) => /^anonymous \(4 items\) \[/.test(text!))).toBe(true);
    const updates = outputsOfType(cell.iopub, "update_display_data").map((m) => (m.content.data as Record<string, string>)["text/plain"]);
    expect(updates.at(-1)).toMatch(/4\/4 \(100%\)/);
  });
});

describe("speedup", () => {
  test("measures a job at 1 and 2 threads and renders the speedup plot", async () => {
    const cell = await ok(`import { speedup } from "pardis";
const burn = (n: number) => { let s = 0; for (let i = 0; i < n; i++) s += Math.sqrt(i); return s; };
await speedup((p) => p.map(burn, [100_000, 100_000, 100_000, 100_000], { chunkSize: 1 }), { threads: [2], repeat: 2, warmup: 1, label: "burn" })`);
    const data = outputsOfType(cell.iopub, "execute_result")[0]?.content.data as Record<string, unknown>;
    expect(data["application/vnd.plotly.v1+json"]).toBeDefined();
    expect(String(data["text/plain"])).toMatch(/burn/);
  });
});

describe("interrupting a cell that waits on stuck tasks", () => {
  test("returns control within 2 s, keeps the kernel's variables, and the same pool runs the next task", async () => {
    const { msgId, done } = await kernel.client.startExecute(
      `await pool.map((id: number) => { console.log("stuck " + id); while (true) {} }, [1, 2, 3, 4], { chunkSize: 1 })`,
    );
    // Both workers have printed (through the loop guard of their spinning loop): both are stuck.
    for (const id of [1, 2]) {
      await kernel.client.waitForIopub(
        (m) => m.parent_header.msg_id === msgId && m.header.msg_type === "stream" && String(m.content.text).includes(`stuck ${id}`),
      );
    }
    const interruptedAt = performance.now();
    await kernel.interrupt();
    await kernel.client.waitForIdle(msgId, 30_000);
    const elapsedMs = performance.now() - interruptedAt;
    const { reply } = await done;
    expect(reply.content.ename).toBe("InterruptError");
    expect(elapsedMs).toBeLessThan(2_000);

    const state = await ok("kept += 1; kept");
    expect(resultText(state.iopub)).toBe("42");
    const next = await ok("await pool.run((x: number) => x + 1, 41)");
    expect(resultText(next.iopub)).toBe("42");
    const trace = await ok(`pool.trace.records.filter((r) => r.status === "cancelled").map((r) => r.worker >= 0 ? "running" : "queued").sort().join(",")`);
    expect(resultText(trace.iopub)).toBe("'queued,queued,running,running'");
  });
});
