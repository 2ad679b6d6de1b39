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
/** A countdown in the cell's wrapper, so the shared flag is read once per 128 iterations. */
export const LOOP_TICKS = "__pardisLoopTicks";
/** Declared on the wrapper's first line, before the cell. */
export const LOOP_GUARD_PRELUDE = `let ${LOOP_TICKS} = 0;`;
/**
 * What starts each loop body. Reading the flag on every iteration made the
 * tightest loops 10x slower; a local countdown costs about 1.1x on realistic
 * bodies and still stops a loop whose body takes a millisecond within ~0.1 s.
 */
export const LOOP_GUARD_STATEMENT = `if (--${LOOP_TICKS} < 0) { ${LOOP_TICKS} = 127; ${LOOP_GUARD}(); }`;

export function insertLoopGuards(ts: typeof TypeScript, js: string, guard: string = LOOP_GUARD_STATEMENT): string {
  const file = ts.createSourceFile("cell.js", js, ts.ScriptTarget.Latest, false, ts.ScriptKind.JS);
  const inserts: Array<{ at: number; text: string }> = [];
  const visit = (node: TypeScript.Node): void => {
    if (ts.isIterationStatement(node, false)) {
      const body = node.statement;
      if (ts.isBlock(body)) {
        inserts.push({ at: body.getStart(file) + 1, text: guard });
      } else {
        // Both braces of nested brace-less loops are identical strings, so their
        // order at a shared position does not matter.
        inserts.push({ at: body.getStart(file), text: `{${guard}` }, { at: body.end, text: "}" });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
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
