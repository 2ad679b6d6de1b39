import { PardisError, kernelInterruptSignal, seededRandom, type HistoryOperation, type MessageRecord, type Random, type RunEvent, type RunRecord } from "../core/index.js";
import { copyBody, memoryStorage, startNode, type DurableStorage, type Envelope, type MessageBody, type NodeHost, type NodeProgram, type RunningNode } from "../node/index.js";
import { seededRandoms } from "../core/random.js";
import { progress as progressBar, type ProgressBar } from "../viz/progress.js";
import { kernelBridge } from "../viz/kernel-bridge.js";
import { Agenda } from "./agenda.js";
import { drawSwarm, type Fault, type NetworkFaults } from "./faults.js";
import { latencySampler } from "./latency.js";
import { formatReplay, resolveSpec, type ResolvedSpec, type SimulationOptions } from "./options.js";
import { Clients } from "./clients.js";

/**
 * Kinds of agenda entries, and what each keeps in the agenda's columns:
 *   DELIVER         target: destination, aux: sender index, item: the envelope, extra: its record (when recorded)
 *   TIMER           target: node, aux: the incarnation that set it (a timer of an earlier life never fires), item: the Timer
 *   FAULT           item: the Fault
 *   CLIENT_NEXT     target: the client's participant index
 *   CLIENT_TIMEOUT  target: the client's participant index, aux: msg_id, item: the cancel handle
 *   FINAL_READS     nothing
 */
const DELIVER = 0;
const TIMER = 1;
const FAULT = 2;
const CLIENT_NEXT = 3;
const CLIENT_TIMEOUT = 4;
const FINAL_READS = 5;

interface Timer {
  readonly fire: () => void;
  readonly handle: number;
  cancelled: boolean;
}

type AgendaItem = Envelope | Timer | Fault | { cancelled: boolean };

/** An agenda entry set aside while its node is paused (rare: the one place an entry becomes an object). */
interface HeldEntry {
  kind: number;
  target: number;
  aux: number;
  item: AgendaItem | undefined;
  extra: MessageRecord | undefined;
}

/** How often the run checks its abort signals, and how often it lets the event loop run (interrupts, progress). */
const CHECK_EVERY = 1024;
const YIELD_EVERY = 16_384;

export interface SimulationStats {
  events: number;
  sent: number;
  delivered: number;
  lost: number;
  duplicated: number;
  droppedByPartition: number;
  droppedAtCrashedNode: number;
  crashes: number;
}

/** A finished simulation: the record checkers and pictures read, and what shaped it. */
export interface SimulationRun {
  record: RunRecord;
  /** The single line that reproduces this run: `simulate(sameNode, { replay })`. */
  replay: string;
  seed: number;
  /** The network faults and fault schedule that were in force (the swarm's draw, when the seed chose them). */
  network: NetworkFaults;
  schedule: Fault[];
  /** Why the run ended: it reached its deadline, or nothing was left to happen. */
  ended: "deadline" | "quiescent";
  stats: SimulationStats;
  /** Each node's durable storage at the end. */
  storage: Record<string, Record<string, unknown>>;
}

/** A run that stopped before its end: interrupted or runaway. Carries the replay line and what was recorded so far. */
export class SimulationError extends PardisError {
  override name = "SimulationError";
  constructor(
    code: "sim-runaway" | "sim-interrupted",
    message: string,
    readonly replay: string,
    readonly partial: RunRecord,
  ) {
    super(code, `${message}\nreplay: ${replay}`);
  }
}

/**
 * Runs nodes in virtual time against a seeded, faulty network and records
 * everything. One PRNG decides latencies, faults, the swarm's mix, workloads
 * and node.random, in event order, so a seed and the same node code give a
 * byte-identical record.
 */
export async function simulate(program: NodeProgram, options: SimulationOptions = {}): Promise<SimulationRun> {
  return new Simulation(program, resolveSpec(options), options).run();
}

class Simulation {
  private readonly random: Random;
  private readonly agenda = new Agenda<AgendaItem, MessageRecord>();
  private readonly replay: string;
  private now = 0;
  private nextMessageId = 0;
  private nextTimerHandle = 1;
  private readonly timers = new Map<number, Timer>();
  private asyncPending = false;

  private readonly n: number;
  private readonly ids: string[];
  private readonly indexOf = new Map<string, number>();
  private readonly up: boolean[];
  private readonly paused: boolean[];
  private readonly life: number[];
  private readonly skewMs: number[];
  private readonly held: HeldEntry[][];
  private readonly running: Array<RunningNode | undefined>;
  private readonly storages: Array<DurableStorage & { snapshot(): Record<string, unknown> }>;
  private readonly nodeRandoms: Random[];
  /** Partition group per node, or undefined when the network is whole. */
  private groupOf: Int32Array | undefined;
  /** One-way cuts: blocked[src * n + dest] is 1 when messages from src to dest are dropped. */
  private blocked: Uint8Array | undefined;

  private readonly messages: MessageRecord[] = [];
  private readonly events: RunEvent[] = [];
  private readonly history: HistoryOperation[] = [];
  private readonly stats: SimulationStats = { events: 0, sent: 0, delivered: 0, lost: 0, duplicated: 0, droppedByPartition: 0, droppedAtCrashedNode: 0, crashes: 0 };

  private readonly latency: () => number;
  private readonly network: NetworkFaults;
  /** The network's probabilities and the recording switch, read once per message: plain fields, no optional chains. */
  private lossP: number;
  private duplicateP: number;
  private reorderP: number;
  /** A swarm's drawn network faults end here (as its schedule does); the spec's own network faults stay. */
  private networkUntilMs = Infinity;
  private readonly recordMessages: boolean;
  private readonly schedule: Fault[];
  private readonly clients: Clients | undefined;

  constructor(
    private readonly program: NodeProgram,
    private readonly spec: ResolvedSpec,
    private readonly options: SimulationOptions,
  ) {
    this.replay = formatReplay(spec);
    this.random = seededRandom(spec.seed);
    // Node randomness is its own stream per node (seeded from the run's), so adding a node.random call in one node does not shift every network decision.
    this.nodeRandoms = seededRandoms(spec.nodes.map(() => this.random.int(0x7fffffff)));
    this.latency = latencySampler(spec.latency, this.random);
    if (spec.faults === "swarm" || !Array.isArray(spec.faults)) {
      const swarm = spec.faults === "swarm" ? { untilMs: spec.durationMs * 0.7 } : spec.faults.swarm;
      const draw = drawSwarm(this.random, spec.nodes, swarm);
      this.network = { ...draw.network, ...spec.network };
      this.schedule = draw.schedule;
      this.networkUntilMs = swarm.untilMs;
    } else {
      this.network = spec.network;
      this.schedule = [...spec.faults].sort((a, b) => a.atMs - b.atMs);
    }
    this.lossP = this.network.loss ?? 0;
    this.duplicateP = this.network.duplicate ?? 0;
    this.reorderP = this.network.reorder ?? 0;
    this.recordMessages = options.recordMessages !== false;
    const sim = this;
    this.clients = spec.workload === undefined ? undefined : new Clients(spec.workload, spec.durationMs, {
      now: () => sim.now,
      random: sim.random,
      nodeIds: spec.nodes,
      history: sim.history,
      wake: (k, afterMs) => sim.agenda.push(at(sim.now, afterMs), CLIENT_NEXT, sim.n + k, 0, undefined, undefined),
      armTimeout: (k, msgId, afterMs) => {
        const handle = { cancelled: false };
        sim.agenda.push(at(sim.now, afterMs), CLIENT_TIMEOUT, sim.n + k, msgId, handle, undefined);
        return handle;
      },
      send: (k, dest, body) => sim.transmit(sim.n + k, dest, body),
    });
    const clients = this.clients?.ids ?? [];
    this.n = spec.nodes.length;
    this.ids = [...spec.nodes, ...clients];
    this.ids.forEach((id, i) => this.indexOf.set(id, i));
    const total = this.ids.length;
    this.up = new Array(total).fill(true);
    this.paused = new Array(total).fill(false);
    this.life = new Array(total).fill(0);
    this.skewMs = new Array(total).fill(0);
    this.held = Array.from({ length: total }, () => []);
    this.running = new Array(this.n).fill(undefined);
    this.storages = spec.nodes.map(() => memoryStorage());
  }

  // ------------------------------------------------------------ the loop

  async run(): Promise<SimulationRun> {
    for (const fault of this.schedule) this.agenda.push(fault.atMs, FAULT, -1, 0, fault, undefined);
    for (let i = 0; i < this.n; i++) this.boot(i);
    await this.drainAsync();
    this.clients?.start();
    const finalReadMs = this.clients?.finalReadMs;
    if (finalReadMs !== undefined) this.agenda.push(finalReadMs, FINAL_READS, -1, 0, undefined, undefined);

    const signals = [this.options.signal, kernelInterruptSignal()].filter((s): s is AbortSignal => s !== undefined);
    const showProgress = this.options.progress ?? kernelBridge() !== undefined;
    let bar: ProgressBar | undefined;
    let barAt = 0;
    const deadline = this.spec.durationMs;
    const maxEvents = this.spec.maxEvents;
    let ended: SimulationRun["ended"] | undefined;
    let count = 0;
    while (ended === undefined) {
      // Synchronous stretches (up to CHECK_EVERY events, or until node code left promise work) keep the hot loop out of the async function.
      const stretch = this.steps(CHECK_EVERY - (count & (CHECK_EVERY - 1)));
      count += stretch.handled;
      ended = stretch.ended;
      if (this.asyncPending) await this.drainAsync();
      if ((count & (CHECK_EVERY - 1)) !== 0 || ended !== undefined) continue;
      if (count >= maxEvents) {
        this.stats.events = count;
        throw new SimulationError("sim-runaway", `The simulation handled ${count} events by ${this.now.toFixed(1)} ms of virtual time and was stopped (maxEvents ${maxEvents}): a timer with a tiny interval, or a message storm?`, this.replay, this.record(this.now));
      }
      if ((count & (YIELD_EVERY - 1)) === 0) {
        await yieldToEventLoop();
        if (showProgress) {
          bar ??= progressBar(Math.ceil(deadline), { label: `simulating ${this.n} nodes (virtual ms)` });
          bar.tick(Math.floor(this.now) - barAt);
          barAt = Math.floor(this.now);
        }
      }
      for (const signal of signals) {
        if (signal.aborted) {
          this.stats.events = count;
          throw new SimulationError("sim-interrupted", `The simulation was interrupted at ${this.now.toFixed(1)} ms of virtual time after ${count} events.`, this.replay, this.record(this.now));
        }
      }
    }
    bar?.finish();
    this.stats.events = count;
    const endMs = ended === "deadline" ? deadline : this.now;
    const storage: SimulationRun["storage"] = {};
    this.spec.nodes.forEach((id, i) => (storage[id] = this.storages[i]!.snapshot()));
    return { record: this.record(endMs), replay: this.replay, seed: this.spec.seed, network: this.network, schedule: this.schedule, ended, stats: this.stats, storage };
  }

  /** Handles up to `limit` events; stops early when node code left promise work, or when the run is over. */
  private steps(limit: number): { handled: number; ended: SimulationRun["ended"] | undefined } {
    const agenda = this.agenda;
    const deadline = this.spec.durationMs;
    let handled = 0;
    while (handled < limit) {
      if (agenda.size === 0) return { handled, ended: "quiescent" };
      if (agenda.peekTime() > deadline) return { handled, ended: "deadline" };
      agenda.pop();
      this.now = agenda.t;
      this.handle(agenda.kind, agenda.target, agenda.aux, agenda.item, agenda.extra);
      handled++;
      if (this.asyncPending) break;
    }
    return { handled, ended: undefined };
  }

  private record(endMs: number): RunRecord {
    return {
      nodes: this.spec.nodes,
      clients: this.ids.slice(this.n),
      messages: this.messages,
      events: this.events,
      history: this.history,
      replay: this.replay,
      endMs,
    };
  }

  /** Lets promise continuations of node code (async handlers, awaited RPCs) run before the next event, so they happen at this virtual instant. */
  private async drainAsync(): Promise<void> {
    while (this.asyncPending) {
      this.asyncPending = false;
      await yieldToEventLoop();
    }
  }

  private handle(kind: number, target: number, aux: number, item: AgendaItem | undefined, extra: MessageRecord | undefined): void {
    switch (kind) {
      case DELIVER:
        return this.deliver(target, aux, item as Envelope, extra);
      case TIMER:
        return this.fireTimer(target, aux, item as Timer);
      case FAULT:
        return this.applyFault(item as Fault);
      case CLIENT_NEXT:
        return this.clients!.next(target - this.n);
      case CLIENT_TIMEOUT:
        if (!(item as { cancelled: boolean }).cancelled) this.clients!.timeout(target - this.n, aux);
        return;
      case FINAL_READS:
        return this.clients!.queueFinalReads();
    }
  }

  // ------------------------------------------------------------ nodes

  private boot(i: number): void {
    const life = this.life[i]!;
    const sim = this;
    const alive = () => sim.isAlive(i, life);
    const storage = this.storages[i]!;
    // A zombie (code of an earlier life still running in a promise chain) can neither send nor write.
    const guarded: DurableStorage = {
      get: (key) => storage.get(key),
      has: (key) => storage.has(key),
      keys: () => storage.keys(),
      set: (key, value) => {
        if (alive()) storage.set(key, value);
      },
      delete: (key) => (alive() ? storage.delete(key) : false),
    };
    this.running[i] = startNode(this.program, new SimHost(this, i, life, this.ids[i]!, this.spec.nodes, this.nodeRandoms[i]!, guarded));
  }

  // ------------------------------------------------------------ what a node's host asks of the simulation (SimHost)

  isAlive(i: number, life: number): boolean {
    return this.life[i] === life && this.up[i]!;
  }

  /** A node's send: dropped when it comes from an earlier life, or a crashed node. */
  transmitFrom(i: number, life: number, dest: string, body: MessageBody): void {
    if (this.life[i] === life && this.up[i]) this.transmit(i, dest, body);
  }

  nodeNow(i: number): number {
    return this.now + this.skewMs[i]!;
  }

  nodeLog(i: number, life: number, text: string): void {
    if (this.isAlive(i, life) && this.options.recordLogs !== false) this.events.push({ atMs: this.now, kind: "log", node: this.ids[i]!, detail: text });
  }

  nodeFailed(i: number, life: number, error: unknown): void {
    if (this.isAlive(i, life)) this.crash(i, `threw: ${describeError(error)}`);
  }

  noteAsyncWork(): void {
    this.asyncPending = true;
  }

  scheduleTimer(i: number, life: number, delayMs: number, fire: () => void): number {
    const handle = this.nextTimerHandle++;
    const timer: Timer = { fire, handle, cancelled: false };
    this.timers.set(handle, timer);
    this.agenda.push(at(this.now, Math.max(0, delayMs)), TIMER, i, life, timer, undefined);
    return handle;
  }

  cancelTimer(handle: number): void {
    const timer = this.timers.get(handle);
    if (timer === undefined) return;
    timer.cancelled = true;
    this.timers.delete(handle);
  }

  // ------------------------------------------------------------ the simulation's own

  private fireTimer(i: number, life: number, timer: Timer): void {
    if (this.paused[i] && !timer.cancelled && life === this.life[i] && this.up[i]) {
      // Held, not fired: it stays cancellable, because a message held with it
      // may be handled first at resume and cancel it.
      this.held[i]!.push({ kind: TIMER, target: i, aux: life, item: timer, extra: undefined });
      return;
    }
    this.timers.delete(timer.handle);
    if (timer.cancelled || life !== this.life[i] || !this.up[i]) return;
    timer.fire();
  }

  private crash(i: number, detail?: string): void {
    if (!this.up[i]) return;
    this.up[i] = false;
    this.life[i]!++;
    this.paused[i] = false;
    this.held[i] = [];
    this.running[i] = undefined;
    this.stats.crashes++;
    this.events.push(detail === undefined ? { atMs: this.now, kind: "crash", node: this.ids[i]! } : { atMs: this.now, kind: "crash", node: this.ids[i]!, detail });
  }

  private restart(i: number): void {
    if (this.up[i]) return;
    this.up[i] = true;
    this.events.push({ atMs: this.now, kind: "restart", node: this.ids[i]! });
    this.boot(i);
  }

  private applyFault(fault: Fault): void {
    const nodeIndex = "node" in fault ? this.indexOf.get(fault.node)! : -1;
    switch (fault.fault) {
      case "partition": {
        const groupOf = new Int32Array(this.n).fill(fault.groups.length);
        fault.groups.forEach((group, g) => group.forEach((id) => (groupOf[this.indexOf.get(id)!] = g)));
        const rest = this.spec.nodes.filter((_, i) => groupOf[i] === fault.groups.length);
        this.groupOf = groupOf;
        this.events.push({ atMs: this.now, kind: "partition", groups: rest.length > 0 ? [...fault.groups, rest] : fault.groups });
        return;
      }
      case "cut": {
        this.blocked ??= new Uint8Array(this.n * this.n);
        for (const from of fault.from) for (const to of fault.to) this.blocked[this.indexOf.get(from)! * this.n + this.indexOf.get(to)!] = 1;
        this.events.push({ atMs: this.now, kind: "partition", groups: [fault.from, fault.to], detail: `one-way: ${fault.from.join(",")} -> ${fault.to.join(",")}` });
        return;
      }
      case "heal":
        this.groupOf = undefined;
        this.blocked = undefined;
        this.events.push({ atMs: this.now, kind: "heal" });
        return;
      case "crash":
        this.crash(nodeIndex);
        if (fault.restartAfterMs !== undefined) {
          this.agenda.push(this.now + fault.restartAfterMs, FAULT, -1, 0, { atMs: this.now + fault.restartAfterMs, fault: "restart", node: fault.node }, undefined);
        }
        return;
      case "restart":
        return this.restart(nodeIndex);
      case "pause":
        if (!this.up[nodeIndex] || this.paused[nodeIndex]) return;
        this.paused[nodeIndex] = true;
        this.events.push({ atMs: this.now, kind: "pause", node: fault.node });
        if (fault.resumeAfterMs !== undefined) {
          this.agenda.push(this.now + fault.resumeAfterMs, FAULT, -1, 0, { atMs: this.now + fault.resumeAfterMs, fault: "resume", node: fault.node }, undefined);
        }
        return;
      case "resume": {
        if (!this.paused[nodeIndex]) return;
        this.paused[nodeIndex] = false;
        this.events.push({ atMs: this.now, kind: "resume", node: fault.node });
        // What arrived while paused is handled now, in arrival order (the process wakes up to a full inbox).
        for (const entry of this.held[nodeIndex]!) this.agenda.push(this.now, entry.kind, entry.target, entry.aux, entry.item, entry.extra);
        this.held[nodeIndex] = [];
        return;
      }
      case "skew":
        this.skewMs[nodeIndex] = fault.offsetMs;
        this.events.push({ atMs: this.now, kind: "skew", node: fault.node, detail: `clock offset ${fault.offsetMs} ms` });
        return;
    }
  }

  // ------------------------------------------------------------ network

  private transmit(src: number, dest: string, body: MessageBody): void {
    const d = this.indexOf.get(dest);
    const id = this.nextMessageId++;
    let record: MessageRecord | undefined;
    if (this.recordMessages) {
      // deliveredMs and fault are declared up front (undefined, which JSON leaves out) so filling one in later does not grow the object: a retained record per message stays one allocation.
      record = { id, src: this.ids[src]!, dest, type: body.type, body, sentMs: this.now, deliveredMs: undefined, fault: undefined };
      this.messages.push(record);
    }
    this.stats.sent++;
    if (d === undefined) {
      // Maelstrom drops messages to unknown nodes; the record says so, and an RPC to it times out.
      if (record !== undefined) record.fault = "unknown-node";
      return;
    }
    const betweenNodes = src < this.n && d < this.n;
    if (this.now >= this.networkUntilMs) this.calmNetwork();
    if (betweenNodes && this.lossP > 0 && this.random.next() < this.lossP) {
      if (record !== undefined) record.fault = "loss";
      this.stats.lost++;
      return;
    }
    // The envelope the receiver gets is made here and rides the agenda as the entry's item: no other object per message.
    this.agenda.push(at(this.now, this.delay(betweenNodes)), DELIVER, d, src, { src: this.ids[src]!, dest: this.ids[d]!, body }, record);
    if (betweenNodes && this.duplicateP > 0 && this.random.next() < this.duplicateP) {
      const copyId = this.nextMessageId++;
      const copyBodyValue = copyBody(body);
      let copy: MessageRecord | undefined;
      if (this.recordMessages) {
        copy = { id: copyId, src: this.ids[src]!, dest, type: body.type, body: copyBodyValue, sentMs: this.now, fault: "duplicate", duplicateOf: id, deliveredMs: undefined };
        this.messages.push(copy);
      }
      this.stats.duplicated++;
      this.agenda.push(at(this.now, this.delay(betweenNodes)), DELIVER, d, src, { src: this.ids[src]!, dest: this.ids[d]!, body: copyBodyValue }, copy);
    }
  }

  /** The swarm's time is up: only the network faults the spec asked for remain. */
  private calmNetwork(): void {
    this.networkUntilMs = Infinity;
    const { loss = 0, duplicate = 0, reorder = 0 } = this.spec.network;
    this.lossP = loss;
    this.duplicateP = duplicate;
    this.reorderP = reorder;
  }

  private delay(betweenNodes: boolean): number {
    let ms = this.latency();
    if (betweenNodes && this.reorderP > 0 && this.random.next() < this.reorderP) ms += this.network.reorderDelayMs ?? 50;
    return ms;
  }

  private deliver(d: number, s: number, envelope: Envelope, record: MessageRecord | undefined): void {
    if (!this.up[d]) {
      // Why a recorded message never arrived: the first reason wins (a duplicate keeps its "duplicate").
      if (record !== undefined) record.fault ??= "crashed";
      this.stats.droppedAtCrashedNode++;
      return;
    }
    const n = this.n;
    if (d < n && s < n) {
      const groupOf = this.groupOf;
      const blocked = this.blocked;
      if ((groupOf !== undefined && groupOf[s] !== groupOf[d]) || (blocked !== undefined && blocked[s * n + d] === 1)) {
        if (record !== undefined) record.fault ??= "partition";
        this.stats.droppedByPartition++;
        return;
      }
    }
    if (this.paused[d]) {
      this.held[d]!.push({ kind: DELIVER, target: d, aux: s, item: envelope, extra: record });
      return;
    }
    if (record !== undefined) record.deliveredMs = this.now;
    this.stats.delivered++;
    if (d >= n) return this.clients!.receive(d - n, envelope.body);
    this.running[d]!.deliver(envelope);
  }
}

/**
 * What a node's runtime calls: a class with prototype methods (not a literal of
 * closures per node), so a send from any of a thousand nodes goes through
 * shared code and one small object per node.
 */
class SimHost implements NodeHost {
  constructor(
    private readonly sim: Simulation,
    private readonly index: number,
    private readonly life: number,
    readonly id: string,
    readonly nodeIds: readonly string[],
    readonly random: Random,
    readonly storage: DurableStorage,
  ) {}

  get incarnation(): number {
    return this.life;
  }

  transmit(dest: string, body: MessageBody): void {
    this.sim.transmitFrom(this.index, this.life, dest, body);
  }

  now(): number {
    return this.sim.nodeNow(this.index);
  }

  schedule(delayMs: number, fire: () => void): number {
    return this.sim.scheduleTimer(this.index, this.life, delayMs, fire);
  }

  unschedule(handle: number): void {
    this.sim.cancelTimer(handle);
  }

  log(text: string): void {
    this.sim.nodeLog(this.index, this.life, text);
  }

  fail(error: unknown): void {
    this.sim.nodeFailed(this.index, this.life, error);
  }

  asyncWork(): void {
    this.sim.noteAsyncWork();
  }
}

/** Virtual times are kept to the microsecond, so records read cleanly (29.389, not 29.389000000000003). */
function at(now: number, delayMs: number): number {
  return Math.round((now + delayMs) * 1000) / 1000;
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
