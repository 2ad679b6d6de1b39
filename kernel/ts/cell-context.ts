import { AsyncLocalStorage } from "node:async_hooks";
import type { Header } from "../protocol/index.js";

/**
 * Which cell an output belongs to. Every callback a cell schedules (timers,
 * promises, worker and child-process output) inherits the cell's context, so its
 * output lands under the cell that started it, even after that cell finished.
 */
export interface CellContext {
  parent: Header;
  executionCount: number;
}

export const cellContext = new AsyncLocalStorage<CellContext>();

let lastCell: CellContext | undefined;

export function enterCell(context: CellContext): void {
  lastCell = context;
}

/** The cell to attribute output to: the async context if any, else the most recent cell. */
export function currentCell(): CellContext | undefined {
  return cellContext.getStore() ?? lastCell;
}
