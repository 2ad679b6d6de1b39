/**
 * Writes every shorthand property of a cell out in full (`{ a }` becomes
 * `{ a: a }`) before tslab converts it. tslab turns a use of an earlier
 * cell's variable into a read of the shared exports object, but misses the
 * shorthand form, so `{ a }` with `a` from an earlier cell was a
 * ReferenceError at run time. The long form means the same thing everywhere
 * (object literals, destructuring assignments, with a default), so every
 * shorthand is expanded, not only those naming earlier cells' variables.
 * Insertions stay on their line, so error positions keep their lines.
 */
import type TypeScript from "typescript";

export function expandShorthandProperties(ts: typeof TypeScript, source: string): string {
  if (!source.includes("{")) return source;
  const file = ts.createSourceFile("cell.ts", source, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const inserts: Array<{ at: number; text: string }> = [];
  const visit = (node: TypeScript.Node): void => {
    if (ts.isShorthandPropertyAssignment(node)) inserts.push({ at: node.name.end, text: `: ${node.name.text}` });
    ts.forEachChild(node, visit);
  };
  visit(file);
  if (inserts.length === 0) return source;
  let out = source;
  for (const { at, text } of inserts.sort((a, b) => b.at - a.at)) out = out.slice(0, at) + text + out.slice(at);
  return out;
}
