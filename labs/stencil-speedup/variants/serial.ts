/** Known wrong (slow, not incorrect): worker 0 computes the whole grid by itself; the others return at once. */
import type { StencilContext } from "../exercise/api.js";

export function stencilWorker(ctx: StencilContext): void {
  // BUG: no parallelism: one worker does everything.
  if (ctx.id !== 0) return;
  const { rows, cols, steps } = ctx;
  let current = Int32Array.from(ctx.initial);
  let next = new Int32Array(rows * cols);
  for (let t = 0; t < steps; t++) {
    for (let r = 0; r < rows; r++) {
      const here = r * cols;
      const above = (r === 0 ? rows - 1 : r - 1) * cols;
      const below = (r === rows - 1 ? 0 : r + 1) * cols;
      const last = here + cols - 1;
      next[here] = (4 * current[here] + current[above] + current[below] + current[last] + current[here + 1]) >> 3;
      for (let c = 1; c < cols - 1; c++) {
        next[here + c] = (4 * current[here + c] + current[above + c] + current[below + c] + current[here + c - 1] + current[here + c + 1]) >> 3;
      }
      next[last] = (4 * current[last] + current[above + cols - 1] + current[below + cols - 1] + current[last - 1] + current[here]) >> 3;
    }
    const swap = current;
    current = next;
    next = swap;
  }
  ctx.result.set(current);
}
