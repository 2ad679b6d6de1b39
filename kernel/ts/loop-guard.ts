/**
 * Makes every loop in a cell interruptible. A spinning `while (true) {}` never
 * returns to the event loop, so no message can reach it; instead each loop body
 * starts with a guard that throws once the kernel has been asked to interrupt.
 * The guard reads one word of shared memory every 128 iterations and works at
 * any depth: in the cell itself, after an await, in a timer callback.
 *
 * Why not V8's TerminateExecution through the inspector: terminating JavaScript
 * that runs inside a timer, immediate or promise callback leaves Node's async
 * context stack unbalanced, and Node aborts the whole process ("async hook stack
 * has become corrupted"). A guard unwinds with an ordinary exception instead.
 *
 * Insertions never add a line break, so the cell's source map stays valid.
 */
import type TypeScript from "typescript";

/** The guard's name inside a cell: a parameter of the function each cell is wrapped in. */
export const LOOP_GUARD = "__pardisLoopGuard";
/** A countdown, so the shared flag is read once per 128 iterations. */
export const LOOP_TICKS = "__pardisLoopTicks";
/** Declared on the wrapper's first line, for the loops at the top level of a cell. */
export const LOOP_GUARD_PRELUDE = `let ${LOOP_TICKS} = 0;`;
/**
 * What starts each loop body. Reading the flag on every iteration made the
 * tightest loops 10x slower. The countdown is a `var` of the function that holds
 * the loop, so it lives in a register rather than a closure slot: loops with real
 * work in their bodies run about 1.1x slower, trivial bodies up to 2x
 * (`npm run bench`, tests/bench/loop-guard.bench.ts).
 */
export const LOOP_GUARD_STATEMENT = `if (--${LOOP_TICKS} < 0) { ${LOOP_TICKS} = 127; ${LOOP_GUARD}(); }`;
const COUNTDOWN_DECLARATION = `var ${LOOP_TICKS} = 0;`;

type FunctionBody = TypeScript.Block;

export function insertLoopGuards(ts: typeof TypeScript, js: string, guard: string = LOOP_GUARD_STATEMENT): string {
  const file = ts.createSourceFile("cell.js", js, ts.ScriptTarget.Latest, false, ts.ScriptKind.JS);
  const inserts: Array<{ at: number; text: string }> = [];
  const bodiesWithLoops = new Set<FunctionBody>();
  const visit = (node: TypeScript.Node, enclosing: FunctionBody | undefined): void => {
    if (ts.isIterationStatement(node, false)) {
      if (enclosing) bodiesWithLoops.add(enclosing);
      const body = node.statement;
      if (ts.isBlock(body)) {
        inserts.push({ at: body.getStart(file) + 1, text: guard });
      } else {
        // Both braces of nested brace-less loops are identical strings, so their
        // order at a shared position does not matter.
        inserts.push({ at: body.getStart(file), text: `{${guard}` }, { at: body.end, text: "}" });
      }
    }
    const body = ts.isFunctionLike(node) && "body" in node && node.body && ts.isBlock(node.body as TypeScript.Node) ? (node.body as FunctionBody) : undefined;
    const isStaticBlock = ts.isClassStaticBlockDeclaration(node);
    ts.forEachChild(node, (child) => visit(child, body ?? (isStaticBlock ? node.body : enclosing)));
  };
  visit(file, undefined);
  for (const body of bodiesWithLoops) {
    // After the directive prologue, so "use strict" stays a directive.
    const first = body.statements.find((s) => !(ts.isExpressionStatement(s) && ts.isStringLiteral(s.expression)));
    inserts.push({ at: first ? first.getStart(file) : body.end - 1, text: COUNTDOWN_DECLARATION });
  }
  if (inserts.length === 0) return js;
  inserts.sort((a, b) => a.at - b.at);
  let out = "";
  let from = 0;
  for (const insert of inserts) {
    out += js.slice(from, insert.at) + insert.text;
    from = insert.at;
  }
  return out + js.slice(from);
}
