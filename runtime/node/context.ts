import type { Random } from "../core/index.js";
import type { Envelope, MessageBody, OutgoingBody } from "./message.js";

/**
 * What node code sees. The same interface in the simulator (virtual time,
 * seeded randomness, injected faults) and on a real cluster (ZeroMQ, wall
 * clock), so a node is written once.
 */
export interface NodeContext {
  /** This node's id ("n0", "n1", ...). */
  readonly id: string;
  /** Every other node's id, in a fixed order. */
  readonly peers: readonly string[];
  /** Every node's id, this one included. */
  readonly nodeIds: readonly string[];
  /** Handles messages of one type; a handler that returns a body (or a promise of one) with a `type` replies with it. */
  on<B extends MessageBody = MessageBody>(type: string, handler: MessageHandler<B>): void;
  /** Sends a message and expects no reply. */
  send(dest: string, body: OutgoingBody): void;
  /** Replies to a message (fills in in_reply_to). */
  reply(request: Envelope, body: OutgoingBody): void;
  /** Sends a request and waits for its reply; rejects with an RpcError on an error reply or after `timeoutMs` (code 0). */
  rpc<R extends MessageBody = MessageBody>(dest: string, body: OutgoingBody, options?: RpcOptions): Promise<Envelope<R>>;
  /** Runs `fn` once after `delayMs` of this node's time; returns an id for cancel. */
  setTimer(delayMs: number, fn: () => void): number;
  /** Runs `fn` every `intervalMs` until cancelled (or the node crashes). */
  every(intervalMs: number, fn: () => void): number;
  cancel(timerId: number): void;
  /** This node's clock in milliseconds (clock skew applies: nodes disagree). */
  now(): number;
  /** Seeded randomness: the only randomness node code should use. */
  readonly random: Random;
  /** A line in the run's log, stamped with this node and its time. */
  log(...parts: unknown[]): void;
  /** Durable storage: survives a crash and restart. Everything else (closures, fields) is volatile and lost on a crash. */
  readonly storage: DurableStorage;
}

export type MessageHandler<B extends MessageBody = MessageBody> = (
  message: Envelope<B>,
) => void | OutgoingBody | Promise<void | OutgoingBody>;

export interface RpcOptions {
  /** @default 1000 */
  timeoutMs?: number;
}

/** A key-value store that survives crashes; values are copied in and out, so only `set` changes what is stored. */
export interface DurableStorage {
  get<T = unknown>(key: string): T | undefined;
  set(key: string, value: unknown): void;
  has(key: string): boolean;
  delete(key: string): boolean;
  keys(): string[];
}

/**
 * What a world (the simulator, a real cluster process) supplies to run a node.
 * Node code never sees it; the runtime in runtime/node builds the NodeContext
 * on top of it.
 */
export interface NodeHost {
  readonly id: string;
  readonly nodeIds: readonly string[];
  /**
   * Which start of this node this is (0 the first; each restart counts up, gaps allowed).
   * RPC msg_ids begin at incarnation × 1,000,000 + 1, so a late reply to a request of an
   * earlier life is never taken for the answer to a new request with the same id.
   */
  readonly incarnation?: number;
  /** Puts a message on the network (the body already has its msg_id / in_reply_to). */
  transmit(dest: string, body: MessageBody): void;
  now(): number;
  /** Calls `fire` after `delayMs`, unless cancelled or the node is gone by then. */
  schedule(delayMs: number, fire: () => void): number;
  unschedule(handle: number): void;
  readonly random: Random;
  log(text: string): void;
  readonly storage: DurableStorage;
  /** Node code threw: the world records a crash of this node with the error. */
  fail(error: unknown): void;
  /**
   * Node code left work in promise continuations (an async handler, a settled
   * RPC). A deterministic world lets them run before its next event; a real
   * one has nothing to do.
   */
  asyncWork?(): void;
}
