import { createRequire } from "node:module";
import type TypeScript from "typescript";
import { dirname } from "node:path";
import type { CompleteResult, InspectResult, IsCompleteResult } from "../interpreter.js";
import { insertLoopGuards } from "./loop-guard.js";
import { expandShorthandProperties } from "./shorthand.js";
import { installTypeScriptHooks, type HookedTypeScript } from "./typescript-hooks.js";

/** One cell, compiled and checked, ready to evaluate. */
export interface CompiledCell {
  js: string;
  hasTopLevelAwait: boolean;
  lastExpressionVar?: string;
  /** Zero-based generated line → one-based cell line. */
  cellLineOf(generatedLine: number): number | undefined;
  /** The declarations to carry into the next cell once this one has run. */
  declarations: string;
}

export interface CellDiagnostic {
  line: number;
  column: number;
  message: string;
  code: number;
}

export type CompileOutcome = { ok: true; cell: CompiledCell } | { ok: false; diagnostics: CellDiagnostic[] };

/** Lines tslab puts before the cell ("export {};") so that a cell is a module. */
const PREFIX_LINES = 1;

/**
 * Globals every cell sees. They are declarations of the first "previous cell", so
 * tslab rewrites their uses to the shared exports object, where the evaluator puts them.
 */
export const PRELUDE = `
declare function input(prompt?: string, options?: { password?: boolean }): Promise<string>;
declare const display: import("pardis/display").Display;
`;

interface TslabConverter {
  convert(prevDecl: string, src: string): {
    output?: string;
    declOutput?: string;
    diagnostics: Array<{ start: { line: number; character: number }; messageText: string; code: number; fileName?: string }>;
    lastExpressionVar?: string;
    hasToplevelAwait?: boolean;
  };
  inspect(prevDecl: string, src: string, position: number): any;
  complete(prevDecl: string, src: string, position: number): { start: number; end: number; candidates: string[]; original?: any };
  close(): void;
}

/**
 * Type-checks and converts cells with tslab's converter, the cell before carrying
 * its declarations into the next. Only this folder knows about TypeScript.
 */
export class CellCompiler {
  readonly #converter: TslabConverter;
  readonly #hooks: HookedTypeScript;
  readonly #isCompleteCode: (code: string) => { completed: boolean; indent?: string };
  readonly #parseErrorCount: (code: string) => number;
  readonly #ts: typeof TypeScript;
  #declarations = PRELUDE;

  constructor(pardisRoot: string) {
    const require = createRequire(import.meta.url);
    const tslabDir = dirname(require.resolve("tslab/package.json"));
    this.#hooks = installTypeScriptHooks(tslabDir, pardisRoot);
    const converter = require("tslab/dist/converter") as {
      createConverter(): TslabConverter;
      isCompleteCode(code: string): { completed: boolean; indent?: string };
    };
    this.#converter = converter.createConverter();
    const ts = createRequire(require.resolve("tslab/package.json"))("@tslab/typescript-for-tslab");
    this.#ts = ts;
    this.#parseErrorCount = (code) =>
      ts.createSourceFile("cell.ts", code, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS).parseDiagnostics?.length ?? 0;
    this.#isCompleteCode = converter.isCompleteCode;
  }

  compile(source: string): CompileOutcome {
    const result = this.#converter.convert(this.#declarations, expandShorthandProperties(this.#ts, source));
    const lineTable = this.#hooks.takeLastLineTable();
    if (result.diagnostics.length > 0) {
      return {
        ok: false,
        diagnostics: result.diagnostics.map((d) => ({
          line: d.start.line + 1,
          column: d.start.character + 1,
          message: d.fileName ? `${d.fileName}: ${d.messageText}` : d.messageText,
          code: d.code,
        })),
      };
    }
    const js = insertLoopGuards(this.#ts, result.output ?? "");
    return {
      ok: true,
      cell: {
        js,
        hasTopLevelAwait: result.hasToplevelAwait === true,
        ...(result.lastExpressionVar ? { lastExpressionVar: result.lastExpressionVar } : {}),
        declarations: result.declOutput ?? this.#declarations,
        cellLineOf(generatedLine) {
          if (!lineTable) return undefined;
          // A line with no mapping (emitted helpers) takes the nearest mapped line above it.
          for (let line = Math.min(generatedLine, lineTable.length - 1); line >= 0; line--) {
            const source = lineTable[line];
            if (source !== undefined) return Math.max(1, source - PREFIX_LINES + 1);
          }
          return undefined;
        },
      },
    };
  }

  /** Called after a cell ran, so later cells see what it declared. */
  commit(cell: CompiledCell): void {
    this.#declarations = cell.declarations;
  }

  reset(): void {
    this.#declarations = PRELUDE;
  }

  complete(code: string, cursorPos: number): CompleteResult {
    const info = this.#converter.complete(this.#declarations, code, cursorPos);
    return { matches: info.candidates, cursor_start: info.start, cursor_end: info.end, metadata: {} };
  }

  inspect(code: string, cursorPos: number): InspectResult {
    const info = this.#converter.inspect(this.#declarations, code, cursorPos);
    if (!info) return { found: false, data: {}, metadata: {} };
    const signature = (info.displayParts ?? []).map((part: { text: string }) => part.text).join("");
    const docs = (info.documentation ?? []).map((part: { text: string }) => part.text).join("");
    const tags = (info.tags ?? [])
      .map((tag: { name: string; text?: Array<{ text: string }> }) => `@${tag.name} ${(tag.text ?? []).map((t) => t.text).join("")}`)
      .join("\n");
    const text = [signature, docs, tags].filter(Boolean).join("\n\n");
    return {
      found: true,
      data: { "text/plain": text, "text/markdown": ["```typescript", signature, "```", docs, tags].filter(Boolean).join("\n") },
      metadata: {},
    };
  }

  /** Incomplete when the parser only wants more text at the end; invalid when it fails earlier. */
  isComplete(code: string): IsCompleteResult {
    const result = this.#isCompleteCode(code);
    if (!result.completed) return { status: "incomplete", indent: result.indent ?? "" };
    return this.#parseErrorCount(code) > 0 ? { status: "invalid" } : { status: "complete" };
  }

  close(): void {
    this.#converter.close();
  }
}
