/**
 * The live progress bar of long maps, against a stand-in for the kernel's
 * display bridge. The rule ("auto"): only in a kernel, only for work split in
 * 2+ tasks, only once it has run for PROGRESS_SHOW_AFTER_MS; `true` always,
 * `false` never. Long-running maps are held open by a gate in shared memory
 * until the bar has appeared, so no test depends on how fast anything runs.
 * Uses the built package (`npm run build` first).
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import { createPool, type Pool } from "../../dist/runtime/index.js";
import { MapProgress } from "../../dist/runtime/pool/map-progress.js";

const BRIDGE = Symbol.for("pardis.kernel");
const globals = globalThis as Record<symbol, unknown>;

interface Shown {
  text: string;
  displayId: string | undefined;
  update: boolean;
}

let shown: Shown[] = [];
let onShow: (() => void) | undefined;

function installKernel(): void {
  globals[BRIDGE] = {
    interruptSignal: new AbortController().signal,
    display(bundle: Record<string, unknown>, options: { displayId?: string; update?: boolean } = {}) {
      shown.push({ text: String(bundle["text/plain"]), displayId: options.displayId, update: options.update === true });
      onShow?.();
    },
  };
}

function shownSoon(test: (s: Shown) => boolean): Promise<void> {
  return new Promise((resolve) => {
    const check = () => {
      if (shown.some(test)) {
        onShow = undefined;
        resolve();
      }
    };
    onShow = check;
    check();
  });
}

/** Waits at the gate (cells[0] = 0 means closed), then returns the item. */
const gated = (cells: Int32Array, index: number) => {
  while (Atomics.load(cells, 0) === 0) Atomics.wait(cells, 0, 0);
  return index;
};

function openGate(cells: Int32Array): void {
  Atomics.store(cells, 0, 1);
  Atomics.notify(cells, 0);
}

let pool: Pool;
beforeAll(() => {
  pool = createPool({ threads: 2 });
});
afterAll(() => pool?.close());
afterEach(() => {
  delete globals[BRIDGE];
  shown = [];
  onShow = undefined;
});

const labelled = (label: string) => (s: Shown) => s.text.startsWith(label);

describe("progress of a long map in a kernel", () => {
  test('"auto": a map still running after a while shows a bar that updates in place and ends at the total', async () => {
    installKernel();
    const cells = new Int32Array(new SharedArrayBuffer(4));
    const mapping = pool.map(gated, [cells, cells, cells, cells], { chunkSize: 1 });
    await shownSoon(labelled("gated (4 items)"));
    openGate(cells);
    expect(await mapping).toEqual([0, 1, 2, 3]);
    const bar = shown.filter(labelled("gated (4 items)"));
    expect(bar[0]).toMatchObject({ update: false });
    expect(bar[0]!.text).toMatch(/0\/4/);
    expect(bar.slice(1).every((s) => s.update && s.displayId === bar[0]!.displayId)).toBe(true);
    expect(bar.at(-1)!.text).toMatch(/4\/4 \(100%\)/);
  });

  test("false never shows a bar, even for a map that ran as long as one that showed it", async () => {
    installKernel();
    const cells = new Int32Array(new SharedArrayBuffer(4));
    const shownMap = pool.map(gated, [cells, cells], { chunkSize: 1, progress: "shown" });
    const quietMap = pool.map(gated, [cells, cells], { chunkSize: 1, progress: false });
    const autoOne = pool.map(gated, [cells, cells], { chunkSize: 1 });
    await shownSoon(labelled("gated (2 items)"));
    openGate(cells);
    await Promise.all([shownMap, quietMap, autoOne]);
    // Two bars: the labelled one (shown from the start) and the "auto" one; none for the quiet map.
    expect(new Set(shown.map((s) => s.displayId)).size).toBe(2);
    expect(shown.filter(labelled("shown")).length).toBeGreaterThan(0);
    expect(new Set(shown.filter(labelled("gated (2 items)")).map((s) => s.displayId)).size).toBe(1);
  });

  test("true shows a bar from the start; a single-task map or a run never shows one on its own", async () => {
    installKernel();
    await pool.map((x: number) => x, [1, 2, 3], { chunkSize: 3 });
    await pool.run((x: number) => x, 1);
    expect(shown).toEqual([]);
    await pool.map((x: number) => x, [1, 2, 3], { chunkSize: 1, progress: true });
    expect(shown[0]).toMatchObject({ update: false });
    expect(shown.at(-1)!.text).toMatch(/3\/3/);
  });
});

describe("progress outside a kernel", () => {
  test('"auto" never starts a bar without a kernel; true does', () => {
    expect(MapProgress.start("auto", "x", 100, 10)).toBeUndefined();
    expect(MapProgress.start(false, "x", 100, 10)).toBeUndefined();
    installKernel();
    const tracker = MapProgress.start("auto", "x", 100, 10);
    expect(tracker).toBeDefined();
    tracker!.end();
    // With only one task there is nothing to follow, even in a kernel.
    expect(MapProgress.start("auto", "x", 100, 1)).toBeUndefined();
  });

  test('"auto" prints nothing in a plain script', async () => {
    const writes: string[] = [];
    const original = process.stdout.write;
    process.stdout.write = ((chunk: string) => {
      writes.push(String(chunk));
      return true;
    }) as typeof process.stdout.write;
    try {
      await pool.map((x: number) => x, [1, 2, 3, 4], { chunkSize: 1 });
    } finally {
      process.stdout.write = original;
    }
    expect(writes).toEqual([]);
  });
});
