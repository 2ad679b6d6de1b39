/**
 * The regions an instructor marks in a notebook cell, found line by line:
 * `// BEGIN SOLUTION` ... `// END SOLUTION` (replaced by a stub for learners)
 * and `// BEGIN HIDDEN TESTS` ... `// END HIDDEN TESTS` (removed). Markdown
 * cells may hide instructor notes in `<!-- BEGIN SOLUTION -->` ...
 * `<!-- END SOLUTION -->`. Anything that looks like a marker but is not one
 * exactly is refused: a typo must never publish a solution.
 */
import { GraderError, type GraderErrorCode } from "../errors.js";

export type RegionKind = "solution" | "hidden-tests";

export interface Region {
  readonly kind: RegionKind;
  /** 0-based line of the BEGIN marker in the cell. */
  readonly begin: number;
  /** 0-based line of the END marker in the cell. */
  readonly end: number;
  /** The BEGIN marker's leading whitespace: the stub goes at the same depth. */
  readonly indent: string;
}

/** A refused marker, with where it is (1-based cell and line numbers, as an editor shows them). */
export class MarkerError extends GraderError {
  constructor(
    code: GraderErrorCode,
    readonly cell: number,
    readonly line: number,
    message: string,
  ) {
    super(code, `cell ${cell}, line ${line}: ${message}`);
  }
}

const KIND_NAMES: Record<string, RegionKind> = { SOLUTION: "solution", "HIDDEN TESTS": "hidden-tests" };
const CODE_MARKER = /^(\s*)\/\/ *(BEGIN|END) (SOLUTION|HIDDEN TESTS)\s*$/;
const MARKDOWN_MARKER = /^(\s*)<!-- *(BEGIN|END) (SOLUTION) *-->\s*$/;
/** Anything resembling a marker; whatever matches this but not the exact form above is a mistake. */
const LOOKS_LIKE_MARKER = /\b(BEGIN|END)[ _]+(SOLUTION|HIDDEN[ _]+TEST)/i;

export type CellKind = "code" | "markdown" | "raw";

/**
 * Regions of one cell's lines. `cell` is the 1-based cell number, for messages.
 * Code cells hold `//` markers; markdown cells only the HTML-comment solution
 * form (a `//` marker there is refused: it would be shown, not replaced).
 */
export function findRegions(lines: readonly string[], kind: CellKind, cell: number): Region[] {
  const regions: Region[] = [];
  let open: { kind: RegionKind; begin: number; indent: string; name: string } | undefined;
  lines.forEach((line, index) => {
    const lineNumber = index + 1;
    const codeMatch = CODE_MARKER.exec(line);
    const markdownMatch = MARKDOWN_MARKER.exec(line);
    const match = kind === "code" ? codeMatch : kind === "markdown" ? markdownMatch : null;
    if (!match) {
      if (codeMatch) {
        throw new MarkerError("misplaced-marker", cell, lineNumber, `\`${line.trim()}\` in a ${kind} cell: solution and hidden-test markers belong in code cells${kind === "markdown" ? " (a markdown cell hides instructor notes with <!-- BEGIN SOLUTION --> ... <!-- END SOLUTION -->)" : ""}`);
      }
      // Inline mentions in prose (`// BEGIN SOLUTION` in backticks) are documentation, not markers.
      const prose = kind === "markdown" && /`[^`]*(BEGIN|END)[^`]*`/.test(line);
      if (LOOKS_LIKE_MARKER.test(line) && !prose) {
        const expected = kind === "markdown" ? "<!-- BEGIN SOLUTION --> alone on its line" : "`// BEGIN SOLUTION` (or END, or HIDDEN TESTS) alone on its line";
        throw new MarkerError("misplaced-marker", cell, lineNumber, `\`${line.trim()}\` looks like a marker but is not one; write ${expected}`);
      }
      return;
    }
    const [, indent = "", edge, name = ""] = match;
    const regionKind = KIND_NAMES[name]!;
    if (edge === "BEGIN") {
      if (open) {
        throw new MarkerError("nested-marker", cell, lineNumber, `${name} opened inside the ${open.name} region that starts on line ${open.begin + 1}; regions cannot nest`);
      }
      open = { kind: regionKind, begin: index, indent, name };
      return;
    }
    if (!open) throw new MarkerError("unbalanced-marker", cell, lineNumber, `END ${name} without a BEGIN ${name} before it`);
    if (open.kind !== regionKind) {
      throw new MarkerError("unbalanced-marker", cell, lineNumber, `END ${name} closes the ${open.name} region opened on line ${open.begin + 1}`);
    }
    regions.push({ kind: open.kind, begin: open.begin, end: index, indent: open.indent });
    open = undefined;
  });
  if (open) throw new MarkerError("unbalanced-marker", cell, open.begin + 1, `BEGIN ${open.name} is never closed (no END ${open.name} in the cell)`);
  return regions;
}
