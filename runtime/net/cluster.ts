/**
 * A real cluster: N node processes running the same node program, connected
 * to each other over ZeroMQ, controlled from the notebook's process. The
 * controller starts and supervises the processes, applies faults (signals for
 * crash/pause, pushed rules for the network), runs workload clients, and
 * assembles the same RunRecord the simulator produces, so the same checkers
 * and pictures apply.
 *
 * Cleanup is total: stop() kills every node's process group; an abort signal
 * or the kernel's interrupt stops the cluster; the node processes exit by
 * themselves when this process goes away (their stdin pipe closes), and
 * inside a kernel the reaper kills even a paused one.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import * as zmq from "zeromq";
import { PardisError, kernelInterruptSignal, type RunRecord } from "../core/index.js";
import type { MessageBody, NodeProgram, OutgoingBody } from "../node/index.js";
import type { Fault } from "../sim/faults.js";
import { ClusterClients } from "./cluster-clients.js";
import { formatReplay, resolveRun, type ClusterRunOptions, type LaunchOptions, type ResolvedLaunch } from "./cluster-options.js";
import { AGENT_PREFIX, type AgentToController, type ControllerToAgent, type ControllerToNode, type NodeConfig, type NodeToController } from "./control.js";
import { LiveView } from "./live-view.js";
import { NodeProcess } from "./node-process.js";
import type { NodeExit, NodeRunner } from "./node-runner.js";
import { Outbound } from "./outbound.js";
import { shipProgram, type ProgramRecipe } from "./program-recipe.js";
import { RecordBuilder } from "./record-builder.js";
import { RemoteNode } from "./remote-node.js";
import type { NetworkRules } from "./rules.js";

export type NodeState = "starting" | "up" | "paused" | "crashed" | "failed" | "stopped";

export interface NodeStatus {
  id: string;
  state: NodeState;
  pid?: number;
  incarnation: number;
  sent: number;
  delivered: number;
  dropped: number;
  /** The error that crashed it, when node code threw. */
  error?: string;
}

/** One run's result: the record (for checkers and pictures) and the scenario's replay line. */
export interface ClusterRun {
  record: RunRecord;
  replay: string;
}

interface Slot {
  id: string;
  incarnation: number;
  state: NodeState;
  process?: NodeRunner;
  /** For a node on another machine: its agent, once it has joined. */
  agent?: { host: string; joined: boolean };
  /** Wakes a boot waiting for this node's agent to join. */
  agentJoined?: () => void;
  address?: string;
  port: number;
  counts: number[];
  error?: string;
  /** Settles when the current incarnation's program runs (or its start fails). */
  started?: { resolve: () => void; reject: (error: Error) => void; promise: Promise<void> };
  /** Set when this controller killed the process on purpose, so its exit is not a surprise. */
  killing?: "crash" | "stop";
  stderrTail: string[];
}

const REPORT_INTERVAL_MS = 25;

function deferred(): NonNullable<Slot["started"]> {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => undefined);
  return { resolve, reject, promise };
}

export class Cluster {
  readonly nodes: readonly string[];
  readonly #options: ResolvedLaunch;
  readonly #recipe: ProgramRecipe;
  readonly #slots = new Map<string, Slot>();
  readonly #control = new zmq.Router({ linger: 0, mandatory: true });
  readonly #controlOut: Outbound;
  readonly #builder: RecordBuilder;
  readonly #dataDir: string;
  readonly #ownsDataDir: boolean;
  readonly #epochMs = performance.timeOrigin + performance.now();
  readonly #clients: ClusterClients;
  readonly #live: LiveView | undefined;
  readonly #flushWaiters = new Map<number, { pending: Set<string>; done: () => void }>();
  #nextFlushToken = 1;
  #rules: NetworkRules = {};
  #stopped = false;
  #stopping: Promise<RunRecord> | undefined;
  #lastReplay: string | undefined;
  /** Ends the current run early (stop() calls it). */
  #endRun: (() => void) | undefined;
  readonly #abortListeners: Array<() => void> = [];
  /** Nodes run by `pardis node --join` agents on other machines. */
  readonly #remote: Set<string>;

  /** Use launch(): it starts the processes and waits until every node runs. */
  constructor(program: NodeProgram, options: ResolvedLaunch, extra: Pick<LaunchOptions, "dataDir" | "live"> & { pardisExports?: ReadonlySet<string> }) {
    this.#remote = new Set(options.remote);
    this.nodes = options.nodes;
    this.#options = options;
    this.#recipe = shipProgram(program, extra.pardisExports);
    this.#builder = new RecordBuilder(options.nodes);
    this.#ownsDataDir = extra.dataDir === undefined;
    this.#dataDir = extra.dataDir ?? mkdtempSync(join(tmpdir(), "pardis-cluster-"));
    this.#controlOut = new Outbound(this.#control, () => undefined);
    this.#clients = new ClusterClients({
      host: options.host,
      nodes: options.nodes,
      seed: options.seed,
      maxMessageBytes: options.maxMessageBytes,
      builder: this.#builder,
      now: () => this.now(),
    });
    for (const id of options.nodes) this.#slots.set(id, { id, incarnation: -1, state: "starting", port: 0, counts: [0, 0, 0], stderrTail: [] });
    this.#live = extra.live ? new LiveView(() => this.status()) : undefined;
  }

  /** Milliseconds since the cluster started: the clock of its record. */
  now(): number {
    return performance.timeOrigin + performance.now() - this.#epochMs;
  }

  // ------------------------------------------------------------ lifecycle

  /** Binds the control socket and the clients' inbox, starts every node, resolves when all run. */
  async start(signal?: AbortSignal): Promise<void> {
    await this.#control.bind(this.#options.listen ?? `tcp://${this.#options.host}:*`);
    void this.#listen();
    await this.#clients.bind();
    this.#watchAbort(signal);
    this.#watchAbort(kernelInterruptSignal());
    this.#live?.show();
    try {
      await Promise.all(this.nodes.map((id) => this.#boot(id)));
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  #watchAbort(signal: AbortSignal | undefined): void {
    if (signal === undefined) return;
    const onAbort = () => void this.stop();
    if (signal.aborted) onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    this.#abortListeners.push(() => signal.removeEventListener("abort", onAbort));
  }

  #slot(id: string): Slot {
    const slot = this.#slots.get(id);
    if (slot === undefined) throw new PardisError("net-unknown-node", `No node ${JSON.stringify(id)} in this cluster; nodes are ${this.nodes.join(", ")}`);
    return slot;
  }

  #assertRunning(): void {
    if (this.#stopped) throw new PardisError("net-stopped", "This cluster has been stopped; launch a new one.");
  }

  /** Starts the next incarnation of a node and waits until its program runs. */
  async #boot(id: string): Promise<void> {
    const slot = this.#slot(id);
    slot.incarnation += 1;
    slot.state = "starting";
    slot.counts = [0, 0, 0];
    delete slot.error;
    delete slot.killing;
    slot.stderrTail = [];
    slot.started = deferred();
    const config: NodeConfig = {
      id,
      nodeIds: [...this.nodes],
      incarnation: slot.incarnation,
      control: this.#control.lastEndpoint!,
      bindHost: this.#options.host,
      port: slot.port,
      storageFile: join(this.#dataDir, `${id}.storage.jsonl`),
      program: this.#recipe,
      epochMs: this.#epochMs,
      seed: this.#options.seed,
      maxMessageBytes: this.#options.maxMessageBytes,
      recordMessages: this.#options.recordMessages,
      reportIntervalMs: REPORT_INTERVAL_MS,
    };
    const proc = this.#remote.has(id) ? await this.#remoteRunner(slot, config) : new NodeProcess(config, (stream, line) => this.#printed(slot, stream, line));
    slot.process = proc;
    const incarnation = slot.incarnation;
    void proc.exited.then((exit) => this.#exited(slot, incarnation, exit));
    const timer = setTimeout(() => {
      slot.started?.reject(
        new PardisError(
          "net-start-failed",
          `Node ${id} did not start within ${this.#options.startTimeoutMs} ms.` + (slot.stderrTail.length ? ` Its last output:\n${slot.stderrTail.join("\n")}` : ""),
        ),
      );
    }, this.#options.startTimeoutMs);
    try {
      await slot.started.promise;
      // Up means clients can reach it: the controller's own link to it has connected too.
      await this.#clients.connected(id, 2000);
    } finally {
      clearTimeout(timer);
    }
  }

  #printed(slot: Slot, stream: "stdout" | "stderr", line: string): void {
    if (stream === "stderr") {
      slot.stderrTail.push(line);
      if (slot.stderrTail.length > 20) slot.stderrTail.shift();
    }
    (stream === "stdout" ? process.stdout : process.stderr).write(`[${slot.id}] ${line}\n`);
  }

  /** Waits (up to the start timeout) for the node's agent to join, then has it start the process. */
  async #remoteRunner(slot: Slot, config: NodeConfig): Promise<RemoteNode> {
    if (!slot.agent?.joined) {
      const joined = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), this.#options.startTimeoutMs);
        slot.agentJoined = () => {
          clearTimeout(timer);
          resolve(true);
        };
      });
      if (!joined) {
        throw new PardisError(
          "net-start-failed",
          `Node ${slot.id} runs on another machine, and no agent joined for it within ${this.#options.startTimeoutMs} ms. ` +
            `Start it there with: pardis node --join ${this.#control.lastEndpoint} --id ${slot.id} --host <that machine's address>`,
        );
      }
    }
    return new RemoteNode(config, (message) => this.#tellAgent(slot.id, message));
  }

  #tellAgent(id: string, message: ControllerToAgent): void {
    this.#controlOut.push([`${AGENT_PREFIX}${id}`, JSON.stringify(message)]);
  }

  #exited(slot: Slot, incarnation: number, exit: NodeExit): void {
    if (slot.incarnation !== incarnation) return;
    const intended = slot.killing;
    if (intended === "stop") {
      slot.state = "stopped";
    } else if (intended !== "crash") {
      // Nobody asked for this exit: node code threw (failed) or the process died.
      const how = exit.signal !== null ? `killed by ${exit.signal}` : `exited with code ${exit.code}`;
      slot.state = slot.error !== undefined ? "failed" : "crashed";
      this.#builder.event({ atMs: this.now(), kind: "crash", node: slot.id, detail: slot.error ?? `the node process ${how}` });
      if (slot.error === undefined && !this.#stopped) process.stderr.write(`[${slot.id}] the node process ${how}\n`);
    }
    slot.started?.reject(
      new PardisError("net-start-failed", `Node ${slot.id} exited before it started.` + (slot.stderrTail.length ? ` Its last output:\n${slot.stderrTail.join("\n")}` : "")),
    );
    this.#live?.changed();
  }

  // ------------------------------------------------------------ the control channel

  async #listen(): Promise<void> {
    try {
      for await (const [, frame] of this.#control) {
        let message: NodeToController | AgentToController;
        try {
          message = JSON.parse(frame!.toString()) as NodeToController | AgentToController;
        } catch {
          continue;
        }
        this.#heard(message);
      }
    } catch (error) {
      if (!this.#control.closed) process.stderr.write(`[pardis] the cluster's control socket failed: ${(error as Error).message}\n`);
    }
  }

  #tell(id: string, message: ControllerToNode): void {
    const slot = this.#slots.get(id);
    if (slot === undefined || slot.state === "crashed" || slot.state === "failed" || slot.state === "stopped") return;
    this.#controlOut.push([`${id}/${slot.incarnation}`, JSON.stringify(message)]);
  }

  #tellAll(message: ControllerToNode): void {
    for (const id of this.nodes) this.#tell(id, message);
  }

  #addresses(): Record<string, string> {
    const addresses: Record<string, string> = {};
    for (const slot of this.#slots.values()) if (slot.address !== undefined) addresses[slot.id] = slot.address;
    return addresses;
  }

  #heardAgent(message: AgentToController): void {
    const slot = this.#slots.get(message.id);
    if (slot === undefined || !this.#remote.has(message.id)) {
      if (message.t === "join") this.#tellAgent(message.id, { t: "bye" });
      return;
    }
    const runner = slot.process instanceof RemoteNode ? slot.process : undefined;
    switch (message.t) {
      case "join":
        slot.agent = { host: message.host, joined: true };
        this.#tellAgent(slot.id, { t: "welcome" });
        slot.agentJoined?.();
        break;
      case "spawned":
        if (runner?.config.incarnation === message.incarnation) runner.spawned(message.pid);
        break;
      case "exited":
        if (runner?.config.incarnation === message.incarnation) runner.ended({ code: message.code, signal: message.signal });
        break;
      case "output":
        if (message.incarnation === slot.incarnation) this.#printed(slot, message.stream, message.line);
        break;
      case "signalled":
        runner?.signalled(message.token);
        break;
    }
  }

  #heard(incoming: NodeToController | AgentToController): void {
    if (incoming.t === "join" || incoming.t === "spawned" || incoming.t === "exited" || incoming.t === "output" || incoming.t === "signalled") {
      return this.#heardAgent(incoming);
    }
    const message = incoming;
    const slot = this.#slots.get(message.id);
    if (slot === undefined || slot.incarnation !== message.incarnation) return;
    switch (message.t) {
      case "ready": {
        // A restarted node usually gets its old port back; only a new address needs telling the others.
        const changed = slot.address !== message.address;
        slot.address = message.address;
        slot.port = Number(message.address.slice(message.address.lastIndexOf(":") + 1));
        this.#clients.connect(slot.id, message.address);
        // Everyone learns every address once all are known (at launch), or this one's when it changed (a restart on a new port).
        const addresses = this.#addresses();
        const allKnown = this.nodes.every((id) => addresses[id] !== undefined || this.#slots.get(id)!.state !== "starting");
        if (allKnown) {
          const clientInbox = this.#clients.inbox;
          for (const id of this.nodes) {
            const other = this.#slots.get(id)!;
            if (id === slot.id || other.state === "starting" || changed) {
              this.#tell(id, { t: "rules", rules: this.#rules });
              this.#tell(id, { t: "peers", addresses, clientInbox });
            }
          }
        }
        break;
      }
      case "started":
        slot.state = "up";
        slot.started?.resolve();
        this.#live?.changed();
        break;
      case "report":
        this.#builder.sent(slot.id, message.incarnation, message.sent);
        this.#builder.received(slot.id, message.received);
        for (const [atMs, text] of message.logs) {
          this.#builder.event({ atMs, kind: "log", node: slot.id, detail: text });
          if (this.#options.printLogs || text.startsWith("[pardis]")) process.stdout.write(`[${slot.id}] ${text}\n`);
        }
        slot.counts = message.counts;
        this.#live?.changed();
        break;
      case "failed":
        slot.error = message.error.split("\n")[0];
        process.stderr.write(`[${slot.id}] node code threw; the node crashes:\n${message.error}\n`);
        break;
      case "flushed": {
        const waiter = this.#flushWaiters.get(message.token);
        waiter?.pending.delete(slot.id);
        if (waiter && waiter.pending.size === 0) waiter.done();
        break;
      }
    }
  }

  /** Asks every live node for its last report and waits (briefly) until all have answered. */
  async #flush(): Promise<void> {
    const token = this.#nextFlushToken++;
    const live = this.nodes.filter((id) => this.#slots.get(id)!.state === "up");
    if (live.length === 0) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(finish, 1000);
      function finish() {
        clearTimeout(timer);
        resolve();
      }
      this.#flushWaiters.set(token, { pending: new Set(live), done: finish });
      for (const id of live) this.#tell(id, { t: "flush", token });
    });
    this.#flushWaiters.delete(token);
  }

  // ------------------------------------------------------------ faults

  /** SIGKILL: the node's process and everything it started die at once; its durable storage stays on disk. */
  async crash(id: string): Promise<void> {
    this.#assertRunning();
    const slot = this.#slot(id);
    if (slot.process === undefined || slot.process.state === "exited") return;
    slot.killing = "crash";
    slot.state = "crashed";
    this.#builder.event({ atMs: this.now(), kind: "crash", node: id });
    await slot.process.kill();
    this.#live?.changed();
  }

  /** Starts a crashed (or failed) node again: a new process, the same durable storage. */
  async restart(id: string): Promise<void> {
    this.#assertRunning();
    const slot = this.#slot(id);
    if (slot.state !== "crashed" && slot.state !== "failed") {
      throw new PardisError("net-invalid-options", `Node ${id} is ${slot.state}; only a crashed node can be restarted (crash it first).`);
    }
    this.#builder.event({ atMs: this.now(), kind: "restart", node: id });
    await this.#boot(id);
  }

  /** SIGSTOP: the node stops mid-instruction; messages to it wait in the network, its timers stop. */
  async pause(id: string): Promise<void> {
    this.#assertRunning();
    const slot = this.#slot(id);
    if (slot.state !== "up") return;
    slot.state = "paused";
    await slot.process!.pause();
    this.#builder.event({ atMs: this.now(), kind: "pause", node: id });
    this.#live?.changed();
  }

  async resume(id: string): Promise<void> {
    this.#assertRunning();
    const slot = this.#slot(id);
    if (slot.state !== "paused") return;
    slot.state = "up";
    await slot.process!.resume();
    this.#builder.event({ atMs: this.now(), kind: "resume", node: id });
    this.#live?.changed();
  }

  /** Nodes can talk only inside their group until heal(). */
  partition(groups: string[][]): void {
    this.#assertRunning();
    for (const id of groups.flat()) this.#slot(id);
    this.#setRules({ ...this.#rules, groups });
    this.#builder.event({ atMs: this.now(), kind: "partition", groups });
  }

  /** One-way: messages from `from` to `to` are dropped until heal(). */
  cut(from: string[], to: string[]): void {
    this.#assertRunning();
    for (const id of [...from, ...to]) this.#slot(id);
    this.#setRules({ ...this.#rules, cuts: [...(this.#rules.cuts ?? []), { from, to }] });
    this.#builder.event({ atMs: this.now(), kind: "partition", detail: `cut ${from.join(",")} -> ${to.join(",")}` });
  }

  heal(): void {
    this.#assertRunning();
    const { groups: _groups, cuts: _cuts, ...rest } = this.#rules;
    this.#setRules(rest);
    this.#builder.event({ atMs: this.now(), kind: "heal" });
  }

  /** Per-message faults and added delay on every node-to-node link (replaces the previous ones; partitions stay). */
  network(rules: Omit<NetworkRules, "groups" | "cuts">): void {
    this.#assertRunning();
    this.#setRules({ ...(this.#rules.groups ? { groups: this.#rules.groups } : {}), ...(this.#rules.cuts ? { cuts: this.#rules.cuts } : {}), ...rules });
  }

  /** Shifts a node's clock by `offsetMs`. */
  skew(id: string, offsetMs: number): void {
    this.#assertRunning();
    this.#slot(id);
    this.#tell(id, { t: "skew", offsetMs });
    this.#builder.event({ atMs: this.now(), kind: "skew", node: id, detail: `${offsetMs} ms` });
  }

  #setRules(rules: NetworkRules): void {
    this.#rules = rules;
    this.#tellAll({ t: "rules", rules });
  }

  /** Applies one fault of a schedule (the simulator's format). */
  async apply(fault: Fault): Promise<void> {
    switch (fault.fault) {
      case "partition":
        return this.partition(fault.groups);
      case "cut":
        return this.cut(fault.from, fault.to);
      case "heal":
        return this.heal();
      case "crash":
        await this.crash(fault.node);
        if (fault.restartAfterMs !== undefined) this.#later(fault.restartAfterMs, () => this.restart(fault.node));
        return;
      case "restart":
        return this.restart(fault.node);
      case "pause":
        await this.pause(fault.node);
        if (fault.resumeAfterMs !== undefined) this.#later(fault.resumeAfterMs, () => this.resume(fault.node));
        return;
      case "resume":
        return this.resume(fault.node);
      case "skew":
        return this.skew(fault.node, fault.offsetMs);
    }
  }

  readonly #timers = new Set<NodeJS.Timeout>();
  #later(delayMs: number, action: () => unknown): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      if (this.#stopped) return;
      Promise.resolve()
        .then(action)
        .catch((error: unknown) => process.stderr.write(`[pardis] a scheduled fault failed: ${(error as Error).message}\n`));
    }, Math.max(0, delayMs));
    this.#timers.add(timer);
  }

  // ------------------------------------------------------------ runs

  /**
   * Runs a scenario for `durationMs`: the fault schedule (times from now),
   * network faults, and the workload's clients, whose operations go into the
   * record's history. Resolves with the record and the scenario's replay line.
   */
  async run(options: ClusterRunOptions = {}): Promise<ClusterRun> {
    this.#assertRunning();
    const run = resolveRun(options, this.nodes, this.#options.seed);
    const replay = formatReplay(this.#options, run);
    this.#lastReplay = replay;
    const startMs = this.now();
    const interrupt = [options.signal, kernelInterruptSignal()].filter((s): s is AbortSignal => s !== undefined);
    let aborted: AbortSignal | undefined;
    let stoppedDuringRun = false;
    await new Promise<void>((resolve) => {
      const finish = () => {
        clearTimeout(end);
        for (const signal of interrupt) signal.removeEventListener("abort", onAbort);
        resolve();
      };
      const onAbort = () => {
        aborted = interrupt.find((s) => s.aborted);
        finish();
      };
      this.#endRun = () => {
        stoppedDuringRun = true;
        finish();
      };
      const end = setTimeout(finish, run.durationMs);
      for (const signal of interrupt) {
        if (signal.aborted) return onAbort();
        signal.addEventListener("abort", onAbort, { once: true });
      }
      if (Object.keys(run.network).length > 0) {
        this.network(run.network);
        if (run.networkUntilMs < run.durationMs) this.#later(run.networkUntilMs, () => this.network({}));
      }
      for (const fault of run.schedule) this.#later(fault.atMs, () => this.apply(fault));
      if (run.workload !== undefined) this.#clients.start(run.workload, run.durationMs, startMs, (delay, action) => this.#later(delay, action));
    });
    this.#endRun = undefined;
    this.#clients.stop();
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    if (stoppedDuringRun) {
      const record = await this.stop();
      throw Object.assign(new PardisError("net-stopped", `The cluster was stopped ${(this.now() - startMs).toFixed(0)} ms into the run.`), { record, replay });
    }
    if (aborted !== undefined) {
      const record = await this.stop();
      throw Object.assign(new PardisError("net-interrupted", `The cluster run was interrupted after ${(this.now() - startMs).toFixed(0)} ms; every node process was stopped.`), { record, replay });
    }
    return { record: await this.record(), replay };
  }

  /** The record so far (every node's latest report included). */
  async record(): Promise<RunRecord> {
    if (!this.#stopped) await this.#flush();
    return this.#builder.build(this.now(), this.#lastReplay);
  }

  /**
   * Sends one request to a node, as a client would (client id c0), and
   * resolves with the reply's body; rejects with an RpcError on an error
   * reply or after `timeoutMs`. For poking at a node by hand from a cell.
   */
  request(node: string, body: OutgoingBody, options: { timeoutMs?: number } = {}): Promise<MessageBody> {
    this.#assertRunning();
    this.#slot(node);
    return this.#clients.request(node, body, options.timeoutMs ?? 1000);
  }

  /** Each node's inbound address (tcp://host:port), as its peers know it. */
  endpoints(): Record<string, string> {
    return this.#addresses();
  }

  status(): NodeStatus[] {
    return this.nodes.map((id) => {
      const slot = this.#slots.get(id)!;
      const status: NodeStatus = { id, state: slot.state, incarnation: Math.max(0, slot.incarnation), sent: slot.counts[0] ?? 0, delivered: slot.counts[1] ?? 0, dropped: slot.counts[2] ?? 0 };
      if (slot.process?.pid !== undefined) status.pid = slot.process.pid;
      if (slot.error !== undefined) status.error = slot.error;
      return status;
    });
  }

  /** Pids of every live node process (for tests that check nothing is left behind). */
  pids(): number[] {
    return [...this.#slots.values()].flatMap((slot) => (slot.process?.pid !== undefined && slot.process.state !== "exited" ? [slot.process.pid] : []));
  }

  /** Stops every node (their process groups are killed) and returns the final record. Safe to call twice. */
  stop(): Promise<RunRecord> {
    this.#stopping ??= this.#stop();
    return this.#stopping;
  }

  async #stop(): Promise<RunRecord> {
    this.#endRun?.();
    if (!this.#stopped) await this.#flush().catch(() => undefined);
    this.#stopped = true;
    this.#clients.stop();
    for (const timer of this.#timers) clearTimeout(timer);
    for (const remove of this.#abortListeners) remove();
    await Promise.all(
      [...this.#slots.values()].map(async (slot) => {
        if (slot.process === undefined || slot.process.state === "exited") return;
        slot.killing = "stop";
        await slot.process.kill();
      }),
    );
    for (const slot of this.#slots.values()) slot.started?.reject(new PardisError("net-stopped", "The cluster was stopped."));
    for (const id of this.#remote) this.#tellAgent(id, { t: "bye" });
    // Let the goodbyes leave before the socket closes (linger is 0).
    if (this.#remote.size > 0) await new Promise((resolve) => setTimeout(resolve, 50));
    this.#controlOut.close();
    this.#control.close();
    this.#clients.close();
    if (this.#ownsDataDir) rmSync(this.#dataDir, { recursive: true, force: true });
    this.#live?.changed();
    this.#live?.close();
    return this.#builder.build(this.now(), this.#lastReplay);
  }
}
