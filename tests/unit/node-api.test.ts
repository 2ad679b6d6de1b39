/**
 * The node API as node code sees it, run in the simulator: RPCs matched by
 * msg_id / in_reply_to with Maelstrom's error codes, handlers that reply by
 * returning, classes as nodes, timers, and copies at the network and storage
 * boundaries.
 */
import { describe, expect, test } from "vitest";
import { ErrorCode, RpcError, errorCodeName, isDefinite, simulate, type NodeContext } from "../../runtime/index.js";
import { logsOf } from "./sim-fixtures.js";

/** n0 is a tiny store; n1 runs `client` against it and logs what happened. */
function storeAnd(client: (node: NodeContext) => Promise<void>) {
  return (node: NodeContext) => {
    if (node.id === "n0") {
      let value = 1;
      node.on("read", () => ({ type: "read_ok", value }));
      node.on<{ type: "cas"; from: number; to: number }>("cas", (msg) => {
        if (msg.body.from !== value) return { type: "error", code: ErrorCode.preconditionFailed, text: `value is ${value}` };
        value = msg.body.to;
        return { type: "cas_ok" };
      });
      node.on("slow", () => {}); // never answers
      return;
    }
    node.setTimer(0, () => client(node).catch((error: unknown) => node.log(`error ${(error as Error).message}`)));
  };
}

describe("rpc", () => {
  test("a reply resolves the matching call; an error body rejects with the Maelstrom code", async () => {
    const run = await simulate(
      storeAnd(async (node) => {
        const read = await node.rpc<{ type: "read_ok"; value: number; in_reply_to: number }>("n0", { type: "read" });
        node.log(`read ${read.body.value} in_reply_to ${read.body.in_reply_to}`);
        await node.rpc("n0", { type: "cas", from: 1, to: 2 });
        try {
          await node.rpc("n0", { type: "cas", from: 1, to: 3 });
        } catch (error) {
          const e = error as RpcError;
          node.log(`${e instanceof RpcError} ${e.code} ${e.errorCode} ${e.definite} ${e.message}`);
        }
      }),
      { nodes: 2, durationMs: 200 },
    );
    expect(logsOf(run.record, "n1").map((l) => l.detail)).toEqual([
      "read 1 in_reply_to 1",
      "true rpc-error 22 true cas to n0 failed: precondition-failed (code 22): value is 2",
    ]);
    const requests = run.record.messages.filter((m) => m.src === "n1");
    expect(requests.map((m) => (m.body as { msg_id: number }).msg_id)).toEqual([1, 2, 3]);
  });

  test("no reply within timeoutMs rejects with code 0 (timeout, indefinite) at that virtual time", async () => {
    const run = await simulate(
      storeAnd(async (node) => {
        const started = node.now();
        try {
          await node.rpc("n0", { type: "slow" }, { timeoutMs: 250 });
        } catch (error) {
          const e = error as RpcError;
          node.log(`${e.errorCode} ${e.definite} after ${node.now() - started}`);
        }
      }),
      { nodes: 2, durationMs: 1000 },
    );
    expect(logsOf(run.record, "n1")).toEqual([{ atMs: 250, detail: "0 false after 250" }]);
  });

  test("a request type nobody handles gets error 10 (not-supported)", async () => {
    const run = await simulate(
      storeAnd(async (node) => {
        await node.rpc("n0", { type: "txn" }).catch((e: RpcError) => node.log(`${e.errorCode} ${errorCodeName(e.errorCode)}`));
      }),
      { nodes: 2, durationMs: 200 },
    );
    expect(logsOf(run.record, "n1").map((l) => l.detail)).toEqual(["10 not-supported"]);
  });

  test("an RPC to a node that does not exist times out", async () => {
    const run = await simulate(
      storeAnd(async (node) => {
        await node.rpc("n9", { type: "read" }, { timeoutMs: 50 }).catch((e: RpcError) => node.log(errorCodeName(e.errorCode)));
      }),
      { nodes: 2, durationMs: 200 },
    );
    expect(logsOf(run.record, "n1").map((l) => l.detail)).toEqual(["timeout"]);
    expect(run.record.messages.find((m) => m.dest === "n9")!.fault).toBe("unknown-node");
  });

  test("a late reply to a request from before a restart does not answer the new life's request with the same number", async () => {
    const run = await simulate(
      (node: NodeContext) => {
        if (node.id === "n0") {
          // Answers only after 300 ms: the asker has crashed and restarted by then.
          node.on("slow_read", (m) => void node.setTimer(300, () => node.reply(m, { type: "read_ok", value: "stale" })));
          node.on("read", (m) => void node.setTimer(5, () => node.reply(m, { type: "read_ok", value: "fresh" })));
          return;
        }
        const life = (node.storage.get<number>("life") ?? 0) + 1;
        node.storage.set("life", life);
        node.setTimer(10, async () => {
          const request = life === 1 ? { type: "slow_read" } : { type: "read" };
          const reply = await node.rpc<{ type: "read_ok"; value: string }>("n0", request, { timeoutMs: 1000 }).catch(() => undefined);
          node.log(`life ${life} got ${reply?.body.value} for msg ${reply?.body.in_reply_to}`);
        });
      },
      { nodes: 2, durationMs: 1000, latency: { kind: "constant", ms: 1 }, faults: [{ atMs: 100, fault: "crash", node: "n1", restartAfterMs: 198 }] },
    );
    // The restarted n1 asks at 308 ms; the stale answer (to msg 1 of the first life) arrives at 313, the fresh one at 315.
    expect(logsOf(run.record, "n1").map((l) => l.detail)).toEqual(["life 2 got fresh for msg 1000001"]);
  });

  test("a promise a timer settles continues at that moment of virtual time", async () => {
    const run = await simulate(
      (node: NodeContext) => {
        if (node.id === "n1") {
          // Something else happens later (a delivery at 150 ms) that the continuation must not wait for.
          node.send("n0", { type: "ping" });
          return;
        }
        node.on("ping", () => node.log(`ping at ${node.now()}`));
        const sleep = (ms: number) => new Promise<void>((resolve) => node.setTimer(ms, resolve));
        node.setTimer(0, async () => {
          await sleep(100);
          node.log(`woke at ${node.now()}`);
        });
      },
      { nodes: 2, durationMs: 1000, latency: { kind: "constant", ms: 150 } },
    );
    expect(logsOf(run.record, "n0").map((l) => l.detail)).toEqual(["woke at 100", "ping at 150"]);
  });

  test("error codes follow Maelstrom's table and its definite/indefinite split", () => {
    expect(ErrorCode).toMatchObject({ timeout: 0, nodeNotFound: 1, notSupported: 10, temporarilyUnavailable: 11, crash: 13, abort: 14, keyDoesNotExist: 20, keyAlreadyExists: 21, preconditionFailed: 22, txnConflict: 30 });
    expect([0, 13, 1000].map(isDefinite)).toEqual([false, false, false]);
    expect([1, 10, 11, 14, 20, 21, 22, 30].every(isDefinite)).toBe(true);
    expect(errorCodeName(20)).toBe("key-does-not-exist");
    expect(errorCodeName(1001)).toBe("error-1001");
  });
});

describe("writing nodes", () => {
  test("a class is a node: its methods named after message types handle them", async () => {
    class Echo {
      constructor(private readonly node: NodeContext) {}
      echo(msg: { body: { echo: unknown } }) {
        return { type: "echo_ok", echo: msg.body.echo, by: this.node.id };
      }
    }
    const run = await simulate(Echo, { nodes: 1, durationMs: 1000, workload: { kind: "echo", clients: 1 } });
    expect(run.record.history.length).toBeGreaterThan(3);
    expect(run.record.history.filter((op) => op.completeMs !== undefined).every((op) => op.outcome === "ok" && op.output === op.input)).toBe(true);
  });

  test("every() repeats until cancel(); setTimer fires once", async () => {
    const timers = (node: NodeContext) => {
      let ticks = 0;
      const id = node.every(10, () => {
        ticks++;
        if (ticks === 3) node.cancel(id);
        node.log(`tick ${ticks}`);
      });
      node.setTimer(100, () => node.log("once"));
      const never = node.setTimer(50, () => node.log("never"));
      node.cancel(never);
    };
    const run = await simulate(timers, { nodes: 1, durationMs: 1000 });
    expect(logsOf(run.record, "n0")).toEqual([
      { atMs: 10, detail: "tick 1" },
      { atMs: 20, detail: "tick 2" },
      { atMs: 30, detail: "tick 3" },
      { atMs: 100, detail: "once" },
    ]);
    expect(run.ended).toBe("quiescent");
  });

  test("what was sent is a copy: mutating it afterwards changes nothing for the receiver", async () => {
    const sender = (node: NodeContext) => {
      node.on<{ type: "list"; items: number[] }>("list", (msg) => node.log(msg.body.items.join(",")));
      if (node.id !== "n0") return;
      const items = [1, 2];
      node.send("n1", { type: "list", items });
      items.push(3);
    };
    const run = await simulate(sender, { nodes: 2, durationMs: 100 });
    expect(logsOf(run.record, "n1").map((l) => l.detail)).toEqual(["1,2"]);
  });

  test("storage hands out copies: only set() changes what survives", async () => {
    const run = await simulate(
      (node: NodeContext) => {
        node.storage.set("list", [1]);
        node.storage.get<number[]>("list")!.push(2);
        node.log(JSON.stringify(node.storage.get("list")), node.storage.has("list"), node.storage.keys());
      },
      { nodes: 1, durationMs: 10 },
    );
    expect(logsOf(run.record, "n0").map((l) => l.detail)).toEqual(['[1] true ["list"]']);
    expect(run.storage).toEqual({ n0: { list: [1] } });
  });

  test("an async handler that rejects crashes its node, like a sync throw", async () => {
    const run = await simulate(
      (node: NodeContext) => {
        node.on("echo", async () => {
          await node.rpc("n1", { type: "nothing" }, { timeoutMs: 50 });
          return { type: "echo_ok" };
        });
      },
      { nodes: 2, durationMs: 200, workload: { kind: "echo", clients: 1, timeoutMs: 100 } },
    );
    const crash = run.record.events.find((e) => e.kind === "crash")!;
    expect(crash.detail).toBe("threw: RpcError: nothing to n1 failed: not-supported (code 10): no handler for nothing");
    expect(run.record.history[0]!.outcome).toBe("info");
  });
});
