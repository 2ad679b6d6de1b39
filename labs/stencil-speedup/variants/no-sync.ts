/** Known wrong: posts and reads halo rows without waiting at the barrier, so it reads rows its neighbours have not posted yet. */
import type { StencilContext } from "../exercise/api.js";

export function stencilWorker(ctx: StencilContext): void {
  const { id, workers, rows, cols, steps } = ctx;
  // An even split: band sizes differ by at most one row, whatever rows % workers is.
  const first = Math.floor((id * rows) / workers);
  const end = Math.floor(((id + 1) * rows) / workers);
  const count = end - first;
  // The band, private to this worker: ghost row 0, own rows 1..count, ghost row count + 1.
  let current = new Int32Array((count + 2) * cols);
  let next = new Int32Array((count + 2) * cols);
  current.set(ctx.initial.subarray(first * cols, end * cols), cols);
  for (let t = 0; t < steps; t++) {
    const parity = t % 2;
    // Post: my first row is the row below the worker above; my last row is the row above the worker below.
    ctx.up.below[parity].set(current.subarray(cols, 2 * cols));
    ctx.down.above[parity].set(current.subarray(count * cols, (count + 1) * cols));
    // BUG: no barrier: the neighbours may not have posted this step's rows yet.
    current.set(ctx.inbox.above[parity], 0);
    current.set(ctx.inbox.below[parity], (count + 1) * cols);
    for (let r = 1; r <= count; r++) {
      const here = r * cols;
      const above = here - cols;
      const below = here + cols;
      const last = here + cols - 1;
      // Columns wrap around: column 0's left neighbour is the last column.
      next[here] = (4 * current[here] + current[above] + current[below] + current[last] + current[here + 1]) >> 3;
      for (let c = here + 1; c < last; c++) {
        next[c] = (4 * current[c] + current[c - cols] + current[c + cols] + current[c - 1] + current[c + 1]) >> 3;
      }
      next[last] = (4 * current[last] + current[above + cols - 1] + current[below + cols - 1] + current[last - 1] + current[here]) >> 3;
    }
    const swap = current;
    current = next;
    next = swap;
  }
  ctx.result.set(current.subarray(cols, (count + 1) * cols), first * cols);
}
