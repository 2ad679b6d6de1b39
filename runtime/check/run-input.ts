/**
 * Every checker takes a whole run or just its history. Given a run, a failing
 * verdict ends with the run's replay line, so the failure can be reproduced
 * exactly from the message alone.
 */
import type { CheckVerdict, HistoryOperation, RunRecord } from "../core/history.js";

export type CheckInput = RunRecord | readonly HistoryOperation[];

export function runOf(input: CheckInput): RunRecord | undefined {
  return Array.isArray(input) ? undefined : (input as RunRecord);
}

export function historyOf(input: CheckInput): readonly HistoryOperation[] {
  return Array.isArray(input) ? (input as readonly HistoryOperation[]) : (input as RunRecord).history;
}

export function withReplay(verdict: CheckVerdict, run: RunRecord | undefined): CheckVerdict {
  if (verdict.ok || run?.replay === undefined) return verdict;
  return { ...verdict, message: `${verdict.message}\nreplay: ${run.replay}`, details: { ...verdict.details, replay: run.replay } };
}
