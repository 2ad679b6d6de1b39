/**
 * Data-race detection with vector clocks (the happens-before detector of TSan
 * and Go's -race, in the FastTrack style): two accesses to one cell race when
 * they come from different threads, at least one writes, at least one is plain
 * (non-atomic), and neither happens before the other.
 *
 * Happens-before comes from synchronisation only. JS atomics are sequentially
 * consistent, so an atomic read acquires what earlier atomic writes of the same
 * cell released (read-from, conservatively every earlier write); a
 * read-modify-write both acquires and releases. `notify` releases to each thread
 * it wakes, `unlock` releases to the next `lock` of the mutex, a thread's end
 * releases to `join`, and the initial memory happens before every thread.
 */

/** One component per thread; component t counts thread t's releases. */
type VectorClock = number[];

function joinInto(into: VectorClock, from: VectorClock): void {
  for (let i = 0; i < into.length; i++) if (from[i]! > into[i]!) into[i] = from[i]!;
}

export type AccessKind = "load" | "store" | "atomic read" | "atomic write";

export interface Access {
  thread: number;
  step: number;
  kind: AccessKind;
}

export interface Race {
  cell: number;
  earlier: Access;
  later: Access;
}

/** What is remembered about one cell: its last write and the reads since, each as an epoch (thread, clock, step). */
interface CellHistory {
  writeThread: number;
  writeClock: number;
  writeStep: number;
  writeAtomic: boolean;
  /** Per thread: clock of its last plain read since the last write (0: none). */
  readClock: number[];
  readStep: number[];
  /** Per thread: clock of its last atomic read since the last plain write (0: none). */
  atomicReadClock: number[];
  atomicReadStep: number[];
  /** What atomic writes of this cell released. */
  sync: VectorClock | undefined;
}

export class HappensBefore {
  private readonly clocks: VectorClock[];
  /** Created on first access: most programs touch few of their cells. */
  private readonly cells: Array<CellHistory | undefined>;
  private readonly mutexes = new Map<string, VectorClock>();
  private readonly finished: Array<VectorClock | undefined>;
  /** Cells that already raced in this run: one report per cell is enough. */
  private readonly raced = new Set<number>();

  constructor(
    private readonly threads: number,
    cellCount: number,
  ) {
    // Thread t starts at clock 1 in its own component, after the initial memory (clock 0 everywhere).
    this.clocks = [];
    for (let t = 0; t < threads; t++) {
      const clock = new Array<number>(threads).fill(0);
      clock[t] = 1;
      this.clocks.push(clock);
    }
    this.cells = new Array<CellHistory | undefined>(cellCount);
    this.finished = new Array<VectorClock | undefined>(threads);
  }

  private history(cell: number): CellHistory {
    let history = this.cells[cell];
    if (!history) {
      const n = this.threads;
      history = {
        writeThread: -1,
        writeClock: 0,
        writeStep: 0,
        writeAtomic: false,
        readClock: new Array<number>(n).fill(0),
        readStep: new Array<number>(n).fill(0),
        atomicReadClock: new Array<number>(n).fill(0),
        atomicReadStep: new Array<number>(n).fill(0),
        sync: undefined,
      };
      this.cells[cell] = history;
    }
    return history;
  }

  /** Plain read; returns the race it completes, if any. */
  load(thread: number, cell: number, step: number): Race | undefined {
    const history = this.history(cell);
    const race = this.againstWrite(thread, cell, history, step, "load");
    history.readClock[thread] = this.clocks[thread]![thread]!;
    history.readStep[thread] = step;
    return race;
  }

  /** Plain write. */
  store(thread: number, cell: number, step: number): Race | undefined {
    const history = this.history(cell);
    const race = this.againstWrite(thread, cell, history, step, "store") ?? this.againstReads(thread, cell, history, step, "store", true);
    this.recordWrite(thread, history, step, false);
    history.atomicReadClock.fill(0);
    return race;
  }

  /** An atomic load, a failed compareExchange, or a wait's comparison: acquires the cell's releases. */
  atomicRead(thread: number, cell: number, step: number): Race | undefined {
    const history = this.history(cell);
    if (history.sync) joinInto(this.clocks[thread]!, history.sync);
    const race = history.writeAtomic ? undefined : this.againstWrite(thread, cell, history, step, "atomic read");
    history.atomicReadClock[thread] = this.clocks[thread]![thread]!;
    history.atomicReadStep[thread] = step;
    return race;
  }

  /** An atomic store or read-modify-write: acquires, then releases. */
  atomicWrite(thread: number, cell: number, step: number): Race | undefined {
    const history = this.history(cell);
    const clock = this.clocks[thread]!;
    if (history.sync) joinInto(clock, history.sync);
    const race =
      (history.writeAtomic ? undefined : this.againstWrite(thread, cell, history, step, "atomic write")) ??
      this.againstReads(thread, cell, history, step, "atomic write", false);
    this.recordWrite(thread, history, step, true);
    history.sync = clock.slice();
    clock[thread]!++;
    return race;
  }

  /** `notify` woke `woken`: everything the notifier did so far happens before the waiter returns. */
  wake(notifier: number, woken: number): void {
    joinInto(this.clocks[woken]!, this.clocks[notifier]!);
  }

  /** Called once per notify that woke someone, after all `wake` calls. */
  released(thread: number): void {
    this.clocks[thread]![thread]!++;
  }

  lock(thread: number, mutex: string): void {
    const released = this.mutexes.get(mutex);
    if (released) joinInto(this.clocks[thread]!, released);
  }

  unlock(thread: number, mutex: string): void {
    const clock = this.clocks[thread]!;
    this.mutexes.set(mutex, clock.slice());
    clock[thread]!++;
  }

  finish(thread: number): void {
    this.finished[thread] = this.clocks[thread]!.slice();
  }

  join(thread: number, target: number): void {
    const released = this.finished[target];
    if (released) joinInto(this.clocks[thread]!, released);
  }

  private recordWrite(thread: number, history: CellHistory, step: number, atomic: boolean): void {
    history.writeThread = thread;
    history.writeClock = this.clocks[thread]![thread]!;
    history.writeStep = step;
    history.writeAtomic = atomic;
    history.readClock.fill(0);
  }

  /** The last write races with this access unless it is ours or happens before us. */
  private againstWrite(thread: number, cell: number, history: CellHistory, step: number, kind: AccessKind): Race | undefined {
    const writer = history.writeThread;
    if (writer < 0 || writer === thread || history.writeClock <= this.clocks[thread]![writer]!) return undefined;
    return this.report(cell, { thread: writer, step: history.writeStep, kind: history.writeAtomic ? "atomic write" : "store" }, { thread, step, kind });
  }

  /** Reads since the last write race with this write unless each happens before us. Atomic reads only race with plain writes. */
  private againstReads(thread: number, cell: number, history: CellHistory, step: number, kind: AccessKind, plainWrite: boolean): Race | undefined {
    const clock = this.clocks[thread]!;
    for (let other = 0; other < this.threads; other++) {
      if (other === thread) continue;
      const read = history.readClock[other]!;
      if (read > 0 && read > clock[other]!) return this.report(cell, { thread: other, step: history.readStep[other]!, kind: "load" }, { thread, step, kind });
      const atomicRead = history.atomicReadClock[other]!;
      if (plainWrite && atomicRead > 0 && atomicRead > clock[other]!) {
        return this.report(cell, { thread: other, step: history.atomicReadStep[other]!, kind: "atomic read" }, { thread, step, kind });
      }
    }
    return undefined;
  }

  private report(cell: number, earlier: Access, later: Access): Race | undefined {
    if (this.raced.has(cell)) return undefined;
    this.raced.add(cell);
    return { cell, earlier, later };
  }
}
