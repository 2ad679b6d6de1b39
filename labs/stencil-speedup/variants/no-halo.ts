/** Known wrong: fills its ghost rows once, from the initial grid, and never exchanges halos; right for one step only. */
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
  // Ghost rows from the initial grid (the rows just outside the band, wrapping around), once.
  const aboveRow = (first - 1 + rows) % rows;
  const belowRow = end % rows;
  current.set(ctx.initial.subarray(aboveRow * cols, (aboveRow + 1) * cols), 0);
  current.set(ctx.initial.subarray(belowRow * cols, (belowRow + 1) * cols), (count + 1) * cols);
  for (let t = 0; t < steps; t++) {
    // BUG: no halo exchange: the ghost rows keep their step-0 values.
    ctx.barrier();
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
    next.set(current.subarray(0, cols), 0);
    next.set(current.subarray((count + 1) * cols), (count + 1) * cols);
    const swap = current;
    current = next;
    next = swap;
  }
  ctx.result.set(current.subarray(cols, (count + 1) * cols), first * cols);
}
