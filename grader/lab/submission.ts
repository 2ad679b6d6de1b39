/**
 * A submission as the grader receives it (a notebook, a .ts file or a folder
 * holding one) turned into CommonJS JavaScript whose exports carry the names
 * the lab asks for. This runs in the trusted grader; the sandbox only ever
 * sees the resulting JavaScript.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { basename, extname, join } from "node:path";
import ts from "typescript";
import { GraderError } from "../errors.js";
import { parseNotebook } from "../notebook.js";
import type { SubmissionCode } from "./types.js";

/** The tag that marks a notebook cell as part of the learner's answer (kept on the stubs by `pardis publish`). */
export const ANSWER_TAG = "answer";

export interface SubmissionSource {
  /** TypeScript source of one module. */
  readonly ts: string;
  /** Shown in messages: the file, or the notebook and its answer cells. */
  readonly name: string;
  /** Whether the names come from top-level declarations (notebook cells) rather than `export`s. */
  readonly fromNotebook: boolean;
}

function cellTags(metadata: Record<string, unknown>): string[] {
  const tags = metadata.tags;
  return Array.isArray(tags) ? tags.filter((tag): tag is string => typeof tag === "string") : [];
}

/** The answer cells of a notebook, in order, as one TypeScript module. */
export function notebookAnswer(text: string, origin: string): SubmissionSource {
  const notebook = parseNotebook(text, origin);
  const answers = notebook.cells.filter((cell) => cell.cell_type === "code" && cellTags(cell.metadata).includes(ANSWER_TAG));
  if (answers.length === 0) {
    throw new GraderError("no-answer", `${origin} has no cell tagged "${ANSWER_TAG}"; the lab's answer cells carry that tag (do not remove it)`);
  }
  return { ts: answers.map((cell) => cell.source).join("\n\n"), name: `${basename(origin)} (answer cells)`, fromNotebook: true };
}

/** Reads a submission from a path: .ipynb, .ts, or a folder with exactly one of them. */
export function readSubmission(path: string): SubmissionSource {
  let stats;
  try {
    stats = statSync(path);
  } catch (cause) {
    throw new GraderError("unreadable-file", `cannot read ${path}: ${(cause as Error).message}`, { cause });
  }
  if (stats.isDirectory()) {
    const candidates = readdirSync(path).filter((file) => [".ipynb", ".ts"].includes(extname(file)) && !file.endsWith(".d.ts"));
    if (candidates.length !== 1) {
      throw new GraderError(
        "unreadable-file",
        `${path}: a submission folder must hold exactly one .ipynb or .ts file, found ${candidates.length ? candidates.join(", ") : "none"}`,
      );
    }
    return readSubmission(join(path, candidates[0]!));
  }
  const text = readFileSync(path, "utf8");
  if (extname(path) === ".ipynb") return notebookAnswer(text, path);
  if (extname(path) === ".ts") return { ts: text, name: basename(path), fromNotebook: false };
  throw new GraderError("unreadable-file", `${path}: expected a .ipynb notebook, a .ts file or a folder`);
}

/** Names declared at the top level of a module (functions, classes, variables). */
function topLevelNames(source: ts.SourceFile): Set<string> {
  const names = new Set<string>();
  for (const statement of source.statements) {
    if ((ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement)) && statement.name) names.add(statement.name.text);
    if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) {
        if (ts.isIdentifier(declaration.name)) names.add(declaration.name.text);
      }
    }
  }
  return names;
}

/** Names a module exports (`export function f`, `export { f }`, `export const f`). */
function exportedNames(source: ts.SourceFile): Set<string> {
  const names = new Set<string>();
  for (const statement of source.statements) {
    const modifiers = ts.canHaveModifiers(statement) ? ts.getModifiers(statement) : undefined;
    const exported = modifiers?.some((modifier) => modifier.kind === ts.SyntaxKind.ExportKeyword) ?? false;
    if (exported && (ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement)) && statement.name) names.add(statement.name.text);
    if (exported && ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) {
        if (ts.isIdentifier(declaration.name)) names.add(declaration.name.text);
      }
    }
    if (ts.isExportDeclaration(statement) && statement.exportClause && ts.isNamedExports(statement.exportClause)) {
      for (const element of statement.exportClause.elements) names.add(element.name.text);
    }
  }
  return names;
}

/**
 * Compiles the submission to CommonJS and checks that it provides every name
 * the lab needs. Type errors are not fatal (the learner's code is judged by
 * what it does); syntax errors are, with the line they are on.
 */
export function compileSubmission(source: SubmissionSource, required: readonly string[]): SubmissionCode {
  const parsed = ts.createSourceFile(source.name, source.ts, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const syntax = (parsed as unknown as { parseDiagnostics?: ts.Diagnostic[] }).parseDiagnostics ?? [];
  if (syntax.length > 0) {
    const first = syntax[0]!;
    const { line, character } = parsed.getLineAndCharacterOfPosition(first.start ?? 0);
    throw new GraderError(
      "submission-syntax",
      `${source.name}:${line + 1}:${character + 1}: ${ts.flattenDiagnosticMessageText(first.messageText, "\n")}`,
    );
  }
  const provided = source.fromNotebook ? topLevelNames(parsed) : exportedNames(parsed);
  const missing = required.filter((name) => !provided.has(name));
  if (missing.length > 0) {
    throw new GraderError(
      "missing-export",
      `${source.name} does not define ${missing.map((name) => `\`${name}\``).join(", ")}, which the lab needs${source.fromNotebook ? " (declare it at the top level of an answer cell)" : " (export it)"}`,
    );
  }
  const text = source.fromNotebook ? `${source.ts}\n;export { ${required.join(", ")} };\n` : source.ts;
  const output = ts.transpileModule(text, {
    fileName: source.name.replace(/[^\w.-]+/g, "_").replace(/(\.ts)?$/, ".ts"),
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, removeComments: false, esModuleInterop: false },
  });
  return { js: output.outputText, name: source.name };
}
