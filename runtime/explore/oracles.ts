/**
 * Semantic oracles fed by the markers a thread body calls: section occupancy
 * (mutual exclusion, and the permits of a semaphore) and barrier phases. They
 * judge what the threads claim to be doing, not how the primitives work, so one
 * oracle checks every learner's Mutex, Semaphore or Barrier.
 *
 * The run applies `enter` and `depart` as early as possible (right after the
 * operation before them) and `exit` and `arrive` as late as possible (right
 * before the operation after them). Markers have no effect on memory, so each
 * of these placements is a real execution, and together they give the widest
 * windows: any overlap they show is a real violation.
 */
import { threadList, type Finding } from "./finding.js";

export class Oracles {
  private readonly inside = new Map<string, number[]>();
  private readonly barrierState = new Map<string, { phase: number[]; arrived: boolean[]; arrivals: number[] }>();

  constructor(
    private readonly threads: number,
    private readonly capacities: Readonly<Record<string, number>>,
    private readonly parties: Readonly<Record<string, number>>,
  ) {}

  enter(thread: number, section: string, step: number): Finding | undefined {
    const inside = this.inside.get(section) ?? [];
    this.inside.set(section, inside);
    if (inside.includes(thread)) return misuse(`T${thread} entered section "${section}" again without leaving it`, step, thread, section);
    inside.push(thread);
    const capacity = this.capacities[section] ?? 1;
    if (inside.length <= capacity) return undefined;
    return {
      kind: "mutual-exclusion",
      message: `${inside.length} threads inside section "${section}" (capacity ${capacity}): ${threadList(inside)}`,
      step,
      threads: [...inside],
      subject: section,
    };
  }

  exit(thread: number, section: string, step: number): Finding | undefined {
    const inside = this.inside.get(section);
    const at = inside?.indexOf(thread) ?? -1;
    if (at < 0) return misuse(`T${thread} left section "${section}" without entering it`, step, thread, section);
    inside!.splice(at, 1);
    return undefined;
  }

  arrive(thread: number, barrier: string, step: number): Finding | undefined {
    const state = this.barrier(barrier);
    if (state.arrived[thread]) return misuse(`T${thread} arrived at barrier "${barrier}" twice without departing`, step, thread, barrier);
    state.arrived[thread] = true;
    const phase = state.phase[thread]!;
    state.arrivals[phase] = (state.arrivals[phase] ?? 0) + 1;
    return undefined;
  }

  depart(thread: number, barrier: string, step: number): Finding | undefined {
    const state = this.barrier(barrier);
    if (!state.arrived[thread]) return misuse(`T${thread} departed barrier "${barrier}" without arriving`, step, thread, barrier);
    const phase = state.phase[thread]!;
    const arrivals = state.arrivals[phase] ?? 0;
    const parties = this.parties[barrier] ?? this.threads;
    state.arrived[thread] = false;
    state.phase[thread] = phase + 1;
    if (arrivals >= parties) return undefined;
    const waiting = [...Array(this.threads).keys()].filter(
      (t) => t !== thread && (state.phase[t]! < phase || (state.phase[t] === phase && !state.arrived[t])),
    );
    return {
      kind: "barrier",
      message: `T${thread} passed barrier "${barrier}" (phase ${phase}) when only ${arrivals} of ${parties} parties had arrived${waiting.length ? `; not yet arrived: ${threadList(waiting)}` : ""}`,
      step,
      threads: [thread, ...waiting],
      subject: barrier,
    };
  }

  private barrier(name: string): { phase: number[]; arrived: boolean[]; arrivals: number[] } {
    let state = this.barrierState.get(name);
    if (!state) {
      state = { phase: new Array<number>(this.threads).fill(0), arrived: new Array<boolean>(this.threads).fill(false), arrivals: [] };
      this.barrierState.set(name, state);
    }
    return state;
  }
}

function misuse(message: string, step: number, thread: number, subject: string): Finding {
  return { kind: "misuse", message, step, threads: [thread], subject };
}
