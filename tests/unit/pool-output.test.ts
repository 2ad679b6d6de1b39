/**
 * console output of tasks: written on this thread, in the async context of the
 * call that submitted the task (in the kernel that context names the cell, so
 * the text lands under the cell that submitted the task, not the one that
 * created the pool), each line once, and all of it before the task's promise
 * settles. Uses the built package (`npm run build` first).
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import { createPool, type Pool } from "../../dist/runtime/index.js";

/** Stands in for the kernel's cell context. */
const cell = new AsyncLocalStorage<string>();

interface Written {
  stream: "stdout" | "stderr";
  text: string;
  cell: string | undefined;
}

let written: Written[] = [];
let onWrite: (() => void) | undefined;
const originals = { stdout: process.stdout.write, stderr: process.stderr.write };

function record(): void {
  for (const stream of ["stdout", "stderr"] as const) {
    process[stream].write = ((chunk: string | Uint8Array) => {
      written.push({ stream, text: String(chunk), cell: cell.getStore() });
      onWrite?.();
      return true;
    }) as typeof process.stdout.write;
  }
}

function restore(): void {
  process.stdout.write = originals.stdout;
  process.stderr.write = originals.stderr;
}

/** Resolves once some written text contains `marker`. */
function writtenSoon(marker: string): Promise<void> {
  return new Promise((resolve) => {
    const check = () => {
      if (written.some((w) => w.text.includes(marker))) {
        onWrite = undefined;
        resolve();
      }
    };
    onWrite = check;
    check();
  });
}

const textOf = (stream: "stdout" | "stderr") =>
  written
    .filter((w) => w.stream === stream)
    .map((w) => w.text)
    .join("");

let pool: Pool;

beforeAll(() => {
  // The pool is created in one "cell"...
  pool = cell.run("cell 1", () => createPool({ threads: 2 }));
});
afterEach(() => {
  restore();
  written = [];
});
afterAll(() => pool?.close());

describe("console output of tasks", () => {
  test("is written in the context of the call that submitted the task, not the one that created the pool", async () => {
    record();
    const greet = (name: string) => {
      console.log(`hello from ${name}`);
      return name;
    };
    // ...and used from later ones.
    await cell.run("cell 2", () => pool.run(greet, "task A"));
    await cell.run("cell 3", () => Promise.all([pool.run(greet, "task B"), pool.run(greet, "task C")]));
    restore();
    const lines = written.filter((w) => w.text.includes("hello from"));
    expect(lines.map((w) => [w.text, w.cell])).toEqual(
      expect.arrayContaining([
        ["hello from task A\n", "cell 2"],
        ["hello from task B\n", "cell 3"],
        ["hello from task C\n", "cell 3"],
      ]),
    );
    expect(lines).toHaveLength(3);
  });

  test("everything a task prints is written, once, in order, before its promise settles", async () => {
    record();
    const chatty = (lines: number) => {
      for (let i = 0; i < lines; i++) console.log(`line ${i}`);
      process.stdout.write("raw write\n");
      console.error("to stderr");
      return lines;
    };
    await cell.run("cell 4", () => pool.run(chatty, 2000));
    const stdout = textOf("stdout");
    restore();
    const expected = Array.from({ length: 2000 }, (_, i) => `line ${i}\n`).join("") + "raw write\n";
    expect(stdout).toBe(expected);
    expect(textOf("stderr")).toBe("to stderr\n");
    expect(new Set(written.map((w) => w.cell))).toEqual(new Set(["cell 4"]));
    // Batched like the kernel's own output: far fewer writes than lines.
    expect(written.length).toBeLessThan(100);
  });

  test("map chunks print in the context of the map's caller", async () => {
    record();
    await cell.run("cell 5", () =>
      pool.map(
        (x: number) => {
          console.log(`item ${x}`);
          return x;
        },
        [1, 2, 3, 4],
        { chunkSize: 1 },
      ),
    );
    restore();
    expect(
      textOf("stdout")
        .split("\n")
        .filter(Boolean)
        .sort(),
    ).toEqual(["item 1", "item 2", "item 3", "item 4"]);
    expect(new Set(written.map((w) => w.cell))).toEqual(new Set(["cell 5"]));
  });

  test("a loop that prints and then spins shows its output while it still runs (through the loop guard)", async () => {
    // As the kernel compiles a cell's loop: a countdown and a guard call every 128 iterations.
    const printThenSpin = new Function(`return (cells) => { var __pardisLoopTicks = 0;
      console.log("spinning now");
      while (Atomics.load(cells, 0) === 0) { if (--__pardisLoopTicks < 0) { __pardisLoopTicks = 127; __pardisLoopGuard(); } }
      return "released"; }`)() as (cells: Int32Array) => string;
    const cells = new Int32Array(new SharedArrayBuffer(4));
    record();
    const shown = writtenSoon("spinning now");
    const result = cell.run("cell 6", () => pool.run(printThenSpin, cells));
    await shown;
    // The task is still spinning: it only ends once the test releases it.
    Atomics.store(cells, 0, 1);
    expect(await result).toBe("released");
    restore();
    expect(written.find((w) => w.text.includes("spinning now"))?.cell).toBe("cell 6");
  });
});
