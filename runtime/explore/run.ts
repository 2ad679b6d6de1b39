/**
 * One run of a program under one schedule. All virtual threads live on the
 * one JS thread; each operation a thread awaits is a request that the run
 * performs only when the chooser picks that thread, so exactly one thread moves
 * per step and nothing else decides the interleaving.
 *
 * The protocol with the threads: a thread is resumed (its promise resolves)
 * and runs local code until it requests its next operation or returns. Only
 * when every resumed thread has done so ("nothing in flight") does the run ask
 * the chooser for the next step. Local code between two operations touches no
 * shared state, so running it eagerly (even a woken waiter's, at the notify)
 * hides no interleaving.
 */
import { threadList, type Finding } from "./finding.js";
import type { Race } from "./happens-before.js";
import { Machine } from "./machine.js";
import type { MemoryLayout } from "./memory.js";
import { describeOp, stepEvent, touch, type Footprint, type Op } from "./ops.js";
import { Oracles } from "./oracles.js";
import { classifyStuck, describeBlocker, type Blocker, type StuckThread } from "./stuck.js";
import { createThread } from "./thread.js";
import type { ExploreEvent, SharedProgram, VirtualThreadStatus } from "./types.js";

export interface Decision {
  /** The step about to be taken (from 1). */
  step: number;
  /** Threads the chooser may pick, ascending: the enabled ones, minus a thread that just yielded or spun when another can run. */
  candidates: readonly number[];
  enabled: readonly number[];
  /** Who took the previous step (-1 before the first). */
  previous: number;
}

export interface Chooser {
  /** The thread that takes the next step, or null to end the run here. */
  choose(decision: Decision): number | null;
  /** Receives what each step touched, when the chooser reduces by independence. */
  executed?(footprint: Footprint): void;
}

export interface RunOptions {
  maxSteps: number;
  /** Keep the event log (replays do; exploration runs do not, for speed). */
  log: boolean;
}

export interface RunResult {
  outcome: "finished" | "failed" | "stopped";
  /** Data races found along the way, then at most one finding that ended the run. */
  findings: Finding[];
  schedule: number[];
  steps: number;
  events: ExploreEvent[];
  threadStatus: VirtualThreadStatus[];
  memory: Int32Array;
}

type Marker = "enter" | "exit" | "arrive" | "depart";

interface ThreadState {
  readonly id: number;
  state: "running" | "ready" | "blocked" | "finished" | "failed";
  /** The requested operation (ready), or the wait it sleeps in (blocked). */
  op: Op | undefined;
  resume: ((value: unknown) => void) | undefined;
  /** exit and arrive wait for the thread's next operation (see oracles.ts). */
  deferred: Array<{ marker: Marker; name: string }>;
  /** Side-effect-free operations since the thread's last write: result and state epoch of the last of each kind, to notice a spin. */
  reads: Map<string, string>;
  /** The last of them, for messages. */
  spinKey: string | undefined;
  /** Its last step was a yield, or repeated a side-effect-free operation with the same result. */
  spinning: boolean;
  blocked: Blocker | undefined;
}

/** Thrown inside a thread to stop it after t.assert failed (the run is already over). */
class StopThread extends Error {
  override name = "StopThread";
}

/** A settled promise to schedule microtasks with (Node's queueMicrotask also creates an async resource each time). */
const RESOLVED = Promise.resolve();

function never<T>(): Promise<T> {
  // A fresh promise each time: a shared one would keep every abandoned thread alive.
  return new Promise<T>(() => {});
}

export class Run {
  readonly layout: MemoryLayout;
  private readonly machine: Machine;
  private readonly threads: ThreadState[];
  private readonly oracles: Oracles;
  private readonly findings: Finding[] = [];
  private readonly events: ExploreEvent[] = [];
  private readonly schedule: number[] = [];
  private step = 0;
  private previous = -1;
  private inFlight = 0;
  private finishedCount = 0;
  private over = false;
  private footprint: Footprint | undefined;
  private settle!: (result: RunResult) => void;
  readonly done: Promise<RunResult>;

  constructor(
    private readonly program: SharedProgram,
    layout: MemoryLayout,
    private readonly chooser: Chooser,
    private readonly options: RunOptions,
  ) {
    this.layout = layout;
    const n = program.threads.length;
    this.machine = new Machine(n, layout, (race) => this.race(race));
    this.oracles = new Oracles(n, program.sections ?? {}, program.barriers ?? {});
    this.threads = Array.from({ length: n }, (_, id) => ({
      id,
      state: "running",
      op: undefined,
      resume: undefined,
      deferred: [],
      reads: new Map(),
      spinKey: undefined,
      spinning: false,
      blocked: undefined,
    }));
    this.done = new Promise((resolve) => (this.settle = resolve));
  }

  /** Starts every thread; each runs to its first operation. */
  start(): Promise<RunResult> {
    this.inFlight = this.threads.length;
    for (const th of this.threads) {
      if (this.over) break;
      const handle = createThread(this, th.id, this.threads.length, this.layout);
      let result: unknown;
      try {
        result = this.program.threads[th.id]!(handle);
      } catch (error) {
        this.threw(th.id, error);
        continue;
      }
      Promise.resolve(result).then(
        () => this.finished(th.id),
        (error: unknown) => this.threw(th.id, error),
      );
    }
    return this.done;
  }

  /** The explorer's watchdog fired: the event loop went idle with this run unfinished, so a thread awaits something else. */
  stalled(): void {
    if (this.over) return;
    const culprits = this.threads.filter((th) => th.state === "running").map((th) => th.id);
    this.fail({
      kind: "misuse",
      message: `${threadList(culprits)} awaited something that is not a t.* operation (a timer, I/O, or another promise); the explorer schedules only t.* operations, so a thread body must await nothing else`,
      step: this.step,
      threads: culprits,
    });
  }

  // ---- called by the thread handles ------------------------------------------------

  request<T>(thread: number, op: Op): Promise<T> {
    if (this.over) return never();
    const th = this.threads[thread]!;
    if (th.state !== "running") {
      this.misuseWhilePending(th, describeOp(op, this.cellName));
      return never();
    }
    let resolve!: (value: unknown) => void;
    const promise = new Promise<unknown>((r) => (resolve = r));
    th.op = op;
    th.state = "ready";
    th.resume = resolve;
    this.inFlight--;
    if (this.inFlight === 0) void RESOLVED.then(this.decideSoon);
    return promise as Promise<T>;
  }

  /**
   * The decision waits two microtasks after the last request, so that a thread
   * that did not await its operation gets caught: it calls t.* again while the
   * operation is pending, or its body returns (the body's promise reaction runs
   * in between), before the operation is performed and the evidence is gone.
   */
  private readonly decideSoon = (): void => void RESOLVED.then(this.decideNow);
  private readonly decideNow = (): void => this.decide();

  marker(thread: number, marker: Marker, name: string): void {
    if (this.over) return;
    const th = this.threads[thread]!;
    if (th.state !== "running") return this.misuseWhilePending(th, `t.${marker}("${name}")`);
    if (typeof name !== "string") {
      return this.fail({ kind: "misuse", message: `T${thread}: t.${marker} expects a name (string), got ${typeof name}`, step: this.step, threads: [thread] });
    }
    if (marker === "exit" || marker === "arrive") th.deferred.push({ marker, name });
    else this.applyMarker(thread, marker, name);
  }

  assertion(thread: number, condition: unknown, message: string | undefined): void {
    if (this.over) throw new StopThread("the run is over");
    if (condition) return;
    this.log(thread, "assert", `assertion failed${message ? `: ${message}` : ""}`, undefined, undefined);
    this.fail({ kind: "assertion", message: `T${thread}: ${message ?? "t.assert failed"}`, step: this.step, threads: [thread] });
    throw new StopThread("assertion failed");
  }

  note(thread: number, text: string): void {
    if (!this.over) this.log(thread, "note", String(text), undefined, undefined);
  }

  misuse(thread: number, message: string): Promise<never> {
    if (!this.over) this.fail({ kind: "misuse", message: `T${thread}: ${message}`, step: this.step, threads: [thread] });
    return never();
  }

  // ---- the scheduler ------------------------------------------------------------------

  private decide(): void {
    while (!this.over && this.inFlight === 0) {
      this.reportFootprint();
      if (this.finishedCount === this.threads.length) return this.finish();
      const enabled: number[] = [];
      for (const th of this.threads) if (this.isEnabled(th)) enabled.push(th.id);
      if (enabled.length === 0) return this.stuck();
      if (this.step >= this.options.maxSteps) return this.stepLimit();
      const previous = this.threads[this.previous];
      // Fairness for spin loops: a thread that just yielded or spun does not run twice in a row while another can.
      const candidates = previous?.spinning && enabled.length > 1 ? enabled.filter((t) => t !== previous.id) : enabled;
      const choice = this.chooser.choose({ step: this.step + 1, candidates, enabled, previous: this.previous });
      if (choice === null) return this.end("stopped");
      if (!enabled.includes(choice)) {
        return this.fail({
          kind: "nondeterminism",
          message: `the schedule picks T${choice} at step ${this.step + 1}, but only ${threadList(enabled)} can move there: the schedule belongs to another program, or the program is not deterministic`,
          step: this.step + 1,
          threads: [choice],
        });
      }
      this.execute(this.threads[choice]!);
    }
  }

  private isEnabled(th: ThreadState): boolean {
    if (th.state === "blocked") return th.op?.kind === "wait" && Number.isFinite(th.op.timeout);
    return th.state === "ready" && this.machine.canPerform(th.op!, this.isFinished);
  }

  private readonly isFinished = (thread: number): boolean => this.threads[thread]!.state === "finished";

  private execute(th: ThreadState): void {
    const step = ++this.step;
    this.schedule.push(th.id);
    this.previous = th.id;
    if (this.chooser.executed) this.footprint = new Map();
    if (th.state === "blocked") return this.timeOut(th);
    if (!this.flushDeferred(th)) return;
    const op = th.op!;
    const done = this.machine.perform(th.id, op, step, this.footprint);
    if (done.kind === "refused") return this.fail(done.finding);
    if (done.kind === "slept") return this.sleep(th, done.blocker, step);
    this.noteSpin(th, op, done.result, done.effectless);
    if (this.options.log) this.events.push({ step, thread: th.id, ...stepEvent(op, done.result, this.cellName) });
    this.resume(th, done.result, done.woken);
  }

  /**
   * A thread spins when it repeats a side-effect-free operation (a load, a
   * failed compareExchange, a wait that did not sleep) and gets the same result
   * in the same state: no thread changed anything (memory, locks, waiters)
   * since it did the same the last time. That covers spin loops over one cell
   * or several (Peterson's flag and turn). The run then lets another thread go
   * first, as after a yield; otherwise a high-priority or first-in-order
   * spinner would starve the thread it waits for, and every correct spin lock
   * would end in a step-limit failure. The schedules this leaves out only
   * repeat a step that saw an unchanged state.
   */
  private noteSpin(th: ThreadState, op: Op, result: unknown, effectless: boolean): void {
    if (op.kind === "yield") {
      th.spinning = true;
      return;
    }
    if (!effectless) {
      th.reads.clear();
      th.spinKey = undefined;
      th.spinning = false;
      return;
    }
    const key = op.kind === "atomic" ? `atomic.${op.fn} ${this.cellName(op.cell)}` : `${op.kind} ${this.cellName((op as { cell: number }).cell)}`;
    const seen = `${String(result)}@${this.machine.epoch}`;
    th.spinning = th.reads.get(key) === seen;
    th.reads.set(key, seen);
    th.spinKey = `${key} → ${String(result)}`;
  }

  private sleep(th: ThreadState, blocker: Blocker, step: number): void {
    th.state = "blocked";
    th.blocked = blocker;
    th.reads.clear();
    th.spinKey = undefined;
    th.spinning = false;
    if (this.options.log) {
      this.events.push({ step, thread: th.id, op: "wait", target: this.cellName((th.op as { cell: number }).cell), value: "blocked", blocked: true, text: `${describeOp(th.op!, this.cellName)} → sleeps` });
    }
  }

  private timeOut(th: ThreadState): void {
    const cell = (th.op as Extract<Op, { kind: "wait" }>).cell;
    this.machine.timeOut(th.id, cell, this.footprint);
    th.blocked = undefined;
    if (this.options.log) this.log(th.id, "timeout", `wait ${this.cellName(cell)} → "timed-out"`, this.cellName(cell), "timed-out");
    this.resume(th, "timed-out");
  }

  /** Resumes the thread that took the step, then the waiters its notify woke; each runs to its next request. */
  private resume(th: ThreadState, result: unknown, woken: readonly number[] = []): void {
    for (const id of woken) {
      this.threads[id]!.blocked = undefined;
      if (this.options.log) this.log(id, "wake", `woken by T${th.id} → "ok"`, this.cellName((this.threads[id]!.op as { cell: number }).cell), "ok");
    }
    for (const id of [th.id, ...woken]) {
      const resumed = this.threads[id]!;
      const resolve = resumed.resume!;
      resumed.state = "running";
      resumed.op = undefined;
      resumed.resume = undefined;
      this.inFlight++;
      resolve(id === th.id ? result : "ok");
    }
  }

  // ---- markers ------------------------------------------------------------------------

  private applyMarker(thread: number, marker: Marker, name: string): boolean {
    touch(this.footprint, marker === "enter" || marker === "exit" ? `s:${name}` : `b:${name}`, 2);
    if (this.options.log) this.log(thread, marker, `${marker} ${name}`, name, undefined);
    const finding =
      marker === "enter"
        ? this.oracles.enter(thread, name, this.step)
        : marker === "exit"
          ? this.oracles.exit(thread, name, this.step)
          : marker === "arrive"
            ? this.oracles.arrive(thread, name, this.step)
            : this.oracles.depart(thread, name, this.step);
    if (!finding) return true;
    this.fail(finding);
    return false;
  }

  private flushDeferred(th: ThreadState): boolean {
    while (th.deferred.length > 0) {
      const { marker, name } = th.deferred.shift()!;
      if (!this.applyMarker(th.id, marker, name)) return false;
    }
    return true;
  }

  // ---- thread ends --------------------------------------------------------------------

  private finished(thread: number): void {
    if (this.over) return;
    const th = this.threads[thread]!;
    if (th.state === "ready") {
      return this.fail({
        kind: "misuse",
        message: `T${thread} returned while its ${describeOp(th.op!, this.cellName)} was still pending: a t.* operation was not awaited`,
        step: this.step,
        threads: [thread],
      });
    }
    if (!this.flushDeferred(th)) return;
    th.state = "finished";
    this.finishedCount++;
    this.machine.finish(thread, this.footprint);
    if (this.options.log) this.log(thread, "finish", "finished", undefined, undefined);
    this.inFlight--;
    this.decide();
  }

  private threw(thread: number, error: unknown): void {
    if (this.over || error instanceof StopThread) return;
    const th = this.threads[thread]!;
    th.state = "failed";
    const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    if (this.options.log) this.log(thread, "throw", `threw ${text}`, undefined, undefined);
    this.fail({ kind: "exception", message: `T${thread} threw ${text}`, step: this.step, threads: [thread] });
  }

  private misuseWhilePending(th: ThreadState, what: string): void {
    const message =
      th.state === "ready"
        ? `T${th.id} called ${what} while its ${describeOp(th.op!, this.cellName)} was still pending: await every t.* operation`
        : th.state === "finished"
          ? `T${th.id} called ${what} after its body returned (a t.* call left running without await?)`
          : `T${th.id} called ${what} while it sleeps in ${describeOp(th.op!, this.cellName)}: await every t.* operation`;
    this.fail({ kind: "misuse", message, step: this.step, threads: [th.id] });
  }

  // ---- run ends -----------------------------------------------------------------------

  private finish(): void {
    const check = this.program.check;
    if (!check) return this.end("finished");
    let verdict: unknown;
    try {
      verdict = check(this.layout.values(this.machine.memory));
    } catch (error) {
      verdict = error instanceof Error ? error.message : String(error);
    }
    if (verdict && typeof (verdict as { then?: unknown }).then === "function") {
      return this.fail({ kind: "misuse", message: "program.check returned a promise; it must judge the final memory synchronously", step: this.step, threads: [] });
    }
    if (verdict === false || typeof verdict === "string") {
      const message = typeof verdict === "string" ? verdict : `the final memory ${JSON.stringify(this.finalMemory())} fails program.check`;
      return this.fail({ kind: "check", message, step: this.step, threads: [] });
    }
    this.end("finished");
  }

  private stuck(): void {
    const stuck: StuckThread[] = this.threads
      .filter((th) => th.state === "blocked" || th.state === "ready")
      .map((th) => ({ thread: th.id, blocker: this.blocker(th)! }));
    this.fail(classifyStuck(stuck, this.step));
  }

  private blocker(th: ThreadState): Blocker | undefined {
    if (th.state === "blocked") return th.blocked;
    if (th.state !== "ready") return undefined;
    const op = th.op!;
    if (op.kind === "lock") return { kind: "lock", mutex: op.mutex, owner: this.machine.owner(op.mutex) };
    if (op.kind === "join") return { kind: "join", target: op.thread };
    return undefined;
  }

  private stepLimit(): void {
    const unfinished = this.threads.filter((th) => th.state !== "finished");
    const doing = unfinished.map((th) => (th.spinning ? `T${th.id} spins (${th.spinKey ?? "yield"})` : `T${th.id} next: ${this.statusOf(th).detail ?? th.state}`));
    this.fail({
      kind: "step-limit",
      message: `no end after ${this.options.maxSteps} steps (maxSteps): ${doing.join("; ")}. A livelock, or a spin loop waiting for something no thread will do`,
      step: this.step,
      threads: unfinished.map((th) => th.id),
    });
  }

  private race(race: Race | undefined): void {
    if (!race) return;
    const { earlier, later } = race;
    const cell = this.cellName(race.cell);
    this.findings.push({
      kind: "data-race",
      message: `T${earlier.thread} ${earlier.kind} at step ${earlier.step} and T${later.thread} ${later.kind} at step ${later.step} of ${cell} are not ordered by happens-before`,
      step: later.step,
      threads: [earlier.thread, later.thread],
      subject: cell,
      steps: [earlier.step, later.step],
    });
  }

  private fail(finding: Finding): void {
    if (this.over) return;
    this.findings.push(finding);
    this.end("failed");
  }

  private end(outcome: RunResult["outcome"]): void {
    if (this.over) return;
    this.over = true;
    this.reportFootprint();
    const failed = outcome === "failed";
    this.settle({
      outcome,
      findings: this.findings,
      schedule: this.schedule,
      steps: this.step,
      events: this.events,
      threadStatus: this.threads.map((th) => this.statusOf(th, failed)),
      memory: this.machine.memory,
    });
  }

  private reportFootprint(): void {
    if (this.footprint && this.chooser.executed) this.chooser.executed(this.footprint);
    this.footprint = undefined;
  }

  // ---- descriptions -------------------------------------------------------------------

  readonly cellName = (cell: number): string => this.layout.names[cell] ?? `#${cell}`;

  private statusOf(th: ThreadState, failed = false): VirtualThreadStatus {
    switch (th.state) {
      case "finished":
        return { thread: th.id, state: "finished" };
      case "failed":
        return { thread: th.id, state: "failed" };
      case "blocked":
        return { thread: th.id, state: "blocked", detail: describeBlocker(th.id, th.blocked!) };
      case "ready": {
        const blocker = this.blocker(th);
        if (blocker && !this.isEnabled(th)) return { thread: th.id, state: "blocked", detail: describeBlocker(th.id, blocker) };
        return { thread: th.id, state: "ready", detail: `next: ${describeOp(th.op!, this.cellName)}` };
      }
      case "running":
        return { thread: th.id, state: "running", detail: failed ? "between operations when the run failed" : "between operations" };
    }
  }

  private finalMemory(): Record<string, number> {
    return Object.fromEntries(this.layout.names.map((name, i) => [name, this.machine.memory[i]!]));
  }

  private log(thread: number, op: string, text: string, target: string | undefined, value: number | string | undefined): void {
    if (!this.options.log) return;
    const event: ExploreEvent = { step: this.step, thread, op, text };
    if (target !== undefined) event.target = target;
    if (value !== undefined) event.value = value;
    this.events.push(event);
  }
}
