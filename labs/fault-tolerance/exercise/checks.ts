/**
 * What makes one run pass: linearizable, and live once the faults are over.
 * The judge decides with these; the exercise uses the same functions only to
 * pick which run gets its messages sent along for the diagram.
 */
import { checkLinearizability, type CheckVerdict, type HistoryOperation } from "../../../runtime/index.js";
import type { LivenessRule } from "./params.js";

/** An answer the client can act on: ok, or a cas whose expected value did not match (a definite no). */
export function answered(op: HistoryOperation): boolean {
  return op.outcome === "ok" || (op.outcome === "fail" && op.error === "precondition-failed");
}

export interface RunJudgement {
  ok: boolean;
  /** "nonlinearizable" | "unavailable" */
  anomaly?: string;
  message: string;
  verdict?: CheckVerdict;
}

export function judgeHistory(history: readonly HistoryOperation[], liveness: LivenessRule): RunJudgement {
  // Shrinking is bounded: a witness is for reading, and a hostile history must not stall the grader.
  const verdict = checkLinearizability(history, { model: "register", maxSteps: 2_000_000, shrinkSteps: 200_000 });
  if (!verdict.ok) {
    return verdict.unknown
      ? { ok: false, anomaly: "unknown", message: `the linearizability search gave up: ${verdict.message}`, verdict }
      : { ok: false, anomaly: "nonlinearizable", message: verdict.message, verdict };
  }
  const late = history.filter((op) => op.invokeMs >= liveness.fromMs);
  const got = late.filter(answered).length;
  if (got < liveness.minAnswered) {
    const outcomes = late.map((op) => op.error ?? op.outcome ?? "no answer");
    const counts = [...new Set(outcomes)].map((o) => `${outcomes.filter((x) => x === o).length} ${o}`).join(", ");
    return {
      ok: false,
      anomaly: "unavailable",
      message:
        `unavailable after the faults ended: ${got} of the ${late.length} operations invoked from ${liveness.fromMs} ms on got an answer (at least ${liveness.minAnswered} needed)` +
        (late.length > 0 ? `; they ended as: ${counts}` : ""),
    };
  }
  return { ok: true, message: `linearizable, ${got} operations answered after the faults` };
}
