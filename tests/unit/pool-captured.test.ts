/**
 * Functions that use names from their surroundings cannot run in a worker,
 * which gets only their source text. The pool finds those names before it
 * ships anything and says which they are and how to pass them instead; names
 * the function declares itself, and the worker's globals, are fine.
 * Uses the built package (`npm run build` first).
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createPool, type Pool } from "../../dist/runtime/index.js";
import { CapturedVariablesError } from "../../dist/runtime/pool/index.js";
import { NODE_WORKER_GLOBAL_NAMES } from "../../dist/runtime/pool/worker-globals.js";

let pool: Pool;

beforeAll(() => {
  pool = createPool({ threads: 1 });
});
afterAll(() => pool?.close());

async function capturedNames(task: (arg: any) => unknown): Promise<readonly string[]> {
  try {
    await pool.run(task, 1);
  } catch (error) {
    if (error instanceof CapturedVariablesError) return error.names;
    throw error;
  }
  return [];
}

/** A function compiled from text, as another compiler (tslab in the kernel) would have emitted it. */
const compiled = (source: string) => new Function(`return (${source});`)() as (arg: unknown) => unknown;

describe("captured variables", () => {
  test("a captured constant is refused with code captured-variables, naming it and saying how to pass it", async () => {
    const factor = 3;
    const scale = (x: number) => x * factor;
    const error = await pool.run(scale, 2).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CapturedVariablesError);
    expect(error).toMatchObject({ name: "PardisError", code: "captured-variables", names: ["factor"] });
    expect((error as Error).message).toMatch(/^scale uses a name from outside the function: factor\./);
    expect((error as Error).message).toMatch(/Pass values in the argument instead, e\.g\. pool\.run\(\(\{ x, factor \}\) => \.\.\., \{ x, factor \}\)/);
  });

  test("several names are listed once each, in order of first use; nothing runs", async () => {
    const offset = 1;
    const limit = 10;
    const helper = (x: number) => x;
    let ran = false;
    const names = await capturedNames((x: number) => {
      ran = true;
      return helper(x + offset) > limit ? helper(limit) : offset;
    });
    expect(names).toEqual(["ran", "helper", "offset", "limit"]);
    expect(ran).toBe(false);
  });

  test("a map or reduce function is checked the same way", async () => {
    const base = 10;
    await expect(pool.map((x: number) => x + base, [1, 2])).rejects.toMatchObject({ code: "captured-variables", names: ["base"] });
    const add = (a: number, b: number) => a + b + base;
    await expect(pool.reduce(add, [1, 2], (a: number, b: number) => a + b, 0)).rejects.toMatchObject({ code: "captured-variables" });
  });

  test("`arguments` in an arrow function is the surrounding function's, so it is captured", async () => {
    expect(await capturedNames(() => arguments.length)).toEqual(["arguments"]);
  });

  test("a block-scoped name used outside its block is captured from outside", async () => {
    const hidden = 5;
    const names = await capturedNames((x: number) => {
      {
        const hidden = 2;
        x += hidden;
      }
      return x + hidden;
    });
    expect(names).toEqual(["hidden"]);
  });

  test("tslab's compiled names are reported as the learner wrote them: an earlier cell's k, an import", async () => {
    // In the kernel, an earlier cell's `k` compiles to `exports.k`, and `createHash`
    // imported in the same cell to `node_crypto_1.createHash`.
    expect(await capturedNames(compiled("(x) => x * exports.k"))).toEqual(["k"]);
    expect(await capturedNames(compiled(`(text) => (0, node_crypto_1.createHash)("sha1").update(text).digest("hex")`))).toEqual(["createHash"]);
    expect(await capturedNames(compiled("() => node_os_1.default.cpus().length"))).toEqual(["the default import of node_os"]);
  });
});

describe("names that are fine", () => {
  test("the function's own declarations of every kind", async () => {
    const names = await capturedNames(function (input: { a: number; b?: number[] }) {
      var hoisted = 1;
      const { a, b: [first = 0, ...rest] = [] } = input;
      let total = a + first + rest.length + hoisted + later();
      function later() {
        return typeof hoisted;
      }
      for (const value of [1, 2]) total += value;
      for (let i = 0; i < 2; i++) total += i;
      for (const key in { x: 1 }) total += key.length;
      try {
        JSON.parse("{");
      } catch (problem) {
        total += String(problem).length;
      }
      class Point {
        static origin = new Point(0);
        constructor(readonly x: number) {}
        norm() {
          return Math.abs(this.x);
        }
      }
      const named = function fact(n: number): number {
        return n <= 1 ? 1 : n * fact(n - 1);
      };
      outer: for (const _ of [1]) {
        for (const __ of [1]) break outer;
      }
      const shorthand = { total, named };
      return shorthand.total + new Point(-2).norm() + Point.origin.x + named(3) + arguments.length;
    });
    expect(names).toEqual([]);
  });

  test("the worker's globals: JavaScript built-ins, Node's globals, require", async () => {
    const names = await capturedNames(() =>
      [
        Math.max(1, 2),
      Atomics,
      SharedArrayBuffer,
      structuredClone({}),
      Buffer.alloc(1),
      process.pid,
      setTimeout,
      console,
      performance.now(),
      require("node:os"),
      new URL("file:///x"),
        globalThis,
        undefined,
      ].map((value) => typeof value),
    );
    expect(names).toEqual([]);
  });

  test("every global the check allows exists in a pool worker", async () => {
    const missing = await pool.run((names: readonly string[]) => names.filter((name) => !(name in globalThis)), NODE_WORKER_GLOBAL_NAMES);
    expect(missing).toEqual([]);
  });

  test("the kernel's loop guards compiled into a function are fine, and the loop runs in the worker", async () => {
    const guarded = compiled(`(n) => { var __pardisLoopTicks = 0; let sum = 0;
      for (let i = 0; i < n; i++) { if (--__pardisLoopTicks < 0) { __pardisLoopTicks = 127; __pardisLoopGuard(); } sum += i; }
      return sum; }`);
    expect(await pool.run(guarded, 1000)).toBe(499_500);
  });

  test("TypeScript's import helper for `await import()` inside a function works in the worker", async () => {
    const dynamic = compiled(`async () => { const os = await Promise.resolve().then(() => __importStar(require("node:os"))); return typeof os.cpus; }`);
    expect(await pool.run(dynamic)).toBe("function");
  });
});

describe("functions that cannot be shipped", () => {
  test("built-in and bound functions are refused with a TypeError", async () => {
    await expect(pool.run(Math.sqrt, 4)).rejects.toThrow(TypeError);
    await expect(pool.run(((x: number) => x).bind(null), 4)).rejects.toThrow(/built-in or bound function/);
  });

  test("a class is refused with a TypeError", async () => {
    class Task {}
    await expect(pool.run(Task as unknown as () => void)).rejects.toThrow(/got the class Task/);
  });
});
