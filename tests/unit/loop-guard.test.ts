import ts from "typescript";
import vm from "node:vm";
import { describe, expect, test } from "vitest";
import { LOOP_GUARD, LOOP_GUARD_PRELUDE, insertLoopGuards } from "../../kernel/ts/loop-guard.js";

class Stop extends Error {}

/** Runs guarded code whose guard throws after `budget` iterations, as an interrupt would. */
function runGuarded(code: string, budget: number): { stoppedAfter: number | undefined; result: unknown } {
  let calls = 0;
  const guard = () => {
    if (++calls > budget) throw new Stop();
  };
  const guarded = insertLoopGuards(ts, code, "guard();");
  try {
    // The timeout only turns a missing guard into a failure instead of a hang.
    const result = vm.runInNewContext(guarded, { guard }, { timeout: 5_000 });
    return { stoppedAfter: undefined, result };
  } catch (error) {
    if (error instanceof Stop) return { stoppedAfter: calls - 1, result: undefined };
    throw error;
  }
}

describe("loop guards", () => {
  test.each([
    ["while", "while (true) {}"],
    ["do-while", "do {} while (true)"],
    ["for", "for (;;) {}"],
    ["brace-less while", "while (true) ;"],
    ["nested brace-less loops", "while (true) for (;;) ;"],
    ["labelled loop with continue", "outer: for (;;) { for (;;) continue outer; }"],
    ["for-of over an endless generator", "function* g() { for (let i = 0; ; i++) yield i; } for (const x of g()) {}"],
    ["loop inside a callback", "[1].forEach(() => { while (true) {} })"],
  ])("stop an endless %s", (_kind, code) => {
    expect(runGuarded(code, 1000).stoppedAfter).toBe(1000);
  });

  test("finite loops compute the same result", () => {
    const code = "let sum = 0; for (let i = 0; i < 10; i++) { if (i % 2) continue; sum += i; } for (const k in { a: 1, b: 2 }) sum += k.length; sum";
    expect(runGuarded(code, Infinity).result).toBe(22);
  });

  test("no line break is added, so source-map lines stay valid", () => {
    const code = "let i = 0;\nwhile (i < 3)\n  i++;\nfor (;;) {\n  break;\n}\n";
    const guarded = insertLoopGuards(ts, code, "guard();");
    expect(guarded.split("\n").length).toBe(code.split("\n").length);
    expect(guarded.split("\n")[3]).toBe("for (;;) {guard();");
  });

  test("code without loops is returned unchanged", () => {
    expect(insertLoopGuards(ts, "const a = 1; a + 1", "guard();")).toBe("const a = 1; a + 1");
  });

  test("the kernel's guard statement reads the flag once per 128 iterations", () => {
    let reads = 0;
    const context = {
      [LOOP_GUARD]: () => {
        if (++reads === 3) throw new Stop();
      },
      iterations: 0,
    };
    const guarded = LOOP_GUARD_PRELUDE + insertLoopGuards(ts, "while (true) iterations++;");
    expect(() => vm.runInNewContext(guarded, context, { timeout: 5_000 })).toThrow(Stop);
    // The first read comes at once, then one per 128 iterations.
    expect(context.iterations).toBe(2 * 128);
  });

  test("loops inside functions get their own countdown and stay interruptible", () => {
    let reads = 0;
    const context = {
      [LOOP_GUARD]: () => {
        if (++reads === 2) throw new Stop();
      },
      iterations: 0,
    };
    const code = 'function spin() { "use strict"; while (true) iterations++; } spin();';
    const guarded = insertLoopGuards(ts, code);
    // The directive stays first, so strict functions stay strict.
    expect(guarded).toMatch(/^function spin\(\) \{ "use strict"; var /);
    expect(() => vm.runInNewContext(LOOP_GUARD_PRELUDE + guarded, context, { timeout: 5_000 })).toThrow(Stop);
    expect(context.iterations).toBe(128);
  });
});
