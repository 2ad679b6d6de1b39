/**
 * From a run's outcome to a verdict the learner can act on. The lab's judge
 * decides what the observations mean; this file guards the edges: a run that
 * hit a limit never passes and says which limit, a judge that throws is the
 * grader's error (never a crash, never the learner's fault), and an
 * infrastructure limit is reported as ours.
 */
import type { ExerciseOutcome, JudgeContext, PublicLab, RunExit, ScenarioSpec, Verdict } from "../lab/types.js";

export function wallLimitMs(lab: PublicLab, scenario: ScenarioSpec): number {
  return scenario.wallMs ?? lab.limits.wallMs;
}

function seconds(ms: number): string {
  const value = ms / 1000;
  return `${Number.isInteger(value) ? value : value.toFixed(1)} s`;
}

/** What a limit means, in the learner's words. `undefined` for exits the judge explains. */
export function limitMessage(lab: PublicLab, scenario: ScenarioSpec, exit: RunExit, message?: string): string | undefined {
  const why = message ? ` (${message})` : "";
  switch (exit) {
    case "timeout":
      return `your code ran past the ${seconds(wallLimitMs(lab, scenario))} limit (a deadlock, a lost wake-up or an endless loop?)`;
    case "cpu-limit":
      return `your code used more CPU time than this scenario allows${why}`;
    case "heap-limit":
      return `your code used more memory than the ${lab.limits.heapMb} MB limit${why}`;
    case "output-limit":
      return `your code printed more output than the grader keeps; printing in a hot loop slows everything down${why}`;
    case "crashed":
      return `the run ended before the exercise finished (process.exit, a signal or a fatal error)${why}`;
    default:
      return undefined;
  }
}

export interface Judged {
  readonly verdict: Verdict;
  readonly infrastructure: boolean;
}

/** A scenario that earned nothing, with the reason. */
export function failed(scenario: ScenarioSpec, message: string, details?: string): Verdict {
  return {
    scenario: scenario.id,
    title: scenario.title,
    points: 0,
    maxPoints: scenario.points,
    status: "failed",
    message,
    ...(details ? { details } : {}),
  };
}

/** The verdict for one scenario's outcome. Never throws. */
export function judgeOutcome(lab: PublicLab, scenario: ScenarioSpec, outcome: ExerciseOutcome, context: JudgeContext): Judged {
  if (outcome.exit === "address-space-limit") {
    return {
      verdict: failed(
        scenario,
        `grader infrastructure error: the sandbox's address-space limit was too low for this lab's workers; this is not your code's fault, tell the course staff${outcome.message ? ` (${outcome.message})` : ""}`,
      ),
      infrastructure: true,
    };
  }
  let judged: Verdict;
  try {
    judged = lab.judge(scenario, outcome, context);
    if (!judged || typeof judged !== "object" || (judged.status !== "passed" && judged.status !== "failed")) {
      throw new Error(`the judge returned ${JSON.stringify(judged)}`);
    }
  } catch (error) {
    return {
      verdict: failed(
        scenario,
        `internal grader error while judging this scenario; this is not your code's fault, tell the course staff`,
        String((error as Error)?.stack ?? error),
      ),
      infrastructure: true,
    };
  }
  // The judge's points are capped by the scenario's, whatever it returned.
  const points = Math.min(Math.max(0, Number.isFinite(judged.points) ? judged.points : 0), scenario.points);
  const verdict: Verdict = { ...judged, scenario: scenario.id, title: scenario.title, maxPoints: scenario.points, points };
  const limit = limitMessage(lab, scenario, outcome.exit, outcome.message);
  if (limit !== undefined || (outcome.exit !== "ok" && verdict.status === "passed")) {
    // A run that did not finish never passes, whatever its partial observations looked like.
    const reason = limit ?? `the exercise stopped with an error: ${outcome.message ?? "no message"}`;
    const judgeSaid = judged.status === "failed" && judged.message && !reason.includes(judged.message) ? `; ${judged.message}` : "";
    return {
      verdict: { ...verdict, status: "failed", points: 0, message: `${reason}${judgeSaid}` },
      infrastructure: false,
    };
  }
  return { verdict, infrastructure: false };
}
