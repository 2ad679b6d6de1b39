/**
 * What interruptibility costs: the same loops with and without the kernel's loop
 * guards (kernel/ts/loop-guard.ts), compiled the way cells are. vitest prints the
 * ratio between the two variants of each loop ("x times faster").
 */
import ts from "typescript";
import { bench, describe } from "vitest";
import { LOOP_GUARD, LOOP_GUARD_PRELUDE, insertLoopGuards } from "../../kernel/ts/loop-guard.js";

const flag = new Int32Array(new SharedArrayBuffer(4));
const guard = () => {
  if (Atomics.load(flag, 0) !== 0) throw new Error("interrupted");
};

function compile(body: string, guarded: boolean): (n: number) => number {
  const code = guarded ? insertLoopGuards(ts, body) : body;
  const prelude = guarded ? LOOP_GUARD_PRELUDE : "";
  return new Function(LOOP_GUARD, `${prelude} return function (n) { ${code} };`)(guard) as (n: number) => number;
}

const LOOPS = {
  "tight arithmetic loop": "let s = 0; for (let i = 0; i < n; i++) { s += i % 7; } return s;",
  "Monte Carlo pi": `let inside = 0, x = 12345;
    for (let i = 0; i < n; i++) {
      x = (x * 1103515245 + 12345) & 0x7fffffff; const a = x / 0x7fffffff;
      x = (x * 1103515245 + 12345) & 0x7fffffff; const b = x / 0x7fffffff;
      if (a * a + b * b < 1) inside++;
    }
    return inside;`,
  "nested loops over an array": `const xs = Array.from({ length: 1000 }, (_, i) => i); let s = 0;
    for (let r = 0; r < n / 1000; r++) for (const x of xs) s += x & r;
    return s;`,
};

for (const [name, body] of Object.entries(LOOPS)) {
  describe(name, () => {
    const plain = compile(body, false);
    const guarded = compile(body, true);
    bench("without guards (baseline)", () => void plain(1_000_000));
    bench("with loop guards", () => void guarded(1_000_000));
  });
}
