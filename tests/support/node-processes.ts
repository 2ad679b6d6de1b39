/**
 * Finds the node processes of real clusters (runtime/net) in /proc: each
 * carries its configuration in its environment. Tests use it to prove that
 * nothing a cluster started is left behind.
 */
import { readFileSync, readdirSync } from "node:fs";

export function nodeProcesses(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/environ`, "latin1").includes("PARDIS_NODE_CONFIG=")) pids.push(Number(entry));
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return pids;
}

/** Polls /proc (with a deadline) until no node process is left; returns what is left. */
export async function nodeProcessesLeft(deadlineMs = 8000): Promise<number[]> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const pids = nodeProcesses();
    if (pids.length === 0 || Date.now() > until) return pids;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
