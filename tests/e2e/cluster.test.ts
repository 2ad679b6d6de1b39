/**
 * Real clusters: node programs as OS processes over ZeroMQ, with real
 * crashes (SIGKILL), restarts from durable storage on disk, pauses
 * (SIGSTOP), partitions and loss applied in the nodes' transport. The same
 * checkers as in the simulator judge the records. After every test, /proc is
 * searched for any process carrying a node's configuration: none may remain.
 *
 * Fault times are wall-clock, so outcomes that depend on a race are not
 * asserted; what is asserted holds on any interleaving (a correct protocol
 * passes its checker; the broken one is set up so it must lose a message).
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { afterEach, describe, expect, test } from "vitest";
import * as zmq from "zeromq";
import {
  checkBroadcast,
  checkConsensus,
  checkLinearizability,
  echoNode,
  gossipBroadcastNode,
  launch,
  primaryBackupNode,
  raftNode,
  runCluster,
  type NodeContext,
} from "../../dist/runtime/index.js";
import { repoRoot } from "../support/kernel-client.js";
import { nodeProcesses, nodeProcessesLeft } from "../support/node-processes.js";

/** Pids of every process that is a pardis cluster node (its environment carries the node's configuration). */

afterEach(async () => {
  expect(await nodeProcessesLeft(), "node processes left behind").toEqual([]);
});

describe("real clusters run the reference programs under faults, judged by the simulator's checkers", () => {
  test("gossip broadcast on 5 processes delivers every acknowledged message despite a partition, a crash and a restart", async () => {
    const run = await runCluster(gossipBroadcastNode({ intervalMs: 50 }), {
      nodes: 5,
      durationMs: 2500,
      printLogs: false,
      workload: { kind: "broadcast", stopMs: 1400, finalReadMs: 2200 },
      faults: [
        { atMs: 200, fault: "partition", groups: [["n0", "n1"], ["n2", "n3", "n4"]] },
        { atMs: 400, fault: "crash", node: "n3", restartAfterMs: 400 },
        { atMs: 1000, fault: "heal" },
      ],
    });
    const { record } = run;
    const verdict = checkBroadcast(record);
    expect(verdict.ok, verdict.message).toBe(true);
    expect(record.history.filter((op) => op.f === "broadcast" && op.outcome === "ok").length).toBeGreaterThan(10);
    expect(record.events.map((e) => `${e.kind}${e.node ?? ""}`)).toEqual(expect.arrayContaining(["partition", "crashn3", "restartn3", "heal"]));
    // The partition really cut messages, and the record has the simulator's shape: ids in order, sends before deliveries.
    expect(record.messages.some((m) => m.fault === "partition")).toBe(true);
    record.messages.forEach((m, i) => expect(m.id).toBe(i));
    expect(record.messages.filter((m) => m.deliveredMs !== undefined).every((m) => m.deliveredMs! >= m.sentMs - 1)).toBe(true);
    expect(run.replay).toMatch(/^pardis-net \{/);
  });

  test("primary-backup on 3 processes stays linearizable when the primary is killed and restarts from disk", async () => {
    const { record } = await runCluster(primaryBackupNode(), {
      nodes: 3,
      durationMs: 2500,
      printLogs: false,
      workload: { kind: "register", keys: 2, clients: 3, timeoutMs: 400, stopMs: 2200 },
      faults: [{ atMs: 700, fault: "crash", node: "n0", restartAfterMs: 600 }],
    });
    const verdict = checkLinearizability(record, { model: "register" });
    expect(verdict.ok, verdict.message).toBe(true);
    const crashAt = record.events.find((e) => e.kind === "crash")!.atMs;
    // Service went on after the primary died: a backup took over.
    expect(record.history.some((op) => op.outcome === "ok" && op.f === "write" && op.invokeMs > crashAt + 300)).toBe(true);
    expect(record.events.some((e) => e.kind === "log" && e.node !== "n0" && /^primary of view [1-9]/.test(e.detail ?? ""))).toBe(true);
  });

  test("a Raft register on 5 processes stays linearizable and safe through a partition and a killed node", async () => {
    const { record } = await runCluster(raftNode(), {
      nodes: 5,
      durationMs: 3000,
      printLogs: false,
      workload: { kind: "register", keys: 2, clients: 3, timeoutMs: 500, stopMs: 2700 },
      faults: [
        { atMs: 500, fault: "partition", groups: [["n0", "n1"], ["n2", "n3", "n4"]] },
        { atMs: 900, fault: "crash", node: "n1", restartAfterMs: 500 },
        { atMs: 1600, fault: "heal" },
      ],
    });
    const safety = checkConsensus(record);
    expect(safety.ok, safety.message).toBe(true);
    const verdict = checkLinearizability(record, { model: "register" });
    expect(verdict.ok, verdict.message).toBe(true);
    // The majority side kept (or elected) a leader and committed during the partition.
    const partitionAt = record.events.find((e) => e.kind === "partition")!.atMs;
    const healAt = record.events.find((e) => e.kind === "heal")!.atMs;
    expect(record.history.some((op) => op.outcome === "ok" && op.f === "write" && op.invokeMs > partitionAt + 200 && op.completeMs! < healAt)).toBe(true);
  });

  test("broadcast that keeps messages only in memory loses acknowledged ones when its node is cut off and killed: lost-delivery, with the replay line", async () => {
    // Written in the test as a learner would in a cell: shipped to the node processes as source text.
    const forgetful = (node: NodeContext) => {
      const seen = new Set<number>();
      node.on("broadcast", (m) => {
        seen.add(m.body.message as number);
        return { type: "broadcast_ok" };
      });
      node.on("read", () => ({ type: "read_ok", messages: [...seen].sort((a, b) => a - b) }));
      node.on("gossip", (m) => {
        for (const x of m.body.messages as number[]) seen.add(x);
      });
      node.every(50, () => {
        for (const peer of node.peers) node.send(peer, { type: "gossip", messages: [...seen] });
      });
    };
    const { record, replay } = await runCluster(forgetful, {
      nodes: 3,
      durationMs: 1800,
      workload: { kind: "broadcast", clients: 3, stopMs: 800, finalReadMs: 1400 },
      // n0 hears broadcasts while cut off, acknowledges them, and dies before it can pass them on.
      faults: [{ atMs: 100, fault: "partition", groups: [["n0"], ["n1", "n2"]] }, { atMs: 850, fault: "crash", node: "n0" }],
    });
    const lostCandidates = record.history.filter((op) => op.f === "broadcast" && op.outcome === "ok" && op.node === "n0" && op.invokeMs > 150);
    expect(lostCandidates.length, "some broadcast went to the cut-off n0").toBeGreaterThan(0);
    const verdict = checkBroadcast(record);
    expect(verdict.ok).toBe(false);
    expect(verdict.anomaly).toBe("lost-delivery");
    expect(verdict.message).toContain(`replay: ${replay}`);
  });
});

describe("control, faults and bad input", () => {
  test("crash, restart, pause and resume by hand: status follows, durable storage survives a crash, volatile state does not", async () => {
    const counter = (node: NodeContext) => {
      let volatile = 0;
      node.on("bump", () => {
        volatile += 1;
        node.storage.set("durable", (node.storage.get<number>("durable") ?? 0) + 1);
        return { type: "bump_ok", volatile, durable: node.storage.get<number>("durable") };
      });
    };
    const cluster = await launch(counter, { nodes: 2, printLogs: false });
    try {
      await cluster.request("n0", { type: "bump" });
      expect(await cluster.request("n0", { type: "bump" })).toMatchObject({ volatile: 2, durable: 2 });
      expect(cluster.status().map((s) => s.state)).toEqual(["up", "up"]);
      const pid = cluster.status()[0]!.pid!;
      await cluster.crash("n0");
      expect(cluster.status()[0]!.state).toBe("crashed");
      expect(() => process.kill(pid, 0)).toThrow();
      await expect(cluster.request("n0", { type: "bump" }, { timeoutMs: 200 })).rejects.toThrow(/no reply/);
      await cluster.restart("n0");
      expect(cluster.status()[0]).toMatchObject({ state: "up", incarnation: 1 });
      expect(await cluster.request("n0", { type: "bump" })).toMatchObject({ volatile: 1, durable: 3 });
      await cluster.pause("n1");
      expect(readFileSync(`/proc/${cluster.status()[1]!.pid}/stat`, "utf8").split(") ")[1]!.startsWith("T")).toBe(true);
      const answer = cluster.request("n1", { type: "bump" }, { timeoutMs: 5000 });
      await cluster.resume("n1");
      expect(await answer).toMatchObject({ volatile: 1, durable: 1 });
      const record = await cluster.record();
      expect(record.events.map((e) => `${e.kind}${e.node}`)).toEqual(["crashn0", "restartn0", "pausen1", "resumen1"]);
    } finally {
      await cluster.stop();
    }
  });

  test("a program that captures a variable is refused before any process starts, naming the variable", async () => {
    const limit = 3;
    const capturing = (node: NodeContext) => node.on("x", () => ({ type: "x_ok", limit }));
    await expect(launch(capturing, { nodes: 2 })).rejects.toThrow(/limit/);
  });

  test("node code that throws crashes that node only, with its error; unknown destinations and oversized messages are reported and the cluster keeps running", async () => {
    const fragile = (node: NodeContext) => {
      node.on("boom", () => {
        throw new Error("kaboom in a handler");
      });
      node.on("stray", () => {
        node.send("n9", { type: "hello" });
        return { type: "stray_ok" };
      });
      node.on("huge", () => ({ type: "huge_ok", blob: "x".repeat(2000) }));
      node.on("echo", (m) => ({ type: "echo_ok", echo: m.body.echo }));
    };
    const cluster = await launch(fragile, { nodes: 3, printLogs: false, maxMessageBytes: 1024 });
    try {
      expect(await cluster.request("n1", { type: "stray" })).toMatchObject({ type: "stray_ok" });
      await expect(cluster.request("n2", { type: "huge" }, { timeoutMs: 1000 })).rejects.toThrow(/no reply/);
      await expect(cluster.request("n0", { type: "boom" }, { timeoutMs: 1000 })).rejects.toThrow(/no reply/);
      const record = await cluster.record();
      const status = cluster.status();
      expect(status.map((s) => s.state)).toEqual(["failed", "up", "failed"]);
      expect(status[0]!.error).toMatch(/kaboom in a handler/);
      expect(status[2]!.error).toMatch(/1024/);
      expect(record.events).toEqual(expect.arrayContaining([
        expect.objectContaining({ kind: "crash", node: "n0", detail: expect.stringMatching(/kaboom/) }),
        expect.objectContaining({ kind: "log", node: "n1", detail: expect.stringMatching(/unknown node "n9"/) }),
      ]));
      expect(record.messages.find((m) => m.dest === "n9")?.fault).toBe("unknown-node");
      // The others still serve.
      expect(await cluster.request("n1", { type: "echo", echo: 7 })).toMatchObject({ echo: 7 });
    } finally {
      await cluster.stop();
    }
  });

  test("SIGKILL of the process that launched a cluster leaves no node behind, a paused one included", async () => {
    const script = `
      import { launch, gossipBroadcastNode } from ${JSON.stringify(`${repoRoot}/dist/runtime/index.js`)};
      const cluster = await launch(gossipBroadcastNode(), { nodes: 3, printLogs: false });
      await cluster.pause("n1");
      console.log(JSON.stringify(cluster.pids()));
      setInterval(() => {}, 1000);
    `;
    const child = spawn(process.execPath, ["--input-type=module", "-e", script], { stdio: ["ignore", "pipe", "inherit"] });
    const pids = await new Promise<number[]>((resolve, reject) => {
      let text = "";
      child.stdout!.on("data", (chunk: Buffer) => {
        text += chunk.toString();
        if (text.includes("\n")) resolve(JSON.parse(text.split("\n")[0]!) as number[]);
      });
      child.once("exit", (code) => reject(new Error(`launcher exited early (${code})`)));
    });
    expect(pids).toHaveLength(3);
    child.kill("SIGKILL");
    expect(await nodeProcessesLeft()).toEqual([]);
  });

  test("an abort signal stops the whole cluster mid-run", async () => {
    const controller = new AbortController();
    const cluster = await launch(gossipBroadcastNode(), { nodes: 3, signal: controller.signal, printLogs: false });
    const running = cluster.run({ durationMs: 60_000, workload: { kind: "broadcast" } });
    setImmediate(() => controller.abort());
    await expect(running).rejects.toThrow(/interrupted|stopped/);
    expect(cluster.pids()).toEqual([]);
  });
});

describe("the wire", () => {
  test("garbage, malformed envelopes and oversized frames sent straight to a node's socket are dropped with a log line; the node keeps answering", async () => {
    const cluster = await launch(echoNode, { nodes: 2, printLogs: false, maxMessageBytes: 4096 });
    const stray = new zmq.Push({ linger: 0 });
    try {
      stray.connect(cluster.endpoints().n1!);
      const frames = ["not json", "n0 n1 0 1\nnot json", 'x n1 zero 1\n{"type":"echo"}', "n0 n1 0 2\n[1]", "y".repeat(10_000)];
      for (const frame of frames) {
        await stray.send(frame);
      }
      expect(await cluster.request("n1", { type: "echo", echo: "still here" })).toMatchObject({ echo: "still here" });
      // The stray socket's frames travel on a connection of their own: the echo's answer may overtake them. Wait for a log line per frame (with a deadline).
      const n1Logs = async () => (await cluster.record()).events.filter((e) => e.kind === "log" && e.node === "n1").map((e) => e.detail);
      const deadline = Date.now() + 5000;
      let logs = await n1Logs();
      while (logs.length < frames.length && Date.now() < deadline) logs = await n1Logs();
      expect(logs).toEqual([
        expect.stringMatching(/malformed message \(no header line/),
        expect.stringMatching(/body is not JSON/),
        expect.stringMatching(/incarnation\/sequence/),
        expect.stringMatching(/malformed message \(body is not an object\)/),
        expect.stringMatching(/10000-byte frame/),
      ]);
    } finally {
      stray.close();
      await cluster.stop();
    }
  });
});
