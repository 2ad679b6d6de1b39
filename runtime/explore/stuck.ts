/**
 * What to say when no thread can move: a deadlock, or a lost wake-up.
 *
 * A lost wake-up is the case where a notification came too early: thread W
 * sleeps forever in `wait(cell, v)`, the last `notify(cell)` before W began
 * waiting woke nobody, and the cell has not changed since that notify. Had W
 * already been waiting, that notify would have woken it (the cell held v, so
 * the wait would have slept). This is the check-then-wait race of a condition
 * variable without a sequence counter. When the cell did change after the
 * notify (a lock word taken again, a counter moved), the notify announced an
 * older state and the threads are simply deadlocked.
 */
import { threadList, type Finding } from "./finding.js";

export type Blocker =
  | {
      kind: "futex";
      cell: string;
      expected: number;
      since: number;
      /** The wasted notify that would have woken this thread, if there was one. */
      lostNotify?: { step: number; thread: number };
    }
  | { kind: "lock"; mutex: string; owner: number | undefined }
  | { kind: "join"; target: number };

export interface StuckThread {
  thread: number;
  blocker: Blocker;
}

export function describeBlocker(thread: number, blocker: Blocker): string {
  switch (blocker.kind) {
    case "futex":
      return `T${thread} sleeps in wait(${blocker.cell}, ${blocker.expected}) since step ${blocker.since}`;
    case "lock":
      if (blocker.owner === thread) return `T${thread} waits for lock ${blocker.mutex}, which it holds itself (locks are not reentrant)`;
      return `T${thread} waits for lock ${blocker.mutex} (held by ${blocker.owner === undefined ? "nobody" : `T${blocker.owner}`})`;
    case "join":
      return `T${thread} joins T${blocker.target}, which never finishes`;
  }
}

/** The lock/join cycle among the stuck threads, if any: [a, b, ..., a]. */
function cycle(stuck: readonly StuckThread[]): number[] | undefined {
  const next = new Map<number, number>();
  for (const { thread, blocker } of stuck) {
    if (blocker.kind === "lock" && blocker.owner !== undefined) next.set(thread, blocker.owner);
    if (blocker.kind === "join") next.set(thread, blocker.target);
  }
  for (const start of next.keys()) {
    const path = [start];
    let at = next.get(start);
    while (at !== undefined && !path.includes(at)) {
      path.push(at);
      at = next.get(at);
    }
    if (at !== undefined) return [...path.slice(path.indexOf(at)), at];
  }
  return undefined;
}

export function classifyStuck(stuck: readonly StuckThread[], step: number): Finding {
  const lost = stuck.find((s) => s.blocker.kind === "futex" && s.blocker.lostNotify);
  if (lost && lost.blocker.kind === "futex" && lost.blocker.lostNotify) {
    const { cell, expected, since, lostNotify } = lost.blocker;
    return {
      kind: "lost-wakeup",
      message:
        `T${lost.thread} sleeps forever in wait(${cell}, ${expected}) from step ${since}; ` +
        `T${lostNotify.thread} notified ${cell} at step ${lostNotify.step}, before T${lost.thread} was waiting, and ${cell} has not changed since`,
      step,
      threads: [lost.thread, lostNotify.thread],
      subject: cell,
      steps: [lostNotify.step, since],
    };
  }
  const loop = cycle(stuck);
  const why = stuck.map((s) => describeBlocker(s.thread, s.blocker)).join("; ");
  const subject = stuck[0]?.blocker.kind === "lock" ? stuck[0].blocker.mutex : stuck[0]?.blocker.kind === "futex" ? stuck[0].blocker.cell : undefined;
  return {
    kind: "deadlock",
    message: `every unfinished thread is blocked (${threadList(stuck.map((s) => s.thread))})${loop ? `, cycle ${loop.map((t) => `T${t}`).join(" → ")}` : ""}: ${why}`,
    step,
    threads: stuck.map((s) => s.thread),
    ...(subject !== undefined ? { subject } : {}),
    steps: stuck.flatMap((s) => (s.blocker.kind === "futex" ? [s.blocker.since] : [])),
  };
}
