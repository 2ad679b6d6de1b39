/**
 * The simulation itself, sequential and exact: the initial grid a seed gives,
 * one step of the stencil, and a checksum. The exercise times it as the
 * sequential baseline; the judge recomputes expected grids with it. Integer
 * cells, so "correct" means equal, never "close enough".
 */

/** What the harness leaves in result cells before a run: a cell still holding it was never written. */
export const UNWRITTEN = -1;
/** What mailboxes hold before a run: a ghost row read before its neighbour posted it shows up as absurdly hot. */
export const UNPOSTED = 1 << 20;

/** mulberry32: small, fast and the same on every machine. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Random temperatures 0..1023 with a few hot squares, so heat visibly flows across band borders. */
export function initialGrid(rows: number, cols: number, seed: number): Int32Array {
  const next = random(seed);
  const grid = new Int32Array(rows * cols);
  for (let i = 0; i < grid.length; i++) grid[i] = Math.floor(next() * 1024);
  const spots = 1 + Math.floor((rows * cols) / 4096);
  for (let s = 0; s < spots; s++) {
    const r0 = Math.floor(next() * rows);
    const c0 = Math.floor(next() * cols);
    for (let dr = 0; dr < 3; dr++) for (let dc = 0; dc < 3; dc++) grid[((r0 + dr) % rows) * cols + ((c0 + dc) % cols)] = 4000;
  }
  return grid;
}

/** One step on the torus: `to` gets the grid after `from`. */
export function step(from: Int32Array, to: Int32Array, rows: number, cols: number): void {
  for (let r = 0; r < rows; r++) {
    const here = r * cols;
    const above = (r === 0 ? rows - 1 : r - 1) * cols;
    const below = (r === rows - 1 ? 0 : r + 1) * cols;
    to[here] = (4 * from[here]! + from[above]! + from[below]! + from[here + cols - 1]! + from[here + 1]!) >> 3;
    for (let c = 1; c < cols - 1; c++) {
      to[here + c] = (4 * from[here + c]! + from[above + c]! + from[below + c]! + from[here + c - 1]! + from[here + c + 1]!) >> 3;
    }
    const last = here + cols - 1;
    if (cols > 1) to[last] = (4 * from[last]! + from[above + cols - 1]! + from[below + cols - 1]! + from[last - 1]! + from[here]!) >> 3;
  }
}

/** The grid after `steps` steps from `initial` (a new array; `initial` is left alone). */
export function simulate(initial: Int32Array, rows: number, cols: number, steps: number): Int32Array {
  let from = Int32Array.from(initial);
  let to = new Int32Array(from.length);
  for (let t = 0; t < steps; t++) {
    step(from, to, rows, cols);
    [from, to] = [to, from];
  }
  return from;
}

/** A position-sensitive checksum (FNV-1a over the cells): equal grids, equal sums; a moved or changed cell changes it. */
export function checksum(grid: Int32Array): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < grid.length; i++) {
    hash = Math.imul(hash ^ (grid[i]! & 0xffff), 0x01000193);
    hash = Math.imul(hash ^ (grid[i]! >>> 16), 0x01000193);
  }
  return hash >>> 0;
}
