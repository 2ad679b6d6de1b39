/**
 * Notebooks as the grader and publisher read them: nbformat 4, checked at the
 * edge so that everything after can trust the shape. A malformed notebook gets
 * an error that says where it is wrong; nothing is guessed or silently dropped.
 */
import { readFileSync } from "node:fs";
import { GraderError } from "./errors.js";

export type CellType = "code" | "markdown" | "raw";

export interface NotebookCell {
  id?: string;
  cell_type: CellType;
  source: string;
  metadata: Record<string, unknown>;
  outputs?: Array<Record<string, unknown>>;
  execution_count?: number | null;
}

export interface Notebook {
  nbformat: 4;
  nbformat_minor: number;
  metadata: Record<string, unknown> & { kernelspec?: { name: string; display_name?: string; language?: string } };
  cells: NotebookCell[];
}

const CELL_TYPES = new Set<string>(["code", "markdown", "raw"]);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** nbformat stores multi-line text either as one string or as a list of lines. */
function joinSource(source: unknown, where: string): string {
  if (typeof source === "string") return source;
  if (Array.isArray(source) && source.every((line) => typeof line === "string")) return source.join("");
  throw new GraderError("malformed-notebook", `${where}: source must be a string or a list of strings`);
}

export function parseNotebook(text: string, origin = "notebook"): Notebook {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (cause) {
    throw new GraderError("malformed-notebook", `${origin} is not valid JSON (${(cause as Error).message})`, { cause });
  }
  if (!isObject(raw)) throw new GraderError("malformed-notebook", `${origin}: expected a JSON object at the top`);
  if (raw.nbformat !== 4) {
    throw new GraderError("malformed-notebook", `${origin}: expected nbformat 4, got ${JSON.stringify(raw.nbformat)}`);
  }
  if (!Array.isArray(raw.cells)) throw new GraderError("malformed-notebook", `${origin}: "cells" must be a list`);
  const metadata = isObject(raw.metadata) ? raw.metadata : {};
  const cells = raw.cells.map((cell, index): NotebookCell => {
    const where = `${origin}, cell ${index + 1}`;
    if (!isObject(cell)) throw new GraderError("malformed-notebook", `${where}: expected an object`);
    if (typeof cell.cell_type !== "string" || !CELL_TYPES.has(cell.cell_type)) {
      throw new GraderError("malformed-notebook", `${where}: cell_type must be code, markdown or raw, got ${JSON.stringify(cell.cell_type)}`);
    }
    const parsed: NotebookCell = {
      cell_type: cell.cell_type as CellType,
      source: joinSource(cell.source ?? "", where),
      metadata: isObject(cell.metadata) ? cell.metadata : {},
    };
    if (typeof cell.id === "string") parsed.id = cell.id;
    if (cell.cell_type === "code") {
      if (cell.outputs !== undefined && !Array.isArray(cell.outputs)) {
        throw new GraderError("malformed-notebook", `${where}: outputs must be a list`);
      }
      parsed.outputs = (cell.outputs as Array<Record<string, unknown>> | undefined) ?? [];
      parsed.execution_count = typeof cell.execution_count === "number" ? cell.execution_count : null;
    }
    return parsed;
  });
  return {
    nbformat: 4,
    nbformat_minor: typeof raw.nbformat_minor === "number" ? raw.nbformat_minor : 0,
    metadata: metadata as Notebook["metadata"],
    cells,
  };
}

export function readNotebook(path: string): Notebook {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (cause) {
    throw new GraderError("unreadable-file", `cannot read ${path}: ${(cause as Error).message}`, { cause });
  }
  return parseNotebook(text, path);
}
