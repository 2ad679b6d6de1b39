import type { Random } from "../core/index.js";
import type { MessageBody, OutgoingBody } from "../node/index.js";
import { ErrorCode, errorCodeName, isDefinite } from "../node/index.js";
import type { OperationOutcome } from "../core/index.js";

/**
 * Client workloads, Maelstrom's RPC shapes: clients issue operations to nodes
 * over RPC, one in flight per client, and the simulator records each as a
 * HistoryOperation for the checkers.
 *
 *   register   read / write / cas on keys (lin-kv): {type:"read",key} ->
 *              {type:"read_ok",value}; {type:"write",key,value};
 *              {type:"cas",key,from,to} (error 22 when `from` does not match)
 *   counter    {type:"add",delta} -> add_ok; {type:"read"} -> read_ok {value}
 *   broadcast  {type:"broadcast",message} -> broadcast_ok; {type:"read"} ->
 *              read_ok {messages}; unique integers as messages
 *   echo       {type:"echo",echo} -> echo_ok {echo}
 */
export type Workload =
  | ({ kind: "register"; keys?: number; values?: number } & WorkloadTiming)
  | ({ kind: "counter" } & WorkloadTiming)
  | ({ kind: "broadcast" } & WorkloadTiming)
  | ({ kind: "echo" } & WorkloadTiming);

export interface WorkloadTiming {
  /** @default 3 */
  clients?: number;
  /** Mean pause between a client's operations (exponential). @default 20 */
  thinkMs?: number;
  /** A client gives up after this long and records the operation as "info". @default 1000 */
  timeoutMs?: number;
  /** No new operations start after this time. @default 60% of the run */
  stopMs?: number;
  /**
   * For broadcast and counter: when every node is read once more, so a checker
   * can compare final states (convergence). @default 90% of the run
   */
  finalReadMs?: number;
}

/** One planned operation: what the history records and what goes on the wire. */
export interface PlannedOperation {
  f: string;
  key?: string;
  input?: unknown;
  body: OutgoingBody;
}

export interface OperationResult {
  outcome: OperationOutcome;
  output?: unknown;
  error?: string;
}

export interface WorkloadPlan {
  readonly spec: Workload;
  /** The next operation of a client, drawn from the run's random source. */
  next(random: Random): PlannedOperation;
  /** The final read (broadcast, counter), if the workload has one. */
  finalRead(): PlannedOperation | undefined;
  /** Interprets a reply body. */
  complete(op: PlannedOperation, reply: MessageBody): OperationResult;
}

export function planWorkload(spec: Workload): WorkloadPlan {
  let counter = 0;
  switch (spec.kind) {
    case "register": {
      const keys = spec.keys ?? 3;
      const values = spec.values ?? 5;
      return {
        spec,
        next(random) {
          const key = String(random.int(keys));
          const roll = random.int(3);
          if (roll === 0) return { f: "read", key, body: { type: "read", key } };
          if (roll === 1) {
            const value = random.int(values);
            return { f: "write", key, input: value, body: { type: "write", key, value } };
          }
          const from = random.int(values);
          const to = random.int(values);
          return { f: "cas", key, input: [from, to], body: { type: "cas", key, from, to } };
        },
        finalRead: () => undefined,
        complete: (op, reply) => okOrError(reply, op.f === "read" ? reply.value : undefined),
      };
    }
    case "counter":
      return {
        spec,
        next(random) {
          if (random.int(2) === 0) return { f: "read", body: { type: "read" } };
          const delta = 1 + random.int(5);
          return { f: "add", input: delta, body: { type: "add", delta } };
        },
        finalRead: () => ({ f: "read", body: { type: "read" } }),
        complete: (op, reply) => okOrError(reply, op.f === "read" ? reply.value : undefined),
      };
    case "broadcast":
      return {
        spec,
        next(random) {
          if (random.int(3) === 0) return { f: "read", body: { type: "read" } };
          const message = counter++;
          return { f: "broadcast", input: message, body: { type: "broadcast", message } };
        },
        finalRead: () => ({ f: "read", body: { type: "read" } }),
        complete: (op, reply) => okOrError(reply, op.f === "read" ? reply.messages : undefined),
      };
    case "echo":
      return {
        spec,
        next() {
          const echo = `hello ${counter++}`;
          return { f: "echo", input: echo, body: { type: "echo", echo } };
        },
        finalRead: () => undefined,
        complete: (op, reply) => {
          const result = okOrError(reply, reply.echo);
          // An echo that comes back different is a wrong answer, not an error code.
          if (result.outcome === "ok" && reply.echo !== op.input) return { outcome: "fail", output: reply.echo, error: "wrong-echo" };
          return result;
        },
      };
    default:
      throw new TypeError(`Unknown workload kind ${(spec as { kind: unknown }).kind}`);
  }
}

function okOrError(reply: MessageBody, output: unknown): OperationResult {
  if (reply.type !== "error") return output === undefined ? { outcome: "ok" } : { outcome: "ok", output };
  const code = typeof reply.code === "number" ? reply.code : ErrorCode.crash;
  return { outcome: isDefinite(code) ? "fail" : "info", error: errorCodeName(code) };
}
