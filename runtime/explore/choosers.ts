/**
 * The simple ways to pick the next thread: uniformly at random (seeded), in
 * turn, or from a recorded schedule. PCT and the exhaustive search have files
 * of their own.
 */
import type { Random } from "../core/index.js";
import type { Chooser } from "./run.js";

/** Uniform over the candidates at every step; the run's seed decides everything. */
export function randomChooser(random: Random): Chooser {
  return { choose: (d) => (d.candidates.length === 1 ? d.candidates[0]! : random.pick(d.candidates)) };
}

/** Each thread in turn: the next candidate after the previous thread. Used to measure a typical run's length. */
export function roundRobinChooser(): Chooser {
  return { choose: (d) => d.candidates.find((t) => t > d.previous) ?? d.candidates[0]! };
}

/**
 * Follows a schedule step by step. When it runs out: stop there, or (with
 * `extend`) let the last thread go on while it can, then the lowest-numbered
 * one (no further preemptions), so a hand-written prefix runs to the end.
 */
export function replayChooser(schedule: readonly number[], extend: boolean): Chooser {
  return {
    choose(d) {
      if (d.step <= schedule.length) return schedule[d.step - 1]!;
      if (!extend) return null;
      return d.candidates.includes(d.previous) ? d.previous : d.candidates[0]!;
    },
  };
}
