import type { ErrorContent } from "../protocol/index.js";
import type { CellDiagnostic } from "./compile.js";

const RED = "\u001b[0;31m";
const CYAN = "\u001b[0;36m";
const RESET = "\u001b[0m";

/** Cell file names as the evaluator gives them to V8: `cell[7]` for In[7]. */
export function cellFileName(executionCount: number): string {
  return `cell[${executionCount}]`;
}

const FRAME = /\bcell\[(\d+)\]:(\d+):(\d+)/;

export type CellLineLookup = (file: string, generatedLine: number) => number | undefined;

/**
 * Error → Jupyter error content. Frames in cells are rewritten to cell lines;
 * frames inside the kernel itself are dropped because they only confuse a learner.
 * ANSI colour is allowed in tracebacks (frontends render it), never in text/plain.
 */
export function errorContent(error: unknown, lookup: CellLineLookup): ErrorContent {
  if (!(error instanceof Error)) {
    const evalue = typeof error === "string" ? error : JSON.stringify(error) ?? String(error);
    return { ename: "Thrown", evalue, traceback: [`${RED}Uncaught${RESET} ${evalue}`] };
  }
  const ename = error.name || "Error";
  const evalue = error.message;
  return { ename, evalue, traceback: [`${RED}${ename}${RESET}: ${evalue}`, ...cellFrames(error.stack ?? "", lookup)] };
}

/**
 * The frames of a stack a learner should read: cell frames rewritten to cell
 * lines, library frames kept, and the kernel's own frames (everything below the
 * outermost cell frame, and the kernel's files) dropped.
 */
export function cellFrames(stack: string, lookup: CellLineLookup): string[] {
  const frames = stack.split("\n").filter((line) => /^\s+at /.test(line));
  const outermostCell = frames.findLastIndex((line) => FRAME.test(line));
  return (outermostCell >= 0 ? frames.slice(0, outermostCell + 1) : frames)
    .filter((line) => !/\/kernel\/(ts|executor)\/|node:internal|node:async_hooks|\(vm\.js|node:vm/.test(line))
    .map((line) =>
      line.replace(FRAME, (_match, count: string, line: string, column: string) => {
        const cellLine = lookup(`cell[${count}]`, Number(line) - 1);
        return cellLine === undefined ? `cell ${count}, line ?:${column}` : `${CYAN}cell ${count}, line ${cellLine}${RESET}`;
      }),
    );
}

/** A whole stack as plain text for stderr (no colour: stderr is shown as is). */
export function plainStack(error: unknown, lookup: CellLineLookup): string {
  if (!(error instanceof Error)) return String(error);
  // eslint-disable-next-line no-control-regex
  const frames = cellFrames(error.stack ?? "", lookup).map((line) => line.replace(/\u001b\[[0-9;]*m/g, ""));
  return [`${error.name}: ${error.message}`, ...frames].join("\n");
}

export function diagnosticsContent(executionCount: number, diagnostics: CellDiagnostic[]): ErrorContent {
  const lines = diagnostics.map(
    (d) => `${CYAN}cell ${executionCount}, line ${d.line}:${d.column}${RESET} - ${RED}error TS${d.code}${RESET}: ${d.message}`,
  );
  const first = diagnostics[0]!;
  return {
    ename: "TypeScriptError",
    evalue: `line ${first.line}:${first.column} - ${first.message}${diagnostics.length > 1 ? ` (and ${diagnostics.length - 1} more)` : ""}`,
    traceback: lines,
  };
}
