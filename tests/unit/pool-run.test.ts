/**
 * pool.run: functions written here run in worker threads as source text,
 * worker modules by path, SharedArrayBuffers shared, transfer lists moved.
 *
 * Pools load their worker entry from dist/ (workers cannot run TypeScript), so
 * these tests use the built package: run `npm run build` first.
 */
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createPool, type Pool } from "../../dist/runtime/index.js";
import { Mutex, sharedArray } from "../../dist/runtime/sync/index.js";

const root = fileURLToPath(new URL("../..", import.meta.url));

/** Workers run the compiled code: refuse to test a dist/ older than the sources. */
function assertPoolBuilt(): void {
  const newest = (dir: string, ext: string) =>
    Math.max(...readdirSync(dir).filter((n) => n.endsWith(ext) && !n.endsWith(".d.ts")).map((n) => statSync(join(dir, n)).mtimeMs));
  if (newest(join(root, "runtime/pool"), ".ts") > newest(join(root, "dist/runtime/pool"), ".js")) {
    throw new Error("dist/runtime/pool is older than runtime/pool: run `npm run build` before these tests");
  }
}

let pool: Pool;
let moduleDir: string;

beforeAll(() => {
  assertPoolBuilt();
  pool = createPool({ threads: 2 });
  moduleDir = mkdtempSync(join(tmpdir(), "pardis-pool-modules-"));
  writeFileSync(
    join(moduleDir, "tasks.mjs"),
    `export function square(x) { return x * x; }
     export default function describe(x) { return "default got " + x; }
     export const notAFunction = 3;
     export async function later(x) { await new Promise((r) => setTimeout(r, 0)); return x + 1; }`,
  );
  writeFileSync(join(moduleDir, "legacy.cjs"), `module.exports = { triple(x) { return 3 * x; } };`);
});

afterAll(async () => {
  await pool?.close();
  if (moduleDir) rmSync(moduleDir, { recursive: true, force: true });
});

describe("functions shipped as source", () => {
  test("an arrow function runs in a worker thread and returns its result", async () => {
    const square = (x: number) => x * x;
    expect(await pool.run(square, 12)).toBe(144);
  });

  test("it really runs in another thread, not on the caller's", async () => {
    const { threadId } = await import("node:worker_threads");
    const workerThread = await pool.run(() => require("node:worker_threads").threadId as number);
    expect(workerThread).not.toBe(threadId);
  });

  test("async functions are awaited in the worker", async () => {
    const slowDouble = async (x: number) => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      return 2 * x;
    };
    expect(await pool.run(slowDouble, 21)).toBe(42);
  });

  test("function declarations, generators' callers and object methods ship too", async () => {
    function cube(x: number) {
      return x * x * x;
    }
    const holder = {
      sumTo(n: number) {
        let sum = 0;
        for (let i = 1; i <= n; i++) sum += i;
        return sum;
      },
    };
    expect(await pool.run(cube, 3)).toBe(27);
    expect(await pool.run(holder.sumTo, 100)).toBe(5050);
    expect(await pool.run((n: number) => [...(function* () { for (let i = 0; i < n; i++) yield i; })()], 3)).toEqual([0, 1, 2]);
  });

  test("a recursive arrow that calls itself by name works, as it did where it was written", async () => {
    const fib = (n: number): number => (n < 2 ? n : fib(n - 1) + fib(n - 2));
    expect(await pool.run(fib, 20)).toBe(6765);
  });

  test("require inside a shipped function loads modules in the worker", async () => {
    const cpuCount = () => require("node:os").availableParallelism() as number;
    expect(await pool.run(cpuCount)).toBeGreaterThan(0);
  });

  test("each worker compiles a function once: later calls reuse the compiled function", async () => {
    const single = createPool({ threads: 1 });
    try {
      // The function records itself: a recompiled copy would be a new object in the set.
      const selfCounting = () => {
        const seen: Set<unknown> = ((globalThis as any).__pardisSeen ??= new Set());
        seen.add(selfCounting);
        return seen.size;
      };
      const sizes: number[] = [];
      for (let i = 0; i < 5; i++) sizes.push(await single.run(selfCounting));
      // A second function object with the same name and source (a re-run cell) is the same hash.
      const again = new Function(`const selfCounting = ${selfCounting.toString()}; return selfCounting;`)() as typeof selfCounting;
      expect(again).not.toBe(selfCounting);
      sizes.push(await single.run(again));
      expect(sizes).toEqual([1, 1, 1, 1, 1, 1]);
    } finally {
      await single.close();
    }
  });
});

describe("worker modules by path", () => {
  test('"path#export" runs that export; a relative path resolves from the current directory', async () => {
    const cwd = process.cwd();
    process.chdir(moduleDir);
    try {
      expect(await pool.run<number>("./tasks.mjs#square", 9)).toBe(81);
    } finally {
      process.chdir(cwd);
    }
  });

  test("a path without #export runs the default export; { module, name } and file URLs work", async () => {
    const file = join(moduleDir, "tasks.mjs");
    expect(await pool.run(file, 5)).toBe("default got 5");
    expect(await pool.run({ module: pathToFileURL(file), name: "later" }, 1)).toBe(2);
    expect(await pool.map({ module: file, name: "square" }, [1, 2, 3])).toEqual([1, 4, 9]);
  });

  test("CommonJS modules work through their module.exports", async () => {
    expect(await pool.run(join(moduleDir, "legacy.cjs") + "#triple", 7)).toBe(21);
  });

  test("a missing file is a TypeError naming the path; a missing export fails the task naming what is exported", async () => {
    await expect(pool.run(join(moduleDir, "nope.mjs#x"))).rejects.toThrow(TypeError);
    await expect(pool.run(join(moduleDir, "nope.mjs#x"))).rejects.toThrow(/nope\.mjs/);
    const failure = pool.run(join(moduleDir, "tasks.mjs#notAFunction"));
    await expect(failure).rejects.toMatchObject({ code: "task-failed" });
    await expect(failure).rejects.toThrow(/notAFunction.*square/s);
  });
});

describe("memory between threads", () => {
  test("a SharedArrayBuffer in the argument is shared: the worker's writes are seen here", async () => {
    const cells = new Int32Array(new SharedArrayBuffer(16));
    const bump = ({ cells, times }: { cells: Int32Array; times: number }) => {
      for (let i = 0; i < times; i++) Atomics.add(cells, 0, 1);
      return cells.buffer instanceof SharedArrayBuffer;
    };
    const shared = await Promise.all([pool.run(bump, { cells, times: 1000 }), pool.run(bump, { cells, times: 1000 })]);
    expect(shared).toEqual([true, true]);
    expect(Atomics.load(cells, 0)).toBe(2000);
  });

  test("a Mutex in the argument arrives as a working Mutex (revived in the worker) and guards a shared counter", async () => {
    const state = { mutex: new Mutex(), counter: sharedArray(Int32Array, 1), increments: 20_000 };
    const work = ({ mutex, counter, increments }: typeof state) => {
      for (let i = 0; i < increments; i++) {
        mutex.lock();
        counter[0] = counter[0]! + 1; // a plain read and write: only the lock makes it safe
        mutex.unlock();
      }
      return mutex.constructor.name;
    };
    const kinds = await pool.map(work, [state, state, state, state], { chunkSize: 1 });
    expect(kinds).toEqual(["Mutex", "Mutex", "Mutex", "Mutex"]);
    expect(state.counter[0]).toBe(80_000);
  });

  test("transferList moves an ArrayBuffer: it is detached here and arrives whole in the worker", async () => {
    const bytes = new Uint8Array(1024).fill(7);
    const sum = pool.run((view: Uint8Array) => view.reduce((a, b) => a + b, 0), bytes, { transferList: [bytes.buffer] });
    expect(bytes.byteLength).toBe(0);
    expect(await sum).toBe(7 * 1024);
  });

  test("without a transfer list the argument is copied: the caller's buffer stays usable", async () => {
    const bytes = new Uint8Array(8).fill(1);
    const zeroed = await pool.run((view: Uint8Array) => view.fill(0), bytes);
    expect([...bytes]).toEqual([1, 1, 1, 1, 1, 1, 1, 1]);
    expect([...zeroed]).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
  });
});

describe("misuse", () => {
  test("threads must be a positive integer", () => {
    expect(() => createPool({ threads: 0 })).toThrow(TypeError);
    expect(() => createPool({ threads: 1.5 })).toThrow(/integer from 1 up, got `1.5`/);
  });

  test("a closed pool rejects new tasks with pool-closed", async () => {
    const closing = createPool({ threads: 1 });
    await closing.close();
    expect(closing.closed).toBe(true);
    await expect(closing.run((x: number) => x, 1)).rejects.toMatchObject({ name: "PardisError", code: "pool-closed" });
  });

  test("close() waits for submitted tasks to finish", async () => {
    const closing = createPool({ threads: 1 });
    const results = [closing.run((x: number) => x + 1, 1), closing.run((x: number) => x + 2, 1)];
    await closing.close();
    expect(await Promise.all(results)).toEqual([2, 3]);
  });
});
