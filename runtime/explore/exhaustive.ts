/**
 * Stateless depth-first search over schedules (as CHESS and Loom do it): each
 * run replays the choices on the stack, then extends it with the first
 * candidate at every new step; after the run, the deepest step with an untried
 * candidate switches to it and the next run follows the new prefix.
 *
 * Bounds: every schedule stops at `maxSteps` (reported as a step-limit
 * failure), and optionally at `preemptions` switches away from a thread that
 * could have continued (CHESS's preemption bounding).
 *
 * Reduction: sleep sets (Godefroid 1996). After trying thread p at a step, a
 * later sibling q puts p to sleep while only steps independent of p's are
 * taken (see `dependent` in ops.ts): any schedule that would run p there is
 * equivalent to one already explored. With sleep sets alone, no two complete
 * explored schedules are equivalent (swapping adjacent independent steps), so
 * without a bound the count of schedules equals the count of Mazurkiewicz
 * traces. A run where every enabled thread sleeps is cut short ("pruned").
 * Sleep sets are turned off under a preemption bound, whose interaction with
 * them can miss schedules.
 */
import { dependent, type Footprint } from "./ops.js";
import type { Chooser, Decision } from "./run.js";

interface SearchNode {
  /** All candidates the run offered here (checked on replay, to notice a non-deterministic program). */
  offered: readonly number[];
  /** The candidates this search may try here (fewer when the preemption budget is spent). */
  allowed: readonly number[];
  previous: number;
  /** Preemptions used before this step. */
  preemptionsBefore: number;
  chosen: number;
  /** What the chosen step touched, in the current run. */
  footprint: Footprint | undefined;
  /** Candidates already explored here, with what their step touched. */
  done: Map<number, Footprint>;
  sleep: Map<number, Footprint>;
}

const NOTHING: Footprint = new Map();

export class ExhaustiveSearch {
  private readonly stack: SearchNode[] = [];
  private depth = 0;
  /** Set when a replayed prefix offered other candidates than before. */
  diverged: { step: number; expected: readonly number[]; offered: readonly number[] } | undefined;

  constructor(
    private readonly preemptionBound: number,
    private readonly sleepSets: boolean,
  ) {}

  /** A chooser for the next run. */
  chooser(): Chooser {
    this.depth = 0;
    return {
      choose: (d) => this.choose(d),
      executed: (footprint) => {
        const node = this.stack[this.depth - 1];
        if (node) node.footprint = footprint;
      },
    };
  }

  /** Moves to the next unexplored schedule; false when the space (within the bounds) is exhausted. */
  advance(): boolean {
    while (this.stack.length > 0) {
      const node = this.stack[this.stack.length - 1]!;
      node.done.set(node.chosen, node.footprint ?? NOTHING);
      const next = node.allowed.find((t) => !node.done.has(t) && !node.sleep.has(t));
      if (next !== undefined) {
        node.chosen = next;
        node.footprint = undefined;
        return true;
      }
      this.stack.pop();
    }
    return false;
  }

  private choose(d: Decision): number | null {
    const at = this.depth++;
    const replayed = this.stack[at];
    if (replayed) {
      if (!this.diverged && !sameList(replayed.offered, d.candidates)) {
        this.diverged = { step: d.step, expected: replayed.offered, offered: [...d.candidates] };
      }
      return replayed.chosen;
    }
    const parent = this.stack[at - 1];
    const preemptionsBefore = parent ? parent.preemptionsBefore + (isPreemption(parent) ? 1 : 0) : 0;
    const allowed =
      preemptionsBefore >= this.preemptionBound && d.candidates.includes(d.previous) ? [d.previous] : d.candidates;
    const sleep = parent && this.sleepSets ? childSleep(parent) : new Map<number, Footprint>();
    const chosen = allowed.find((t) => !sleep.has(t));
    if (chosen === undefined) return null;
    this.stack.push({ offered: [...d.candidates], allowed, previous: d.previous, preemptionsBefore, chosen, footprint: undefined, done: new Map(), sleep });
    return chosen;
  }
}

/** Switching away from a thread that could have gone on (and did not just yield or spin: those are excluded from the candidates). */
function isPreemption(node: SearchNode): boolean {
  return node.previous >= 0 && node.chosen !== node.previous && node.offered.includes(node.previous);
}

/** Threads asleep after the parent's step: those asleep or done there whose step is independent of the one taken. */
function childSleep(parent: SearchNode): Map<number, Footprint> {
  const taken = parent.footprint ?? NOTHING;
  const sleep = new Map<number, Footprint>();
  for (const source of [parent.sleep, parent.done]) {
    for (const [thread, footprint] of source) {
      if (thread !== parent.chosen && !dependent(footprint, taken)) sleep.set(thread, footprint);
    }
  }
  return sleep;
}

function sameList(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
