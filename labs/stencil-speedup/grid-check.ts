/**
 * Grader side: compares the cells a run left with the grid the sequential
 * model computes, and says where they differ in terms a learner can act on
 * (which rows, cells never written, ghost rows read before they were posted).
 */
import type { JsonValue } from "../../grader/lab/types.js";
import { initialGrid, simulate, UNPOSTED, UNWRITTEN } from "./exercise/model.js";
import type { GridRun } from "./exercise/params.js";

export type GridCheck =
  | { readonly ok: true }
  | { readonly ok: false; readonly message: string; readonly details: string; readonly figure?: JsonValue };

/** Row numbers as ranges: [3,4,5,9] → "3-5, 9". */
function ranges(rows: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < rows.length; ) {
    let j = i;
    while (j + 1 < rows.length && rows[j + 1] === rows[j]! + 1) j++;
    parts.push(i === j ? `${rows[i]}` : `${rows[i]}-${rows[j]}`);
    i = j + 1;
  }
  return parts.join(", ");
}

/** The grid an observation carries, if it is one: `rows × cols` integers. Anything else is not evidence. */
export function gridValues(value: unknown, cells: number): Int32Array | undefined {
  if (!Array.isArray(value) || value.length !== cells) return undefined;
  if (!value.every((cell) => typeof cell === "number" && Number.isInteger(cell) && Math.abs(cell) < 2 ** 31)) return undefined;
  return Int32Array.from(value as number[]);
}

/** Which rows each worker owns under an even split (what the reference does; any split covering each row once is fine). */
export function evenSplit(rows: number, workers: number): string {
  const sizes = Array.from({ length: workers }, (_, id) => Math.floor(((id + 1) * rows) / workers) - Math.floor((id * rows) / workers));
  return sizes.join(" + ");
}

export function checkGrid(run: GridRun, workers: number, actual: Int32Array): GridCheck {
  const { rows, cols, steps } = run;
  const expected = simulate(initialGrid(rows, cols, run.seed), rows, cols, steps);
  const wrongRows: number[] = [];
  const unwrittenRows: number[] = [];
  let wrong = 0;
  let first: { row: number; col: number } | undefined;
  let unposted = false;
  for (let r = 0; r < rows; r++) {
    let rowWrong = false;
    let rowUnwritten = true;
    for (let c = 0; c < cols; c++) {
      const i = r * cols + c;
      if (actual[i] !== UNWRITTEN) rowUnwritten = false;
      if (actual[i] === expected[i]) continue;
      wrong++;
      rowWrong = true;
      first ??= { row: r, col: c };
      // A ghost row read before it was posted starts at UNPOSTED; after s steps of averaging it is still far above any real temperature (≤ 4000).
      if (actual[i]! > 8000) unposted = true;
    }
    if (rowWrong) wrongRows.push(r);
    if (rowUnwritten) unwrittenRows.push(r);
  }
  if (wrong === 0) return { ok: true };
  const { row, col } = first!;
  const where = `row ${row}, column ${col}: expected ${expected[row * cols + col]}, got ${actual[row * cols + col]}`;
  const hints: string[] = [];
  if (unwrittenRows.length > 0) {
    hints.push(
      `Rows ${ranges(unwrittenRows)} were never written to ctx.result: no band covered them. With ${rows} rows and ${workers} workers the bands must cover every row once (an even split: ${evenSplit(rows, workers)} rows).`,
    );
  }
  if (unposted) {
    hints.push(
      `Some cells are far hotter than any cell can get (mailboxes start at ${UNPOSTED} before a run): a ghost row was read from a mailbox before its neighbour posted the row. Post, then barrier(), then read.`,
    );
  }
  if (hints.length === 0) {
    hints.push("Check the ghost rows: every step, each worker needs its neighbours' rows of that same step (the halo exchange), and the rows wrap around (row 0's upper neighbour is the last row).");
  }
  const details = [
    `${rows} × ${cols} grid, ${steps} steps, ${workers} worker${workers === 1 ? "" : "s"}, seed ${run.seed}${run.staggerMs ? `, worker w started w × ${run.staggerMs} ms late` : ""}.`,
    `${wrong} of ${rows * cols} cells differ from the sequential result, in rows ${ranges(wrongRows)}.`,
    `First difference: ${where}.`,
    ...hints,
  ].join("\n");
  const figure = {
    data: [
      {
        type: "heatmap",
        z: Array.from({ length: rows }, (_, r) => Array.from({ length: cols }, (_, c) => (actual[r * cols + c] === expected[r * cols + c] ? 0 : 1))),
        colorscale: [
          [0, "#e8f0e8"],
          [1, "#c0392b"],
        ],
        showscale: false,
      },
    ],
    layout: { title: { text: "cells that differ from the sequential result (red)" }, yaxis: { autorange: "reversed", title: { text: "row" } }, xaxis: { title: { text: "column" } } },
  } as JsonValue;
  const causes = [
    ...(unwrittenRows.length > 0 ? [`rows ${ranges(unwrittenRows)} never written`] : []),
    ...(unposted ? ["ghost rows read before their neighbour posted them"] : []),
  ];
  return { ok: false, message: `wrong grid: ${wrong} of ${rows * cols} cells differ${causes.length ? ` (${causes.join("; ")})` : ""}, first at ${where}`, details, figure };
}
