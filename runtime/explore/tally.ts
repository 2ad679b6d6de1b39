/**
 * What an exploration has seen so far: how many runs, distinct schedules and
 * steps, and one failure per kind and subject, keeping the shortest schedule
 * that showed it (a short witness is the easiest to read and replay).
 */
import { failureKey, witness } from "./failure.js";
import type { Finding } from "./finding.js";
import type { RunResult } from "./run.js";

export interface Kept {
  finding: Finding;
  schedule: number[];
  run: number;
  seed: number | null;
  occurrences: number;
}

/** A 64-bit FNV-1a hash of a schedule, to count distinct schedules without keeping them. */
function scheduleHash(schedule: readonly number[]): string {
  let a = 0x811c9dc5;
  let b = 0xcbf29ce4;
  for (const t of schedule) {
    a = Math.imul(a ^ (t + 1), 0x01000193) >>> 0;
    b = Math.imul(b ^ (t + 7), 0x01000193) >>> 0;
  }
  return `${a.toString(36)}.${b.toString(36)}.${schedule.length}`;
}

export class Tally {
  runs = 0;
  schedules = 0;
  pruned = 0;
  steps = 0;
  private readonly byKey = new Map<string, Kept>();
  private readonly seen = new Set<string>();

  /** @param sampling random runs can repeat a schedule, so schedules are counted by hash; exhaustive ones cannot. */
  constructor(private readonly sampling: boolean) {}

  /** Counts a run and keeps its findings; true when it failed. */
  record(result: RunResult, run: number, seed: number | null): boolean {
    this.runs++;
    this.steps += result.steps;
    if (result.outcome === "stopped") {
      this.pruned++;
      return false;
    }
    if (!this.sampling) this.schedules++;
    else {
      const hash = scheduleHash(result.schedule);
      if (!this.seen.has(hash)) {
        this.seen.add(hash);
        this.schedules++;
      }
    }
    for (const finding of result.findings) this.keep(finding, witness(finding, result.schedule), run, seed);
    return result.findings.length > 0;
  }

  keep(finding: Finding, schedule: number[], run: number, seed: number | null): void {
    const key = failureKey(finding);
    const before = this.byKey.get(key);
    if (!before) {
      this.byKey.set(key, { finding, schedule, run, seed, occurrences: 1 });
      return;
    }
    before.occurrences++;
    if (schedule.length < before.schedule.length) Object.assign(before, { finding, schedule, run, seed });
  }

  /** In order of discovery. */
  kept(): Kept[] {
    return [...this.byKey.values()];
  }
}
