/**
 * How tasks fail: an error thrown in a worker comes back as a PardisError
 * "task-failed" whose stack shows the function's own frames (name, line within
 * the function) and whose cause is the original error; a worker that dies
 * gives "worker-crashed" and is replaced; values that cannot cross threads
 * say so. Uses the built package (`npm run build` first).
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { PardisError } from "../../dist/runtime/core/index.js";
import { createPool, type Pool } from "../../dist/runtime/index.js";

let pool: Pool;

beforeAll(() => {
  pool = createPool({ threads: 2 });
});
afterAll(() => pool?.close());

async function failure(promise: Promise<unknown>): Promise<PardisError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(PardisError);
    return error as PardisError;
  }
  throw new Error("expected the task to fail");
}

describe("errors thrown by the task", () => {
  test("come back as task-failed with the original error as cause", async () => {
    const explode = (x: number) => {
      if (x > 0) throw new RangeError(`too big: ${x}`);
      return x;
    };
    const error = await failure(pool.run(explode, 5));
    expect(error.code).toBe("task-failed");
    expect(error.message).toMatch(/^explode threw RangeError: too big: 5/);
    const cause = error.cause as Error;
    expect(cause).toBeInstanceOf(Error);
    expect(cause.name).toBe("RangeError");
    expect(cause.message).toBe("too big: 5");
  });

  test("the stack names the function and the line within it where the error was thrown", async () => {
    function parse(text: string) {
      const trimmed = text.trim();
      const value = JSON.parse(trimmed);
      return value;
    }
    const error = await failure(pool.run(parse, "{ not json"));
    expect(error.message).toMatch(/parse threw SyntaxError: .*line 3 of the function/);
    const frames = error.stack!.split("\n").slice(1);
    // The first frame of the learner's code, with its position counted from the function's first line.
    expect(frames.find((f) => f.includes("pool-function:parse"))).toMatch(/at parse \(pool-function:parse:3:\d+\)/);
    // The pool's own machinery is not shown.
    expect(error.stack).not.toMatch(/worker-entry|piscina/);
  });

  test("a map names the item that failed and fails as a whole", async () => {
    const reciprocal = (x: number) => {
      if (x === 0) throw new Error("division by zero");
      return 1 / x;
    };
    const error = await failure(pool.map(reciprocal, [4, 2, 1, 0, 5, 8], { chunkSize: 2 }));
    expect(error.code).toBe("task-failed");
    expect(error.message).toMatch(/reciprocal threw Error: division by zero \(in a pool worker at item 3/);
  });

  test("errors keep their code (Node's ERR_* codes)", async () => {
    const readMissing = () => require("node:fs").readFileSync("/definitely/not/here");
    const error = await failure(pool.run(readMissing));
    expect((error.cause as { code?: string }).code).toBe("ENOENT");
  });

  test("throwing a non-error value is reported with the value", async () => {
    const throwsNumber = () => {
      throw 42;
    };
    const error = await failure(pool.run(throwsNumber));
    expect(error.code).toBe("task-failed");
    expect(error.message).toMatch(/a non-error value was thrown: 42/);
  });

  test("a rejected promise of an async function fails the task the same way", async () => {
    const asyncFail = async () => {
      await null;
      throw new TypeError("nope");
    };
    const error = await failure(pool.run(asyncFail));
    expect(error.message).toMatch(/^asyncFail threw TypeError: nope/);
  });

  test("the pool keeps working after a failed task", async () => {
    await failure(pool.run(() => { throw new Error("x"); }));
    expect(await pool.run((x: number) => x + 1, 1)).toBe(2);
  });
});

describe("values that cannot cross threads", () => {
  test("a function in the argument is refused with an explanation", async () => {
    const error = await failure(pool.run((options: { callback: () => void }) => typeof options, { callback: () => undefined }));
    expect(error.code).toBe("task-failed");
    expect(error.message).toMatch(/could not be copied between threads.*structured clone/s);
  });

  test("returning a function fails the task with an explanation", async () => {
    const returnsFunction = () => () => 1;
    const error = await failure(pool.run(returnsFunction));
    expect(error.code).toBe("task-failed");
    expect(error.message).toMatch(/DataCloneError: the result is a function, which cannot be copied back/);
  });

  test("a result holding a function kills its worker: worker-crashed with the likely reason, and a replacement", async () => {
    const returnsCallbacks = () => ({ onDone: () => 1 });
    const error = await failure(pool.run(returnsCallbacks));
    expect(error.code).toBe("worker-crashed");
    expect(error.message).toMatch(/a result that cannot be copied between threads/);
    expect(await pool.run((x: number) => x * 2, 4)).toBe(8);
  });
});

describe("workers that die", () => {
  test("process.exit in a task gives worker-crashed; a replacement worker takes the next tasks", async () => {
    const crashing = createPool({ threads: 1 });
    try {
      const increment = (x: number) => x + 1;
      expect(await crashing.run(increment, 1)).toBe(2);
      const error = await failure(crashing.run(() => process.exit(3)));
      expect(error.code).toBe("worker-crashed");
      expect(error.message).toMatch(/exited \(exited with code: 3/);
      // The replacement has never seen `increment` (the pool stopped sending its code once worker 0 had it): it asks for it and runs it.
      expect(await crashing.run(increment, 2)).toBe(3);
      const workers = [...crashing.trace.records].sort((a, b) => a.id - b.id).map((r) => [r.label, r.worker, r.status]);
      // Worker 0 ran the first task and died in the second; its replacement is worker 1 (>= threads).
      expect(workers).toEqual([
        ["increment", 0, "ok"],
        ["anonymous", 0, "error"],
        ["increment", 1, "ok"],
      ]);
    } finally {
      await crashing.close();
    }
  });

  test("running out of memory (resourceLimits) gives worker-crashed and a replacement", async () => {
    const small = createPool({ threads: 1, resourceLimits: { maxOldGenerationSizeMb: 16 } });
    try {
      const hog = () => {
        const keep: number[][] = [];
        for (;;) keep.push(new Array(100_000).fill(1.5));
      };
      const error = await failure(small.run(hog));
      expect(error.code).toBe("worker-crashed");
      expect(error.message).toMatch(/ran out of memory/);
      expect(await small.run(() => "alive")).toBe("alive");
    } finally {
      await small.close();
    }
  });
});
