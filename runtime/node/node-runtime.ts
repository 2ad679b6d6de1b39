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
 * Builds the NodeContext over a world's host and starts the program. Errors
 * thrown by node code (sync or async) go to `host.fail`, which is the world's
 * business (the simulator records a crash); they never escape into the world.
 */
export function startNode(program: NodeProgram, host: NodeHost): RunningNode {
  const handlers = new Map<string, MessageHandler<any>>();
  // The last type looked up and its node.on handler: most nodes get runs of one type, and with a thousand nodes the Map's table is a cache miss per message.
  let lastType: string | undefined;
  let lastHandler: MessageHandler<any> | undefined;
  const pending = new Map<number, PendingRpc>();
  /** Node-level timer id to the host's current handle (an `every` timer gets a new handle each period). */
  const timers = new Map<number, number>();
  let nextMsgId = 1;
  let nextTimerId = 1;

  const guard = (fn: () => unknown): void => {
    try {
      const result = fn();
      if (result instanceof Promise) {
        host.asyncWork?.();
        result.then(undefined, (error) => host.fail(error));
      }
    } catch (error) {
      host.fail(error);
    }
  };

  // msg_id and in_reply_to come as plain arguments (not an options object): a send allocates only its body copy.
  const transmit = (dest: string, body: OutgoingBody, msgId: number | undefined, inReplyTo: number | undefined): void => {
    if (typeof dest !== "string") throw new TypeError(`Expected a destination node id (string), got ${typeof dest}`);
    if (body === null || typeof body !== "object" || typeof body.type !== "string") {
      throw new TypeError(`Expected a message body with a string \`type\`, got ${JSON.stringify(body)}`);
    }
    const copy = copyBody(body) as MessageBody;
    if (msgId !== undefined) copy.msg_id = msgId;
    if (inReplyTo !== undefined) copy.in_reply_to = inReplyTo;
    host.transmit(dest, copy);
  };

  const context: NodeContext = {
    id: host.id,
    nodeIds: host.nodeIds,
    peers: host.nodeIds.filter((id) => id !== host.id),
    random: host.random,
    storage: host.storage,
    on(type, handler) {
      if (typeof handler !== "function") throw new TypeError(`node.on("${type}") expects a handler function, got ${typeof handler}`);
      handlers.set(type, handler as MessageHandler<any>);
      lastType = undefined;
    },
    send(dest, body) {
      transmit(dest, body, undefined, undefined);
    },
    reply(request, body) {
      transmit(request.src, body, undefined, request.body.msg_id);
    },
    rpc<R extends MessageBody>(dest: string, body: OutgoingBody, options: RpcOptions = {}) {
      const timeoutMs = options.timeoutMs ?? DEFAULT_RPC_TIMEOUT_MS;
      const msgId = nextMsgId++;
      return new Promise<Envelope<R>>((resolve, reject) => {
        const timer = host.schedule(timeoutMs, () => {
          pending.delete(msgId);
          host.asyncWork?.();
          reject(new RpcError(ErrorCode.timeout, `no reply within ${timeoutMs} ms`, dest, body));
        });
        pending.set(msgId, { dest, request: body, resolve, reject, timer });
        transmit(dest, body, msgId, undefined);
      });
    },
    setTimer(delayMs, fn) {
      const id = nextTimerId++;
      timers.set(id, host.schedule(delayMs, () => {
        timers.delete(id);
        guard(fn);
      }));
      return id;
    },
    every(intervalMs, fn) {
      if (!(intervalMs > 0)) throw new TypeError(`node.every expects a positive interval, got ${intervalMs}`);
      const id = nextTimerId++;
      const tick = () => {
        timers.set(id, host.schedule(intervalMs, tick));
        guard(fn);
      };
      timers.set(id, host.schedule(intervalMs, tick));
      return id;
    },
    cancel(timerId) {
      const handle = timers.get(timerId);
      if (handle === undefined) return;
      timers.delete(timerId);
      host.unschedule(handle);
    },
    now: () => host.now(),
    log: (...parts) => host.log(parts.map((p) => (typeof p === "string" ? p : JSON.stringify(p))).join(" ")),
  };

  let target: object | undefined;
  try {
    target = instantiate(program, context);
  } catch (error) {
    host.fail(error);
  }

  const replyWith = (request: Envelope, result: unknown): void => {
    if (result !== null && typeof result === "object" && typeof (result as OutgoingBody).type === "string") {
      context.reply(request, result as OutgoingBody);
    }
  };

  return {
    context,
    deliver(message) {
      const body = message.body;
      const inReplyTo = body.in_reply_to;
      if (inReplyTo !== undefined) {
        const rpc = pending.get(inReplyTo);
        if (rpc !== undefined) {
          pending.delete(inReplyTo);
          host.unschedule(rpc.timer);
          host.asyncWork?.();
          if (body.type === "error") rpc.reject(new RpcError(Number(body.code), String(body.text ?? ""), rpc.dest, rpc.request));
          else rpc.resolve(message);
          return;
        }
      }
      const type = body.type;
      let handler: MessageHandler<any> | undefined;
      if (type === lastType) handler = lastHandler;
      else {
        handler = handlers.get(type);
        if (handler !== undefined) {
          lastType = type;
          lastHandler = handler;
        } else handler = handlerMethod(target, type);
      }
      if (handler === undefined) {
        // A reply nobody waits for any more (late, or duplicated) is dropped; an unknown request gets Maelstrom's not-supported.
        if (inReplyTo === undefined && body.msg_id !== undefined) {
          transmit(message.src, errorBody(ErrorCode.notSupported, `no handler for ${body.type}`), undefined, body.msg_id);
        }
        return;
      }
      try {
        const result = handler(message);
        if (result instanceof Promise) {
          host.asyncWork?.();
          result.then((value) => replyWith(message, value), (error) => host.fail(error));
        }
        else if (result !== undefined) replyWith(message, result);
      } catch (error) {
        host.fail(error);
      }
    },
  };
}
