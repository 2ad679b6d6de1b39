/**
 * The explorer finds the classic synchronisation bugs in learner-style code,
 * each with a seed, and every failure it reports replays exactly: by its
 * schedule (replaySchedule) and, for random and PCT, by its run's seed alone.
 */
import { describe, expect, test } from "vitest";
import { explore, replaySchedule, type ExploreFailure, type ExploreFailureKind, type ExploreResult, type SharedProgram } from "../../runtime/explore/index.js";
import {
  barrierProgram,
  condVarProgram,
  futexLockOrder,
  lockOrder,
  racyCounter,
  semaphoreProgram,
} from "./explore-fixtures.js";

function failureOf(result: ExploreResult, kind: ExploreFailureKind): ExploreFailure {
  const failure = result.failures.find((f) => f.kind === kind);
  expect(failure, `expected a ${kind} failure, got ${result.failures.map((f) => f.kind).join(", ") || "none"}`).toBeDefined();
  return failure!;
}

/** The failure comes back identical from its schedule, and (random, pct) from its seed with runs: 1. */
async function expectReplayable(program: SharedProgram<any>, failure: ExploreFailure): Promise<void> {
  const replayed = await replaySchedule(program, failure.schedule);
  const again = replayed.failures.find((f) => f.kind === failure.kind);
  expect(again?.message).toBe(failure.message);
  expect(again?.step).toBe(failure.step);
  expect(again?.schedule).toEqual(failure.schedule);
  expect(replayed.events).toEqual(failure.events);

  const fromText = await replaySchedule(program, failure.scheduleText);
  expect(fromText.events).toEqual(failure.events);

  if (failure.seed !== null && failure.strategy !== "replay" && failure.strategy !== "exhaustive") {
    const rerun = await explore(program, { strategy: failure.strategy, seed: failure.seed, runs: 1, ...(failure.depth ? { depth: failure.depth } : {}) });
    const same = rerun.failures.find((f) => f.kind === failure.kind);
    expect(same?.message).toBe(failure.message);
    expect(same?.schedule).toEqual(failure.schedule);
    expect(same?.seed).toBe(failure.seed);
  }
}

describe("a racy counter (plain load, then store)", () => {
  const program = racyCounter(2, 1);

  test("random exploration finds the lost update and the data race, each replayable", async () => {
    const result = await explore(program, { strategy: "random", seed: 1, runs: 200 });
    expect(result.ok).toBe(false);
    const lost = failureOf(result, "check");
    expect(lost.message).toBe("counter is 1, expected 2");
    expect(lost.seed).not.toBeNull();
    // Both loads come before either store.
    const loads = lost.events.filter((e) => e.op === "load").map((e) => e.step);
    const stores = lost.events.filter((e) => e.op === "store").map((e) => e.step);
    expect(Math.max(...loads)).toBeLessThan(Math.min(...stores));

    const race = failureOf(result, "data-race");
    expect(race.subject).toBe("counter");
    expect(race.message).toMatch(/^T\d (load|store) at step \d+ and T\d (load|store) at step \d+ of counter are not ordered by happens-before$/);
    expect(race.threads.sort()).toEqual([0, 1]);
    // Every schedule of this program races: the threads never synchronise.
    expect(race.occurrences).toBe(200);
    // The witness stops at the racing access.
    expect(race.schedule.length).toBe(race.step);

    await expectReplayable(program, lost);
    await expectReplayable(program, race);
  });

  test("exhaustive exploration finds the lost update in 2 of its 4 distinct schedules", async () => {
    const result = await explore(program, { strategy: "exhaustive" });
    expect(result.complete).toBe(true);
    expect(result.schedulesExplored).toBe(4);
    expect(failureOf(result, "check").occurrences).toBe(2);
    expect(failureOf(result, "data-race").occurrences).toBe(4);
    await expectReplayable(program, failureOf(result, "check"));
  });

  test("with three threads and two increments each, PCT loses updates too", async () => {
    const result = await explore(racyCounter(3, 2), { strategy: "pct", depth: 2, seed: 5, runs: 300 });
    const lost = failureOf(result, "check");
    expect(lost.message).toMatch(/^counter is [1-5], expected 6$/);
    await expectReplayable(racyCounter(3, 2), lost);
  });
});

describe("two mutexes taken in opposite orders", () => {
  test("built-in locks: a deadlock with the lock cycle named", async () => {
    const program = lockOrder(false);
    const result = await explore(program, { strategy: "pct", seed: 3, runs: 100 });
    const deadlock = failureOf(result, "deadlock");
    expect(deadlock.code).toBe("deadlock");
    expect(deadlock.message).toBe(
      "every unfinished thread is blocked (T0, T1), cycle T0 → T1 → T0: T0 waits for lock b (held by T1); T1 waits for lock a (held by T0)",
    );
    expect(deadlock.threadStatus.map((s) => s.state)).toEqual(["blocked", "blocked"]);
    expect(result.failures.map((f) => f.kind)).not.toContain("lost-wakeup");
    await expectReplayable(program, deadlock);
  });

  test("learner futex mutexes: a deadlock where both threads sleep in wait, not a lost wake-up", async () => {
    const program = futexLockOrder(false);
    const result = await explore(program, { strategy: "random", seed: 11, runs: 300 });
    const deadlock = failureOf(result, "deadlock");
    expect(deadlock.message).toMatch(/^every unfinished thread is blocked \(T0, T1\): T0 sleeps in wait\(b, 2\) since step \d+; T1 sleeps in wait\(a, 2\) since step \d+$/);
    expect(result.failures.map((f) => f.kind)).toEqual(["deadlock"]);
    await expectReplayable(program, deadlock);
  });

  test("exhaustive search finds it with a single preemption", async () => {
    const result = await explore(lockOrder(false), { strategy: "exhaustive", preemptions: 1 });
    expect(result.complete).toBe(true);
    expect(failureOf(result, "deadlock").schedule.length).toBe(2);
  });
});

describe("a barrier that lets a thread through early", () => {
  test("a gate closed by the first arriver: the second arriver of phase 1 can find it still open", async () => {
    const program = barrierProgram("gate", 3, 2);
    const result = await explore(program, { strategy: "random", seed: 7, runs: 300 });
    const early = failureOf(result, "barrier");
    expect(early.message).toMatch(/^T\d passed barrier "b" \(phase 1\) when only 2 of 3 parties had arrived; not yet arrived: T\d$/);
    expect(early.subject).toBe("b");
    // The early thread saw the gate open (1) in phase 1.
    const passer = early.threads[0]!;
    const lastLoad = early.events.filter((e) => e.thread === passer && e.op === "atomic.load" && e.target === "gate").at(-1);
    expect(lastLoad?.value).toBe(1);
    await expectReplayable(program, early);
  });

  test("a one-shot barrier reused for a second phase", async () => {
    const program = barrierProgram("one-shot", 3, 2);
    const result = await explore(program, { strategy: "pct", seed: 2, runs: 50 });
    const early = failureOf(result, "barrier");
    expect(early.message).toMatch(/^T\d passed barrier "b" \(phase 1\) when only 1 of 3 parties had arrived; not yet arrived: T\d, T\d$/);
    await expectReplayable(program, early);
  });
});

describe("a semaphore that over-admits (check, then decrement without CAS)", () => {
  test("three threads end up inside a two-permit section", async () => {
    const program = semaphoreProgram("check-then-decrement", 3, 2);
    const result = await explore(program, { strategy: "pct", seed: 4, runs: 300 });
    const over = failureOf(result, "mutual-exclusion");
    expect(over.message).toMatch(/^3 threads inside section "pool" \(capacity 2\): T\d, T\d, T\d$/);
    expect(over.threads.sort()).toEqual([0, 1, 2]);
    // Each admitted thread saw a permit left before any of them took one.
    const sawPermit = over.events.filter((e) => e.op === "atomic.load" && e.target === "permits" && Number(e.value) > 0);
    expect(new Set(sawPermit.map((e) => e.thread)).size).toBe(3);
    await expectReplayable(program, over);
  });

  test("exhaustive search finds it too", async () => {
    const result = await explore(semaphoreProgram("check-then-decrement", 2, 1), { strategy: "exhaustive" });
    expect(result.complete).toBe(true);
    expect(failureOf(result, "mutual-exclusion").message).toMatch(/^2 threads inside section "pool" \(capacity 1\)/);
  });
});

describe("a lost wake-up (a condition variable without a sequence counter)", () => {
  test("waiting on a constant cell: reported as a lost wake-up, not a plain deadlock", async () => {
    const program = condVarProgram("constant");
    const result = await explore(program, { strategy: "random", seed: 9, runs: 300 });
    const lost = failureOf(result, "lost-wakeup");
    expect(lost.code).toBe("deadlock");
    expect(lost.message).toMatch(
      /^T0 sleeps forever in wait\(seq, 0\) from step (\d+); T1 notified seq at step (\d+), before T0 was waiting, and seq has not changed since$/,
    );
    const [, waitStep, notifyStep] = /from step (\d+).*at step (\d+)/.exec(lost.message)!;
    expect(Number(notifyStep)).toBeLessThan(Number(waitStep));
    expect(lost.steps).toEqual([Number(notifyStep), Number(waitStep)]);
    expect(result.failures.map((f) => f.kind)).not.toContain("deadlock");
    await expectReplayable(program, lost);
  });

  test("reading the sequence counter after unlocking reopens the window", async () => {
    const program = condVarProgram("late-seq");
    const result = await explore(program, { strategy: "exhaustive" });
    expect(result.complete).toBe(true);
    const lost = failureOf(result, "lost-wakeup");
    expect(lost.message).toMatch(/^T0 sleeps forever in wait\(seq, 1\)/);
    await expectReplayable(program, lost);
  });
});
