/**
 * What a learner's answer to the stencil-speedup lab implements. Types only:
 * an answer may `import type` from here (type imports vanish when it is
 * compiled); everything it needs arrives in the context.
 *
 * The grid is a torus of `rows × cols` integer temperatures (row 0 sits below
 * row `rows - 1`, column 0 right of column `cols - 1`). One step replaces every
 * cell by a weighted average of itself and its four neighbours, in integers:
 *
 *     next = (4·here + above + below + left + right) >> 3
 *
 * Each worker owns a horizontal band of rows and keeps it in memory only it
 * touches (its own Int32Array with one ghost row above and one below). The
 * only shared memory between workers are the halo mailboxes: before every
 * step a worker posts its first row to the worker above and its last row to
 * the worker below, waits at the barrier, and copies what its neighbours
 * posted into its ghost rows.
 */

/** One halo mailbox: a row of `cols` cells per step parity (step `t` uses `[t % 2]`), shared memory. */
export type HaloRows = readonly [Int32Array, Int32Array];

/** A worker's mailbox: where its neighbours post the rows its ghost rows need. */
export interface Mailbox {
  /** The row just above this worker's band: the upper neighbour posts its last row here. */
  readonly above: HaloRows;
  /** The row just below this worker's band: the lower neighbour posts its first row here. */
  readonly below: HaloRows;
}

/** What `stencilWorker` gets, one per worker thread. */
export interface StencilContext {
  /** This worker, from 0 (the top band) to `workers - 1` (the bottom band). */
  readonly id: number;
  readonly workers: number;
  /** Size of the whole grid. Every worker gets at least one row (`rows >= workers`). */
  readonly rows: number;
  readonly cols: number;
  /** How many steps to run. */
  readonly steps: number;
  /** The whole grid before step 0, row after row (`initial[r * cols + c]`), shared: read your band from it, never write. */
  readonly initial: Int32Array;
  /** The whole grid after the last step, shared: write your band's rows here when you are done, nothing else. */
  readonly result: Int32Array;
  /** This worker's own mailbox (neighbours write it, you read it). */
  readonly inbox: Mailbox;
  /** The mailbox of the worker above (`id - 1`, and the bottom worker for worker 0): post your FIRST row to its `below`. */
  readonly up: Mailbox;
  /** The mailbox of the worker below (`id + 1`, and worker 0 for the bottom worker): post your LAST row to its `above`. */
  readonly down: Mailbox;
  /**
   * Returns once every worker has called it as many times as this one: a
   * write to a mailbox before the barrier is visible to every read after it.
   * Every worker must call it the same number of times, or the others wait
   * forever (the harness then stops the run and says so).
   */
  barrier(): void;
}

/** The learner's part: runs once in each worker thread, all of them at the same time. */
export type StencilWorker = (ctx: StencilContext) => void;
