/**
 * Multi-host mode on one machine: two network namespaces stand in for two
 * other machines (each with its own network stack, a veth link to a bridge
 * in this namespace, and loopback only inside). `pardis node --join` agents
 * run in them; the controller (this process) runs one node itself. The
 * cluster survives a crash and restart of a remote node, the broadcast
 * checker passes, the remote nodes really live in their namespaces, and
 * after stop no agent and no node is left.
 *
 * Creating namespaces needs root (CAP_SYS_ADMIN and CAP_NET_ADMIN). Where the
 * machine refuses, the test is skipped and the reason printed.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { readlinkSync } from "node:fs";
import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { checkBroadcast, gossipBroadcastNode, launch } from "../../dist/runtime/index.js";
import { repoRoot } from "../support/kernel-client.js";
import { nodeProcesses } from "../support/node-processes.js";

const tag = String(process.pid % 100_000);
const subnet = `10.${77 + (process.pid % 3)}.${process.pid % 250}`;
const bridge = `pdb${tag}`;
const namespaces = [1, 2].map((i) => ({ name: `pdn${tag}x${i}`, veth: `pdv${tag}x${i}`, peer: `pdp${tag}x${i}`, address: `${subnet}.${i + 1}` }));
const controllerAddress = `${subnet}.1`;

function ip(...args: string[]): void {
  execFileSync("ip", args, { stdio: ["ignore", "ignore", "pipe"] });
}

function tearDown(): void {
  for (const ns of namespaces) {
    try {
      ip("netns", "del", ns.name);
    } catch {
      // Not created.
    }
  }
  try {
    ip("link", "del", bridge);
  } catch {
    // Not created.
  }
}

let refused: string | undefined;
beforeAll(() => {
  try {
    ip("link", "add", bridge, "type", "bridge");
    ip("addr", "add", `${controllerAddress}/24`, "dev", bridge);
    ip("link", "set", bridge, "up");
    for (const ns of namespaces) {
      ip("netns", "add", ns.name);
      ip("link", "add", ns.veth, "type", "veth", "peer", "name", ns.peer);
      ip("link", "set", ns.peer, "netns", ns.name);
      ip("link", "set", ns.veth, "master", bridge, "up");
      ip("netns", "exec", ns.name, "ip", "addr", "add", `${ns.address}/24`, "dev", ns.peer);
      ip("netns", "exec", ns.name, "ip", "link", "set", ns.peer, "up");
      ip("netns", "exec", ns.name, "ip", "link", "set", "lo", "up");
    }
  } catch (error) {
    refused = `network namespaces are not available here: ${String((error as { stderr?: Buffer }).stderr ?? error).trim()}`;
    console.warn(`skipping the multi-host test: ${refused}`);
    tearDown();
  }
});
afterAll(tearDown);

function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, host, () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}


describe("multi-host mode", () => {
  test("nodes in two other network namespaces join with `pardis node --join`, survive a crash and restart, and leave nothing behind", async (context) => {
    if (refused) context.skip();
    const port = await freePort(controllerAddress);
    const listen = `tcp://${controllerAddress}:${port}`;
    const agents: ChildProcess[] = [];
    const agentLog: string[] = [];
    // The agents start first: ZeroMQ keeps trying until the controller listens.
    for (const [i, ns] of namespaces.entries()) {
      const agent = spawn("ip", ["netns", "exec", ns.name, process.execPath, `${repoRoot}/dist/kernel/cli.js`, "node", "--join", listen, "--id", `n${i + 1}`, "--host", ns.address], {
        stdio: ["ignore", "pipe", "pipe"],
      });
      agent.stderr!.on("data", (chunk: Buffer) => agentLog.push(chunk.toString()));
      agents.push(agent);
    }
    const exits = agents.map((agent) => new Promise<number | null>((resolve) => agent.once("exit", (code) => resolve(code))));
    try {
      const cluster = await launch(gossipBroadcastNode({ intervalMs: 50 }), { nodes: 3, listen, remote: ["n1", "n2"], printLogs: false });
      try {
        // The remote nodes run in their namespaces' network stacks, not ours.
        const ours = readlinkSync("/proc/self/ns/net");
        const status = cluster.status();
        for (const node of status.slice(1)) expect(readlinkSync(`/proc/${node.pid}/ns/net`), `${node.id} in another namespace`).not.toBe(ours);
        expect(Object.values(cluster.endpoints()).sort()).toEqual([
          expect.stringMatching(new RegExp(`^tcp://${controllerAddress.replaceAll(".", "\\.")}:\\d+$`)),
          expect.stringMatching(new RegExp(`^tcp://${namespaces[0]!.address.replaceAll(".", "\\.")}:\\d+$`)),
          expect.stringMatching(new RegExp(`^tcp://${namespaces[1]!.address.replaceAll(".", "\\.")}:\\d+$`)),
        ]);
        const run = await cluster.run({
          durationMs: 2000,
          workload: { kind: "broadcast", stopMs: 1100, finalReadMs: 1700 },
          faults: [{ atMs: 300, fault: "crash", node: "n1", restartAfterMs: 400 }],
        });
        const verdict = checkBroadcast(run.record);
        expect(verdict.ok, `${verdict.message}\n${agentLog.join("")}`).toBe(true);
        expect(cluster.status()[1]).toMatchObject({ state: "up", incarnation: 1 });
        expect(run.record.messages.some((m) => m.src === "n2" && m.dest === "n0" && m.deliveredMs !== undefined)).toBe(true);
      } finally {
        await cluster.stop();
      }
      expect(await Promise.all(exits), agentLog.join("")).toEqual([0, 0]);
      expect(nodeProcesses()).toEqual([]);
    } finally {
      for (const agent of agents) if (agent.exitCode === null) agent.kill("SIGKILL");
    }
  });
});
