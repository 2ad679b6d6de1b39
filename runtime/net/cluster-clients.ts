/**
 * A real cluster's workload clients: the simulator's clients (same workloads,
 * same history format, timeouts recorded as "info") driven by wall-clock
 * timers, sending over ZeroMQ from the controller. Replies come back to one
 * PULL socket, the inbox, whose address every node is given.
 *
 * The clients think in run time (0 at the start of the run: that is what
 * `stopMs` and `finalReadMs` mean); the record thinks in cluster time, so the
 * operations of a run are shifted by its start when it ends.
 */
import * as zmq from "zeromq";
import { seededRandom } from "../core/index.js";
import { ErrorCode, RpcError, type MessageBody, type OutgoingBody } from "../node/index.js";
import { Clients } from "../sim/clients.js";
import type { Workload } from "../sim/workload.js";
import { handshake } from "./handshake.js";
import { Outbound } from "./outbound.js";
import type { RecordBuilder } from "./record-builder.js";
import { decodeMessage, encodeMessage, type WireMessage } from "./wire.js";

export interface ClusterClientsOptions {
  host: string;
  nodes: readonly string[];
  seed: number;
  maxMessageBytes: number;
  builder: RecordBuilder;
  /** Cluster time. */
  now: () => number;
}

/** The client id of requests made by hand (cluster.request); workload clients are c1, c2, ... */
const HAND_CLIENT = "c0";

const PUSH_OPTIONS = { linger: 0, immediate: true, sendTimeout: 0, sendHighWaterMark: 10_000, reconnectInterval: 20, reconnectMaxInterval: 500 };

export class ClusterClients {
  readonly #inbox = new zmq.Pull({ linger: 0 });
  readonly #links = new Map<string, { address: string; socket: zmq.Push; out: Outbound; connected: (timeoutMs: number) => Promise<boolean> }>();
  #clients: Clients | undefined;
  #runStartMs = 0;
  #firstOp = 0;
  #seq = 0;
  readonly #requests = new Map<number, { resolve: (body: MessageBody) => void; reject: (error: Error) => void; timer: NodeJS.Timeout; request: OutgoingBody; node: string }>();
  #nextRequestId = 1;
  #runs = 0;

  constructor(private readonly options: ClusterClientsOptions) {}

  get inbox(): string {
    return this.#inbox.lastEndpoint!;
  }

  async bind(): Promise<void> {
    await this.#inbox.bind(`tcp://${this.options.host}:*`);
    void (async () => {
      for await (const [frame] of this.#inbox) this.#arrived(frame!);
    })().catch(() => undefined);
  }

  /** (Re)connects the link to a node at its current address. */
  connect(node: string, address: string): void {
    const link = this.#links.get(node);
    if (link?.address === address) return;
    if (link) {
      link.out.close();
      link.socket.close();
    }
    const socket = new zmq.Push(PUSH_OPTIONS);
    const connected = handshake(socket);
    socket.connect(address);
    const out = new Outbound(socket, (frame) => {
      const message = decodeMessage(frame as string, Infinity);
      this.options.builder.received(message.dest, [[message.src, 0, message.q, message.body.type, this.options.now(), "unreachable"]]);
    });
    this.#links.set(node, { address, socket, out, connected });
  }

  /** Resolves once the link to `node` works (or after `timeoutMs`). */
  async connected(node: string, timeoutMs: number): Promise<void> {
    await this.#links.get(node)?.connected(timeoutMs);
  }

  #arrived(frame: Buffer): void {
    let message: WireMessage;
    try {
      message = decodeMessage(frame, this.options.maxMessageBytes);
    } catch (error) {
      process.stderr.write(`[pardis] clients dropped a reply: ${(error as Error).message}\n`);
      return;
    }
    this.options.builder.received(message.dest, [[message.src, message.i, message.q, message.body.type, this.options.now(), ""]]);
    if (message.dest === HAND_CLIENT) return this.#answered(message.body);
    const clients = this.#clients;
    const k = clients?.ids.indexOf(message.dest) ?? -1;
    if (clients !== undefined && k >= 0) clients.receive(k, message.body);
  }

  /** Sends one request to a node as client c0 and resolves with the reply's body (rejects with an RpcError on an error reply or timeout). */
  request(node: string, body: OutgoingBody, timeoutMs: number): Promise<MessageBody> {
    const msgId = this.#nextRequestId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#requests.delete(msgId);
        reject(new RpcError(ErrorCode.timeout, `no reply within ${timeoutMs} ms`, node, body));
      }, timeoutMs);
      this.#requests.set(msgId, { resolve, reject, timer, request: body, node });
      this.options.builder.clients.add(HAND_CLIENT);
      this.#send(HAND_CLIENT, node, { ...body, msg_id: msgId });
    });
  }

  #answered(body: MessageBody): void {
    const pending = body.in_reply_to === undefined ? undefined : this.#requests.get(body.in_reply_to);
    if (pending === undefined) return;
    this.#requests.delete(body.in_reply_to!);
    clearTimeout(pending.timer);
    if (body.type === "error") pending.reject(new RpcError(Number(body.code), String(body.text ?? ""), pending.node, pending.request));
    else pending.resolve(body);
  }

  /** Starts the workload's clients for one run; `later` schedules on the cluster's timers (cleared when the run ends). */
  start(workload: Workload, durationMs: number, runStartMs: number, later: (delayMs: number, action: () => void) => void): void {
    const { builder, nodes, now } = this.options;
    this.#runStartMs = runStartMs;
    this.#firstOp = builder.history.length;
    const runNow = () => now() - runStartMs;
    const clients: Clients = new Clients(workload, durationMs, {
      now: runNow,
      // Each run draws its own stream, so a second run does not repeat the first one's operations.
      random: seededRandom(this.options.seed * 31 + ++this.#runs),
      nodeIds: nodes,
      // The record's own history: operations appear as they are invoked, and their ids (its length) continue across runs.
      history: builder.history,
      wake: (k, afterMs) => later(afterMs, () => clients.next(k)),
      armTimeout: (k, msgId, afterMs) => {
        const handle = { cancelled: false };
        later(afterMs, () => {
          if (!handle.cancelled) clients.timeout(k, msgId);
        });
        return handle;
      },
      send: (k, dest, body) => this.#send(clients.ids[k]!, dest, body),
    });
    for (const id of clients.ids) builder.clients.add(id);
    this.#clients = clients;
    clients.start();
    if (clients.finalReadMs !== undefined) later(clients.finalReadMs, () => clients.queueFinalReads());
  }

  #send(client: string, dest: string, body: MessageBody): void {
    const seq = ++this.#seq;
    const at = this.options.now();
    const link = this.#links.get(dest);
    this.options.builder.sent(client, 0, [[seq, dest, body.type, body, at, link === undefined ? "unknown-node" : "", 0]]);
    if (link === undefined) return;
    link.out.push(encodeMessage({ src: client, dest, body, i: 0, q: seq }, this.options.maxMessageBytes));
  }

  /** Ends the run's clients: nothing new is invoked; operations still in flight stay pending (indeterminate). */
  stop(): void {
    const clients = this.#clients;
    this.#clients = undefined;
    if (clients === undefined) return;
    // This run's operations move from run time to cluster time.
    const ops = this.options.builder.history;
    for (let i = this.#firstOp; i < ops.length; i++) {
      const op = ops[i]!;
      op.invokeMs += this.#runStartMs;
      if (op.completeMs !== undefined) op.completeMs += this.#runStartMs;
    }
  }

  close(): void {
    for (const [id, pending] of this.#requests) {
      clearTimeout(pending.timer);
      pending.reject(new RpcError(ErrorCode.timeout, "the cluster was stopped before the reply came", pending.node, pending.request));
      this.#requests.delete(id);
    }
    for (const link of this.#links.values()) {
      link.out.close();
      link.socket.close();
    }
    this.#inbox.close();
  }
}
