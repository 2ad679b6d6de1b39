/**
 * Measurements behind tests/bench/kernel.bench.ts: cold start, cell round trip,
 * resident memory of a kernel's process tree, and the cost of declaring cells,
 * for any installed kernelspec, all over real ZeroMQ.
 */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { venv, type LaunchedKernel } from "../support/kernel-client.js";

export function kernelSpecInstalled(name: string): boolean {
  return existsSync(join(venv, "share", "jupyter", "kernels", name, "kernel.json"));
}

// ---------------------------------------------------------------- statistics

export { quantile, median } from "./stats.js";

// ---------------------------------------------------------------- memory

function readChildren(pid: number): number[] {
  const children: number[] = [];
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return children;
  }
  for (const tid of tasks) {
    try {
      const text = readFileSync(`/proc/${pid}/task/${tid}/children`, "utf8").trim();
      if (text) children.push(...text.split(/\s+/).map(Number));
    } catch {
      // thread gone
    }
  }
  return children;
}

/** The pid and all its descendants (every thread's children, recursively). */
export function processTree(pid: number): number[] {
  const seen = new Set<number>();
  const stack = [pid];
  while (stack.length > 0) {
    const next = stack.pop()!;
    if (seen.has(next)) continue;
    seen.add(next);
    stack.push(...readChildren(next));
  }
  return [...seen];
}

export interface ProcessMemory {
  pid: number;
  name: string;
  rssKiB: number;
  /** Anonymous (heap) / file-backed (code, mapped libraries) / shared memory parts of RSS. */
  anonKiB: number;
  fileKiB: number;
  shmemKiB: number;
}

function statusField(text: string, field: string): number {
  const match = new RegExp(`^${field}:\\s+(\\d+)`, "m").exec(text);
  return match ? Number(match[1]) : 0;
}

export function treeMemory(pid: number): { totalKiB: number; processes: ProcessMemory[] } {
  const processes: ProcessMemory[] = [];
  for (const member of processTree(pid)) {
    let text: string;
    try {
      text = readFileSync(`/proc/${member}/status`, "utf8");
    } catch {
      continue;
    }
    processes.push({
      pid: member,
      name: /^Name:\s+(.*)$/m.exec(text)?.[1] ?? "?",
      rssKiB: statusField(text, "VmRSS"),
      anonKiB: statusField(text, "RssAnon"),
      fileKiB: statusField(text, "RssFile"),
      shmemKiB: statusField(text, "RssShmem"),
    });
  }
  return { totalKiB: processes.reduce((sum, p) => sum + p.rssKiB, 0), processes };
}

// ---------------------------------------------------------------- kernels

export interface KernelUnderTest {
  /** Kernelspec name. */
  name: string;
  label: string;
  trivialCell: string;
  /** Code of the i-th declaring cell, or undefined when the measure does not apply. */
  declaringCell?(i: number): string;
}

/** Runs a cell and returns send → idle in ms; throws if the cell did not run ok. */
export async function timedCell(kernel: LaunchedKernel, code: string): Promise<number> {
  const start = performance.now();
  const { reply } = await kernel.client.execute(code).catch((error: Error) => {
    throw new Error(`${kernel.name}: cell ${JSON.stringify(code)}: ${error.message}`);
  });
  const elapsed = performance.now() - start;
  if (reply.content.status !== "ok") {
    throw new Error(`${kernel.name}: cell ${JSON.stringify(code)} failed: ${JSON.stringify(reply.content).slice(0, 500)}`);
  }
  return elapsed;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
