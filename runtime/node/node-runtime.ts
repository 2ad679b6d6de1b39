import type { MessageHandler, NodeContext, NodeHost, RpcOptions } from "./context.js";
import { copyBody, type Envelope, type MessageBody, type OutgoingBody } from "./message.js";
import { handlerMethod, instantiate, type NodeProgram } from "./program.js";
import { ErrorCode, RpcError, errorBody } from "./rpc-error.js";

const DEFAULT_RPC_TIMEOUT_MS = 1000;

interface PendingRpc {
  dest: string;
  request: OutgoingBody;
  resolve: (reply: Envelope<any>) => void;
  reject: (error: RpcError) => void;
  timer: number;
}

/** One running incarnation of a node: the world hands it messages; it runs the learner's handlers. */
export interface RunningNode {
  readonly context: NodeContext;
  /** Delivers one message: settles a pending RPC or runs the handler for its type. */
  deliver(message: Envelope): void;
}

/**
 * Every id but `self`, in order. A copy with one element spliced out (filter(),
 * a callback per element and a growing result, was 8x slower on 1000 nodes).
 */
function peersOf(nodeIds: readonly string[], self: string): string[] {
  const peers = nodeIds.slice();
  const at = peers.indexOf(self);
  if (at >= 0) peers.splice(at, 1);
  return peers;
}

/**
 * Builds the NodeContext over a world's host and starts the program. Errors
 * thrown by node code (sync or async) go to `host.fail`, which is the world's
 * business (the simulator records a crash); they never escape into the world.
 */
export function startNode(program: NodeProgram, host: NodeHost): RunningNode {
  const runtime = new NodeRuntime(host);
  runtime.start(program);
  return runtime;
}

/**
 * A node's state in one object with prototype methods, and a context whose
 * methods are small arrows into it (they stay own properties, so node code may
 * pass `node.send` around unbound). With a thousand nodes every message touches
 * some node's objects cold from memory; one object and short call chains are
 * fewer cache misses than a closure context per helper (measured in
 * tests/bench/sim.bench.ts).
 */
/** msg_ids per incarnation (see NodeHost.incarnation). */
const MSG_IDS_PER_LIFE = 1_000_000;

class NodeRuntime implements RunningNode {
  readonly context: NodeContext;
  private readonly handlers = new Map<string, MessageHandler<any>>();
  // The last type looked up and its node.on handler: most nodes get runs of one type, and with a thousand nodes the Map's table is a cache miss per message.
  private lastType: string | undefined = undefined;
  private lastHandler: MessageHandler<any> | undefined = undefined;
  private readonly pending = new Map<number, PendingRpc>();
  /** Node-level timer id to the host's current handle (an `every` timer gets a new handle each period). */
  private readonly timers = new Map<number, number>();
  private nextMsgId: number;
  private nextTimerId = 1;
  private target: object | undefined = undefined;
  private peerList: string[] | undefined = undefined;

  constructor(private readonly host: NodeHost) {
    this.nextMsgId = (host.incarnation ?? 0) * MSG_IDS_PER_LIFE + 1;
    this.context = this.makeContext();
  }

  start(program: NodeProgram): void {
    try {
      this.target = instantiate(program, this.context);
    } catch (error) {
      this.host.fail(error);
    }
  }

  private makeContext(): NodeContext {
    const runtime = this;
    const host = this.host;
    return {
      id: host.id,
      nodeIds: host.nodeIds,
      // Built on first use: with a thousand nodes the peer lists are a thousand 999-element arrays (8 MB), and nodes that never read them should not pay for them at boot.
      get peers() {
        return (runtime.peerList ??= peersOf(host.nodeIds, host.id));
      },
      random: host.random,
      storage: host.storage,
      on(type, handler) {
        runtime.on(type, handler as MessageHandler<any>);
      },
      send(dest, body) {
        runtime.transmit(dest, body, undefined, undefined);
      },
      reply(request, body) {
        runtime.transmit(request.src, body, undefined, request.body.msg_id);
      },
      rpc<R extends MessageBody>(dest: string, body: OutgoingBody, options: RpcOptions = {}) {
        return runtime.rpc<R>(dest, body, options);
      },
      setTimer(delayMs, fn) {
        return runtime.setTimer(delayMs, fn);
      },
      every(intervalMs, fn) {
        return runtime.every(intervalMs, fn);
      },
      cancel(timerId) {
        runtime.cancel(timerId);
      },
      now: () => host.now(),
      log: (...parts) => host.log(parts.map((p) => (typeof p === "string" ? p : JSON.stringify(p))).join(" ")),
    };
  }

  private on(type: string, handler: MessageHandler<any>): void {
    if (typeof handler !== "function") throw new TypeError(`node.on("${type}") expects a handler function, got ${typeof handler}`);
    this.handlers.set(type, handler);
    this.lastType = undefined;
  }

  // msg_id and in_reply_to come as plain arguments (not an options object): a send allocates only its body copy.
  private transmit(dest: string, body: OutgoingBody, msgId: number | undefined, inReplyTo: number | undefined): void {
    if (typeof dest !== "string") throw new TypeError(`Expected a destination node id (string), got ${typeof dest}`);
    if (body === null || typeof body !== "object" || typeof body.type !== "string") {
      throw new TypeError(`Expected a message body with a string \`type\`, got ${JSON.stringify(body)}`);
    }
    const copy = copyBody(body) as MessageBody;
    if (msgId !== undefined) copy.msg_id = msgId;
    if (inReplyTo !== undefined) copy.in_reply_to = inReplyTo;
    this.host.transmit(dest, copy);
  }

  private rpc<R extends MessageBody>(dest: string, body: OutgoingBody, options: RpcOptions): Promise<Envelope<R>> {
    const host = this.host;
    const timeoutMs = options.timeoutMs ?? DEFAULT_RPC_TIMEOUT_MS;
    const msgId = this.nextMsgId++;
    return new Promise<Envelope<R>>((resolve, reject) => {
      const timer = host.schedule(timeoutMs, () => {
        this.pending.delete(msgId);
        host.asyncWork?.();
        reject(new RpcError(ErrorCode.timeout, `no reply within ${timeoutMs} ms`, dest, body));
      });
      this.pending.set(msgId, { dest, request: body, resolve, reject, timer });
      this.transmit(dest, body, msgId, undefined);
    });
  }

  private setTimer(delayMs: number, fn: () => void): number {
    const id = this.nextTimerId++;
    this.timers.set(id, this.host.schedule(delayMs, () => {
      this.timers.delete(id);
      this.guard(fn);
      // A timer often settles a promise node code awaits (a sleep, a retry loop): let it run at this moment of virtual time.
      this.host.asyncWork?.();
    }));
    return id;
  }

  private every(intervalMs: number, fn: () => void): number {
    if (!(intervalMs > 0)) throw new TypeError(`node.every expects a positive interval, got ${intervalMs}`);
    const id = this.nextTimerId++;
    const tick = () => {
      this.timers.set(id, this.host.schedule(intervalMs, tick));
      this.guard(fn);
      this.host.asyncWork?.();
    };
    this.timers.set(id, this.host.schedule(intervalMs, tick));
    return id;
  }

  private cancel(timerId: number): void {
    const handle = this.timers.get(timerId);
    if (handle === undefined) return;
    this.timers.delete(timerId);
    this.host.unschedule(handle);
  }

  private guard(fn: () => unknown): void {
    try {
      const result = fn();
      if (result instanceof Promise) {
        this.host.asyncWork?.();
        result.then(undefined, (error) => this.host.fail(error));
      }
    } catch (error) {
      this.host.fail(error);
    }
  }

  private replyWith(request: Envelope, result: unknown): void {
    if (result !== null && typeof result === "object" && typeof (result as OutgoingBody).type === "string") {
      this.transmit(request.src, result as OutgoingBody, undefined, request.body.msg_id);
    }
  }

  deliver(message: Envelope): void {
    const body = message.body;
    const inReplyTo = body.in_reply_to;
    if (inReplyTo !== undefined) {
      const rpc = this.pending.get(inReplyTo);
      if (rpc !== undefined) {
        this.pending.delete(inReplyTo);
        this.host.unschedule(rpc.timer);
        this.host.asyncWork?.();
        if (body.type === "error") rpc.reject(new RpcError(Number(body.code), String(body.text ?? ""), rpc.dest, rpc.request));
        else rpc.resolve(message);
        return;
      }
    }
    const type = body.type;
    let handler: MessageHandler<any> | undefined;
    if (type === this.lastType) handler = this.lastHandler;
    else {
      handler = this.handlers.get(type);
      if (handler !== undefined) {
        this.lastType = type;
        this.lastHandler = handler;
      } else handler = handlerMethod(this.target, type);
    }
    if (handler === undefined) {
      // A reply nobody waits for any more (late, or duplicated) is dropped; an unknown request gets Maelstrom's not-supported.
      if (inReplyTo === undefined && body.msg_id !== undefined) {
        this.transmit(message.src, errorBody(ErrorCode.notSupported, `no handler for ${body.type}`), undefined, body.msg_id);
      }
      return;
    }
    try {
      const result = handler(message);
      if (result instanceof Promise) {
        this.host.asyncWork?.();
        result.then((value) => this.replyWith(message, value), (error) => this.host.fail(error));
      } else if (result !== undefined) this.replyWith(message, result);
    } catch (error) {
      this.host.fail(error);
    }
  }
}
