/**
 * What one run does: Atomics semantics on the Int32 cells, wait/notify as a
 * futex, happens-before for the race detector, and how misuse and stuck or
 * endless runs are reported. Most of these replay a hand-written schedule.
 */
import { describe, expect, test } from "vitest";
import {
  explore,
  formatInterleaving,
  parseInterleaving,
  replaySchedule,
  type ReplayReport,
  type SharedProgram,
  type VirtualThread,
} from "../../runtime/explore/index.js";

function threads(...bodies: Array<(t: VirtualThread) => Promise<void>>): Array<(t: VirtualThread) => Promise<void>> {
  return bodies;
}

function kinds(report: { failures: Array<{ kind: string }> }): string[] {
  return report.failures.map((f) => f.kind);
}

describe("atomics", () => {
  test("read-modify-writes return the old value and wrap around as Int32", async () => {
    const seen: unknown[] = [];
    const p: SharedProgram<{ a: number; b: number; c: number }> = {
      memory: { a: 0x7fff_ffff, b: 0b1100, c: 5 },
      threads: threads(async (t) => {
        seen.push(await t.atomic.add("a", 1), await t.atomic.load("a"));
        seen.push(await t.atomic.sub("a", 1), await t.atomic.load("a"));
        seen.push(await t.atomic.and("b", 0b1010), await t.atomic.or("b", 0b0001), await t.atomic.xor("b", 0b1111), await t.atomic.load("b"));
        seen.push(await t.atomic.exchange("c", 9), await t.atomic.compareExchange("c", 5, 1), await t.atomic.compareExchange("c", 9, 2), await t.atomic.load("c"));
        seen.push(await t.atomic.store("c", 2 ** 32 + 3), await t.load("c"));
      }),
    };
    const report = await replaySchedule(p, [], { extend: true });
    expect(report.outcome).toBe("finished");
    expect(seen).toEqual([0x7fff_ffff, -0x8000_0000, -0x8000_0000, 0x7fff_ffff, 0b1100, 0b1000, 0b1001, 0b0110, 5, 9, 9, 2, 3, 3]);
    expect(report.memory).toEqual({ a: 0x7fff_ffff, b: 0b0110, c: 3 });
  });

  test("arrays of cells are addressed by index, name or t.mem", async () => {
    const p: SharedProgram<{ flags: number[]; turn: number }> = {
      memory: { flags: [0, 0], turn: 7 },
      threads: threads(async (t) => {
        await t.store(t.mem.flags[1], 5);
        await t.store("flags[0]", await t.load(2));
      }),
    };
    const report = await replaySchedule(p, [], { extend: true });
    expect(report.memory).toEqual({ "flags[0]": 7, "flags[1]": 5, turn: 7 });
  });
});

describe("wait and notify", () => {
  test("wait returns not-equal when the cell moved, ok when notified; notify wakes the oldest waiters first and returns how many", async () => {
    const results: string[] = [];
    const waiter = async (t: VirtualThread) => {
      results.push(`T${t.id} ${await t.wait("f", 0)}`);
    };
    const p: SharedProgram<{ f: number }> = {
      memory: { f: 0 },
      threads: threads(waiter, waiter, waiter, async (t) => {
        results.push(`notified ${await t.notify("f", 2)}`);
        await t.atomic.store("f", 1);
        results.push(`notified ${await t.notify("f")}`);
        results.push(`T3 ${await t.wait("f", 0)}`);
      }),
    };
    // T2, T0, T1 go to sleep in that order; T3 wakes two (T2, T0), then the rest.
    const report = await replaySchedule(p, "2 0 1 3 3 3 3");
    expect(report.outcome).toBe("finished");
    // In each step the notifier resumes first, then the threads it woke, oldest first.
    expect(results).toEqual(["notified 2", "T2 ok", "T0 ok", "notified 1", "T1 ok", "T3 not-equal"]);
    const wakes = report.events.filter((e) => e.op === "wake").map((e) => `${e.step}:T${e.thread}`);
    expect(wakes).toEqual(["4:T2", "4:T0", "6:T1"]);
  });

  test("a finite timeout may elapse at any step (virtual time), so sleeping with a timeout is not a deadlock", async () => {
    const results: string[] = [];
    const p: SharedProgram<{ f: number }> = {
      memory: { f: 0 },
      threads: threads(async (t) => {
        results.push(await t.wait("f", 0, 50));
        results.push(await t.wait("f", 0, 0));
      }),
    };
    const result = await explore(p, { strategy: "exhaustive" });
    expect(result.failures).toEqual([]);
    expect(results).toContain("timed-out");
    const report = await replaySchedule(p, "0 0 0");
    expect(report.events.map((e) => e.text)).toEqual(['wait f == 0 (timeout 50) → sleeps', 'wait f → "timed-out"', 'wait f == 0 (timeout 0) → "timed-out"', "finished"]);
  });
});

describe("happens-before", () => {
  const publish = (flag: "atomic" | "plain"): SharedProgram<{ data: number; flag: number }> => ({
    memory: { data: 0, flag: 0 },
    threads: threads(
      async (t) => {
        await t.store("data", 42);
        if (flag === "atomic") await t.atomic.store("flag", 1);
        else await t.store("flag", 1);
      },
      async (t) => {
        for (;;) {
          const ready = flag === "atomic" ? await t.atomic.load("flag") : await t.load("flag");
          if (ready === 1) break;
          await t.yield();
        }
        t.assert((await t.load("data")) === 42, "data published before the flag");
      },
    ),
  });

  test("data published through an atomic flag does not race", async () => {
    const result = await explore(publish("atomic"), { strategy: "exhaustive" });
    expect(result.complete).toBe(true);
    expect(result.failures).toEqual([]);
  });

  test("through a plain flag, both the flag and the data race", async () => {
    const result = await explore(publish("plain"), { strategy: "exhaustive" });
    expect(result.failures.map((f) => `${f.kind} ${f.subject}`).sort()).toEqual(["data-race data", "data-race flag"]);
  });

  test("plain accesses under a built-in lock, and after join, do not race", async () => {
    const p: SharedProgram<{ x: number }> = {
      memory: { x: 0 },
      threads: threads(
        async (t) => {
          await t.lock("m");
          await t.store("x", (await t.load("x")) + 1);
          await t.unlock("m");
          await t.join(1);
          await t.store("x", (await t.load("x")) * 10);
        },
        async (t) => {
          await t.lock("m");
          await t.store("x", (await t.load("x")) + 1);
          await t.unlock("m");
        },
      ),
      check: (m) => m.x === 20,
    };
    const result = await explore(p, { strategy: "exhaustive" });
    expect(result.complete).toBe(true);
    expect(result.failures).toEqual([]);
  });

  test("notify orders what the notifier did before what the woken thread does after", async () => {
    const p: SharedProgram<{ data: number; f: number }> = {
      memory: { data: 0, f: 0 },
      threads: threads(
        async (t) => {
          while ((await t.wait("f", 0)) !== "ok") {
            // not-equal: the notify came first, but then the data is not ordered; loop until a real wake-up
            if ((await t.atomic.load("f")) === 1) return;
          }
          await t.load("data");
        },
        async (t) => {
          await t.store("data", 1);
          await t.notify("f");
        },
      ),
    };
    // T0 sleeps, T1 stores and notifies: T0's load is ordered after the store.
    const report = await replaySchedule(p, "0 1 1 0");
    expect(report.outcome).toBe("finished");
    expect(kinds(report)).toEqual([]);
  });
});

describe("misuse is reported, not hung on", () => {
  async function single(body: (t: VirtualThread) => Promise<void>, memory: Record<string, number> = { x: 0 }): Promise<ReplayReport> {
    return replaySchedule({ memory, threads: [body] }, [], { extend: true });
  }

  test("an operation that is not awaited", async () => {
    const report = await single(async (t) => {
      void t.load("x");
      await t.store("x", 1);
    });
    expect(report.failures[0]).toMatchObject({ kind: "misuse", code: "sync-misuse" });
    expect(report.failures[0]!.message).toBe("T0 called store x ← 1 while its load x was still pending: await every t.* operation");
  });

  test("a last operation that is not awaited", async () => {
    const report = await single(async (t) => {
      void t.store("x", 1);
    });
    expect(report.failures[0]!.message).toBe("T0 returned while its store x ← 1 was still pending: a t.* operation was not awaited");
  });

  test("awaiting a timer", async () => {
    const report = await single(async (t) => {
      await t.load("x");
      await new Promise((resolve) => setTimeout(resolve, 5));
      await t.store("x", 1);
    });
    expect(report.failures[0]!.kind).toBe("misuse");
    expect(report.failures[0]!.message).toMatch(/^T0 awaited something that is not a t\.\* operation/);
  });

  test("an unknown cell names the known ones", async () => {
    const report = await single(async (t) => {
      await t.load("y");
    });
    expect(report.failures[0]!.message).toBe("T0: t.load: Unknown memory cell `y` (string); known cells: x");
  });

  test("unlocking a mutex nobody holds, leaving a section never entered", async () => {
    expect((await single((t) => t.unlock("m"))).failures[0]!.message).toBe("T0 unlocked m, which nobody holds");
    expect((await single(async (t) => t.exit("cs"))).failures[0]!.message).toBe('T0 left section "cs" without entering it');
  });

  test("an exception and a failed assertion end the run with their message", async () => {
    const thrown = await single(async (t) => {
      await t.load("x");
      throw new RangeError("boom");
    });
    expect(thrown.failures[0]).toMatchObject({ kind: "exception", message: "T0 threw RangeError: boom", step: 1 });
    const asserted = await single(async (t) => {
      t.assert((await t.load("x")) === 1, "x should be 1");
    });
    expect(asserted.failures[0]).toMatchObject({ kind: "assertion", message: "T0: x should be 1" });
  });

  test("a locked mutex taken again by its holder is a deadlock that says so", async () => {
    const report = await single(async (t) => {
      await t.lock("m");
      await t.lock("m");
    });
    expect(report.failures[0]!.kind).toBe("deadlock");
    expect(report.failures[0]!.message).toContain("T0 waits for lock m, which it holds itself (locks are not reentrant)");
  });
});

describe("runs that never end", () => {
  test("a spin on a flag nobody sets stops at maxSteps as a step-limit failure naming the spin", async () => {
    const p: SharedProgram<{ flag: number }> = {
      memory: { flag: 0 },
      threads: threads(async (t) => {
        while ((await t.atomic.load("flag")) === 0) {
          // waits for a thread that does not exist
        }
      }),
    };
    const result = await explore(p, { strategy: "random", seed: 1, runs: 3, maxSteps: 100 });
    expect(result.failures).toHaveLength(1);
    expect(result.failures[0]!.kind).toBe("step-limit");
    expect(result.failures[0]!.occurrences).toBe(3);
    expect(result.failures[0]!.message).toBe(
      "no end after 100 steps (maxSteps): T0 spins (atomic.load flag → 0). A livelock, or a spin loop waiting for something no thread will do",
    );
  });
});

describe("schedules", () => {
  test("the compact text form round-trips", () => {
    const schedule = [0, 0, 0, 1, 2, 2, 0];
    expect(formatInterleaving(schedule)).toBe("0*3 1 2*2 0");
    expect(parseInterleaving("0*3 1 2*2 0")).toEqual(schedule);
    expect(parseInterleaving("0,0, 1")).toEqual([0, 0, 1]);
    expect(() => parseInterleaving("0 x")).toThrow(TypeError);
  });

  test("a hand-written prefix stops where it ends, or runs on without preemptions with extend", async () => {
    const p: SharedProgram<{ x: number }> = {
      memory: { x: 0 },
      threads: threads(
        async (t) => {
          await t.store("x", 1);
          await t.store("x", 2);
        },
        async (t) => {
          await t.load("x");
        },
      ),
    };
    const stopped = await replaySchedule(p, "0 1");
    expect(stopped.outcome).toBe("stopped");
    expect(stopped.schedule).toEqual([0, 1]);
    const extended = await replaySchedule(p, "0 1", { extend: true });
    expect(extended.outcome).toBe("finished");
    expect(extended.schedule).toEqual([0, 1, 0]);
  });

  test("a schedule that picks a thread that cannot move is reported as nondeterminism", async () => {
    const report = await replaySchedule({ memory: { x: 0 }, threads: threads(async (t) => void (await t.load("x")), async (t) => void (await t.load("x"))) }, "0 0");
    expect(report.failures[0]).toMatchObject({ kind: "nondeterminism", step: 2 });
  });
});

describe("state kept outside the explored memory", () => {
  /** T0 adds twice in the first run and once in every later one: its behaviour depends on a captured variable. */
  const leaky = (): SharedProgram<{ x: number }> => {
    let runs = 0;
    return {
      memory: { x: 0 },
      threads: threads(
        async (t) => {
          runs++;
          for (let i = 0; i < (runs === 1 ? 2 : 1); i++) await t.atomic.add("x", 1);
        },
        async (t) => {
          await t.atomic.add("x", 1);
          await t.atomic.add("x", 1);
        },
      ),
    };
  };

  test("exhaustive search notices that replaying the same choices offers other threads, and says why", async () => {
    const result = await explore(leaky(), { strategy: "exhaustive" });
    expect(result.failures.map((f) => f.kind)).toContain("nondeterminism");
    expect(result.failures.find((f) => f.kind === "nondeterminism")!.message).toMatch(/keeps state outside the explored memory/);
  });
});

test("an aborted signal (a kernel interrupt, a grader's budget) stops the exploration before its next run", async () => {
  const controller = new AbortController();
  let runs = 0;
  const p: SharedProgram<{ x: number }> = {
    memory: { x: 0 },
    threads: threads(async (t) => {
      if (++runs === 50) controller.abort(new Error("enough"));
      await t.atomic.add("x", 1);
    }),
  };
  await expect(explore(p, { strategy: "random", seed: 1, runs: 1000, signal: controller.signal })).rejects.toThrow("enough");
  expect(runs).toBe(50);
});

describe("options are checked at the edge", () => {
  const p: SharedProgram<{ x: number }> = { memory: { x: 0 }, threads: threads(async (t) => void (await t.load("x"))) };
  test.each([
    [{ strategy: "dfs" }, /strategy/],
    [{ runs: 0 }, /runs/],
    [{ depth: 1.5 }, /depth/],
    [{ seed: "7" }, /seed/],
    [{ preemptions: -1 }, /preemptions/],
  ])("%j", async (options, message) => {
    await expect(explore(p, options as never)).rejects.toThrow(message);
  });

  test("memory cells must be Int32 integers; threads must be functions", async () => {
    await expect(explore({ memory: { x: 1.5 }, threads: p.threads } as never)).rejects.toThrow(/Int32/);
    await expect(explore({ memory: {}, threads: [] } as never)).rejects.toThrow(/threads/);
  });
});
