/**
 * Probabilistic concurrency testing (Burckhardt, Kothari, Musuvathi,
 * Nagarakatte, ASPLOS 2010). Threads get random distinct priorities d..d+n-1
 * and the highest-priority enabled thread always runs; at d-1 random steps
 * k_1..k_{d-1} drawn from 1..k, the thread about to run drops to priority i
 * (below every initial one). A bug of depth d (one that needs d ordering
 * constraints) is then found by each run with probability at least
 * 1/(n·k^(d-1)), where k bounds the run's length.
 */
import type { Random } from "../core/index.js";
import type { Chooser } from "./run.js";

export function pctChooser(random: Random, threads: number, depth: number, steps: number): Chooser {
  const order = [...Array(threads).keys()];
  for (let i = order.length - 1; i > 0; i--) {
    const j = random.int(i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const priority = new Array<number>(threads);
  order.forEach((thread, rank) => (priority[thread] = depth + rank));

  const changeAt = new Map<number, number>();
  for (let i = 1; i < depth; i++) {
    // Distinct steps while there are enough of them; a coinciding draw would waste a change point.
    let k = 1 + random.int(Math.max(1, steps));
    for (let tries = 0; changeAt.has(k) && tries < 8; tries++) k = 1 + random.int(Math.max(1, steps));
    if (!changeAt.has(k)) changeAt.set(k, i);
  }

  const highest = (candidates: readonly number[]): number => {
    let best = candidates[0]!;
    for (const t of candidates) if (priority[t]! > priority[best]!) best = t;
    return best;
  };
  return {
    choose(d) {
      const best = highest(d.candidates);
      const lowered = changeAt.get(d.step);
      if (lowered === undefined) return best;
      priority[best] = lowered;
      return highest(d.candidates);
    },
  };
}
