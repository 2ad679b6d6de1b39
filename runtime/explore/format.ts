/**
 * Text for people: an exploration summary, and a failing run drawn as an
 * interleaving table with one column per thread (the shape of a Deadlock
 * Empire level or OSTEP's x86.py trace). Kept apart from the data so that
 * notebooks, the grader and terminals all print the same thing.
 */
import type { ExploreEvent, ExploreResult, ExploreFailure, ReplayReport } from "./types.js";

const COLUMN_MAX = 34;

function clip(text: string, width: number): string {
  return text.length <= width ? text.padEnd(width) : `${text.slice(0, width - 1)}…`;
}

/** Rows of (step, per-thread cell text); several events of one thread in one step share a row each. */
export function interleavingTable(events: readonly ExploreEvent[], threads: number, highlight: readonly number[] = []): string {
  const width = Math.min(COLUMN_MAX, Math.max(8, ...events.map((e) => e.text.length)));
  const marked = new Set(highlight);
  const header = `step │ ${[...Array(threads).keys()].map((t) => clip(`T${t}`, width)).join(" │ ")}`;
  const lines = [header, "─".repeat(header.length)];
  for (const event of events) {
    const cells = [...Array(threads).keys()].map((t) => clip(t === event.thread ? event.text : "", width));
    const mark = marked.has(event.step) && event.op !== "note" && event.op !== "finish" ? "✗" : " ";
    lines.push(`${String(event.step).padStart(4)}${mark}│ ${cells.join(" │ ")}`.trimEnd());
  }
  return lines.join("\n");
}

function origin(failure: ExploreFailure): string {
  const parts: string[] = [failure.strategy === "pct" ? `pct depth ${failure.depth}` : failure.strategy];
  if (failure.seed !== null) parts.push(`seed ${failure.seed}`);
  if (failure.strategy !== "replay") parts.push(`run ${failure.run}`);
  parts.push(`${failure.schedule.length} steps`);
  return parts.join(", ");
}

/** A failure: what went wrong, where it came from, how to replay it, and the interleaving. */
export function formatExploreFailure(failure: ExploreFailure): string {
  const threads = Math.max(failure.threadStatus.length, ...failure.events.map((e) => e.thread + 1));
  const stuck = failure.threadStatus.filter((s) => s.state !== "finished" && s.detail).map((s) => `  T${s.thread} ${s.state}: ${s.detail}`);
  return [
    `${failure.kind}: ${failure.message}`,
    `  ${failure.program ? `"${failure.program}", ` : ""}${origin(failure)}${failure.occurrences > 1 ? `; ${failure.occurrences} runs failed this way` : ""}`,
    `  ${failure.replay}`,
    "",
    interleavingTable(failure.events, threads, failure.steps),
    ...(stuck.length > 0 ? ["", "when the run ended:", ...stuck] : []),
  ].join("\n");
}

/** One paragraph per exploration: what was tried, and each distinct failure with its replay line. */
export function formatExploration(result: ExploreResult): string {
  const how = result.strategy === "pct" ? `pct (depth ${result.depth})` : result.strategy;
  const coverage =
    result.strategy === "exhaustive"
      ? `${result.schedulesExplored} schedules${result.pruned ? ` (+${result.pruned} pruned by sleep sets)` : ""}, ${result.complete ? "complete" : "NOT complete (raise runs)"}`
      : `${result.runs} runs, ${result.schedulesExplored} distinct schedules`;
  // Exhaustive search draws no random numbers: its seed would only mislead.
  const seed = result.strategy === "exhaustive" ? "" : `, seed ${result.seed}`;
  const head = `explore${result.program ? ` "${result.program}"` : ""}: ${how}${seed}, maxSteps ${result.maxSteps}: ${coverage}; ${
    result.ok ? "no failures" : `${result.failures.length} distinct failure${result.failures.length > 1 ? "s" : ""}`
  }`;
  const failures = result.failures.map(
    (f) => `  ✗ ${f.kind}${f.occurrences > 1 ? ` (${f.occurrences} runs)` : ""}: ${f.message}\n      ${f.replay}`,
  );
  return [head, ...failures].join("\n");
}

export function formatReplay(report: ReplayReport): string {
  const threads = Math.max(report.threadStatus.length, ...report.events.map((e) => e.thread + 1));
  const head = `replay${report.program ? ` "${report.program}"` : ""} "${report.scheduleText}": ${report.outcome}, ${report.steps} steps${
    report.failures.length ? `; ${report.failures.map((f) => `${f.kind}: ${f.message}`).join("; ")}` : ""
  }`;
  return [head, "", interleavingTable(report.events, threads, report.failures.flatMap((f) => f.steps))].join("\n");
}
