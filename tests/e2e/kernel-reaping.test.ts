/**
 * Nothing a cell started outlives its kernel, however the kernel ends: SIGKILL
 * (no chance to clean up; the reaper does it), SIGTERM, and shutdown_request.
 * Kernels are started in a session of their own, as jupyter_client does.
 *
 * Each kernel runs a cell that starts: a plain child (sleep), a shell with a
 * grandchild in the background, a Node child, a detached child (its own session
 * and group), and a worker thread that spawns a child of its own (not through
 * the cell's patched child_process). The cell prints their pids; after the
 * kernel ends, /proc is polled (with a deadline) until all are gone, along with
 * every other process in the kernel's session and the kernel's own children.
 */
import { readFileSync, readdirSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { launchReadyKernel, streamText, type LaunchedKernel } from "../support/kernel-client.js";

interface ProcessStat {
  pid: number;
  state: string;
  ppid: number;
  pgrp: number;
  session: number;
  /** Start time in clock ticks since boot: with the pid, names one process even if the pid is reused. */
  starttime: string;
}

function stat(pid: number): ProcessStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined;
  }
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  return { pid, state: fields[0]!, ppid: Number(fields[1]), pgrp: Number(fields[2]), session: Number(fields[3]), starttime: fields[19]! };
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
  } catch {
    return "";
  }
}

function allProcesses(): ProcessStat[] {
  return readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .map((name) => stat(Number(name)))
    .filter((p): p is ProcessStat => p !== undefined);
}

/** Still running: present, not a zombie (an exited process its new parent has not reaped yet), same start time. */
function running(p: ProcessStat): boolean {
  const now = stat(p.pid);
  return now !== undefined && now.state !== "Z" && now.starttime === p.starttime;
}

/** Polls until none of `processes` runs; resolves with the survivors at the deadline. */
async function survivorsAfter(processes: ProcessStat[], deadlineMs = 15_000): Promise<ProcessStat[]> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const alive = processes.filter(running);
    if (alive.length === 0 || Date.now() > deadline) return alive;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const CELL = `
  import { spawn } from "node:child_process";
  import { Worker } from "node:worker_threads";
  const sleeper = spawn("sleep", ["1000"]);
  const shell = spawn("sh", ["-c", "sleep 1000 & echo $!; wait"], { stdio: ["ignore", "pipe", "inherit"] });
  const grandchild = await new Promise<number>((resolve) => shell.stdout!.once("data", (data) => resolve(Number(String(data).trim()))));
  const nodeChild = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"]);
  const detached = spawn("sleep", ["1001"], { detached: true, stdio: "ignore" });
  const worker = new Worker(\`
    const { parentPort } = require("node:worker_threads");
    const child = require("node:child_process").spawn("sleep", ["1002"]);
    parentPort.postMessage(child.pid);
    setInterval(() => {}, 1000);
  \`, { eval: true });
  const workersChild = await new Promise<number>((resolve) => worker.once("message", resolve));
  console.log(JSON.stringify([sleeper.pid, shell.pid, grandchild, nodeChild.pid, detached.pid, workersChild]));
`;

type Ending = (kernel: LaunchedKernel) => Promise<void>;

const endings: Record<string, Ending> = {
  SIGKILL: async (kernel) => void kernel.process.kill("SIGKILL"),
  SIGTERM: async (kernel) => void kernel.process.kill("SIGTERM"),
  shutdown_request: async (kernel) => {
    const reply = await kernel.client.request("control", "shutdown_request", { restart: false });
    expect(reply.content).toMatchObject({ status: "ok", restart: false });
  },
};

const kernels = new Map<string, LaunchedKernel>();

beforeAll(async () => {
  await Promise.all(
    Object.keys(endings).map(async (name) => {
      kernels.set(name, await launchReadyKernel("pardis", { newSession: true }));
    }),
  );
});
afterAll(async () => {
  await Promise.all([...kernels.values()].map((kernel) => kernel.shutdown()));
});

describe.each(Object.keys(endings))("when the kernel ends by %s", (name) => {
  test("no process the kernel or its cells started survives", async () => {
    const kernel = kernels.get(name)!;
    const { reply, iopub } = await kernel.client.execute(CELL);
    expect(reply.content.status).toBe("ok");
    const pids = JSON.parse(streamText(iopub)) as number[];
    expect(pids).toHaveLength(6);

    const started = pids.map((pid) => stat(pid));
    expect(started.every((p) => p !== undefined && running(p))).toBe(true);
    // Also everything else the kernel started: the reaper, and whatever runs in its session.
    const related = allProcesses().filter((p) => p.pid !== kernel.pid && (p.ppid === kernel.pid || p.session === kernel.pid));
    const watched = [...new Map([...(started as ProcessStat[]), ...related].map((p) => [p.pid, p])).values()];
    // The detached child left the kernel's session; so did the reaper, which must go too once its work is done.
    expect(stat(pids[4]!)!.session).not.toBe(kernel.pid);
    const reaper = related.filter((p) => p.ppid === kernel.pid && cmdline(p.pid).includes("REAP_GROUP"));
    expect(reaper).toHaveLength(1);

    await endings[name]!(kernel);
    await kernel.exited;
    const survivors = await survivorsAfter(watched);
    expect(survivors).toEqual([]);
    expect(allProcesses().filter((p) => p.session === kernel.pid && p.state !== "Z")).toEqual([]);
  });
});
