import type { HistoryOperation, Random } from "../core/index.js";
import type { MessageBody } from "../node/index.js";
import { planWorkload, type PlannedOperation, type Workload, type WorkloadPlan } from "./workload.js";

/** What the clients need from the simulation: its clock, its random source, the network and the agenda. */
export interface ClientWorld {
  now(): number;
  readonly random: Random;
  readonly nodeIds: readonly string[];
  readonly history: HistoryOperation[];
  /** Wakes client `k` after `afterMs` (it then starts its next operation, if any). */
  wake(k: number, afterMs: number): void;
  /** Calls `timeout(k, msgId)` after `afterMs` unless the returned handle is cancelled first. */
  armTimeout(k: number, msgId: number, afterMs: number): { cancelled: boolean };
  send(k: number, dest: string, body: MessageBody): void;
}

interface InFlight {
  op: PlannedOperation;
  record: HistoryOperation;
  msgId: number;
  timeout: { cancelled: boolean };
}

/**
 * The workload's clients: each has at most one operation in flight, waits a
 * random think time between operations, talks to a random node, and records
 * every operation in the history (ok / fail / info) as Jepsen's clients do.
 */
export class Clients {
  readonly ids: string[];
  private readonly plan: WorkloadPlan;
  private readonly inFlight: Array<InFlight | undefined>;
  /** Final reads waiting for their client, each aimed at one node. */
  private readonly queued: Array<Array<{ op: PlannedOperation; node: number }>>;
  private readonly nextMsgId: number[];
  private readonly stopMs: number;
  readonly finalReadMs: number | undefined;

  constructor(
    private readonly spec: Workload,
    durationMs: number,
    private readonly world: ClientWorld,
  ) {
    this.plan = planWorkload(spec);
    this.ids = Array.from({ length: spec.clients ?? 3 }, (_, i) => `c${i + 1}`);
    this.inFlight = this.ids.map(() => undefined);
    this.queued = this.ids.map(() => []);
    this.nextMsgId = this.ids.map(() => 1);
    this.stopMs = spec.stopMs ?? durationMs * 0.6;
    this.finalReadMs = this.plan.finalRead() !== undefined ? (spec.finalReadMs ?? durationMs * 0.9) : undefined;
  }

  start(): void {
    for (let k = 0; k < this.ids.length; k++) this.world.wake(k, this.thinkTime());
  }

  /** Every node is read once more, spread over the clients (for convergence checks). */
  queueFinalReads(): void {
    const nodes = this.world.nodeIds.length;
    for (let node = 0; node < nodes; node++) {
      const k = node % this.ids.length;
      this.queued[k]!.push({ op: this.plan.finalRead()!, node });
      if (this.inFlight[k] === undefined) this.world.wake(k, 0);
    }
  }

  next(k: number): void {
    if (this.inFlight[k] !== undefined) return;
    const world = this.world;
    const queued = this.queued[k]!.shift();
    let op: PlannedOperation;
    let node: number;
    if (queued !== undefined) {
      op = queued.op;
      node = queued.node;
    } else {
      if (world.now() > this.stopMs) return;
      op = this.plan.next(world.random);
      node = world.random.int(world.nodeIds.length);
    }
    const msgId = this.nextMsgId[k]!++;
    const record: HistoryOperation = { id: world.history.length, client: this.ids[k]!, f: op.f, invokeMs: world.now(), node: world.nodeIds[node]! };
    if (op.key !== undefined) record.key = op.key;
    if (op.input !== undefined) record.input = op.input;
    world.history.push(record);
    const timeout = world.armTimeout(k, msgId, this.spec.timeoutMs ?? 1000);
    this.inFlight[k] = { op, record, msgId, timeout };
    world.send(k, world.nodeIds[node]!, { ...op.body, msg_id: msgId });
  }

  receive(k: number, body: MessageBody): void {
    const pending = this.inFlight[k];
    // Late replies (after a timeout) and duplicates answer nothing in flight.
    if (pending === undefined || body.in_reply_to !== pending.msgId) return;
    pending.timeout.cancelled = true;
    Object.assign(pending.record, this.plan.complete(pending.op, body), { completeMs: this.world.now() });
    this.done(k);
  }

  timeout(k: number, msgId: number): void {
    const pending = this.inFlight[k];
    if (pending === undefined || pending.msgId !== msgId) return;
    // The client cannot know whether the operation happened: "info", never "fail".
    Object.assign(pending.record, { outcome: "info", error: "timeout", completeMs: this.world.now() });
    this.done(k);
  }

  private done(k: number): void {
    this.inFlight[k] = undefined;
    this.world.wake(k, this.queued[k]!.length > 0 ? 0 : this.thinkTime());
  }

  private thinkTime(): number {
    const mean = this.spec.thinkMs ?? 20;
    return Math.round(-mean * Math.log(1 - this.world.random.next()) * 1000) / 1000;
  }
}
