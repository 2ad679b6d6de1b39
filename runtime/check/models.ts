/**
 * Sequential specifications for the linearizability checker. A model says
 * which operations are legal in a state and what state follows; the search
 * tries orders of concurrent operations against it. States are kept as
 * strings (JSON of the value) so that the search can memoize (linearized set,
 * state) pairs cheaply, as in Lowe's refinement of Wing and Gong.
 */
import { CheckInputError } from "./errors.js";
import { canonicalJson } from "./json.js";

/** One operation as a model sees it. `pending` means the client never learned the result (outcome info or none): `output` is meaningless then. */
export interface ModelOperation {
  f: string;
  input?: unknown;
  output?: unknown;
  pending: boolean;
}

export interface Model<S = string, C = unknown> {
  readonly name: string;
  /** The state before any operation. */
  init(): S;
  /** Precompute what step needs (JSON strings, parsed arguments) once per operation. */
  compile(op: ModelOperation): C;
  /** The state after `op`, or undefined when `op` (with its output) cannot happen in `state`. */
  step(state: S, op: C): S | undefined;
  /** A string equal for equal states; the memo key. */
  hash(state: S): string;
  /** True for operations that never change the state: dropped when pending, since they may as well never have happened. */
  readOnly(op: ModelOperation): boolean;
  /**
   * True for operations that are always legal and whose next state ignores the
   * current one (a blind write). A pending one followed at once by another
   * is pointless, which lets the search skip such orders.
   */
  blind?(op: C): boolean;
  /**
   * Given every operation of a key, which pending operations to keep: one
   * whose effect no other operation could ever observe may as well never have
   * happened, and each one dropped halves what the search must consider.
   */
  keepPending?(ops: readonly ModelOperation[]): (op: ModelOperation) => boolean;
  /** How the state reads in a failure message. */
  show(state: S): string;
}

const json = (value: unknown): string => (value === undefined ? "null" : canonicalJson(value));

function unknownOperation(model: string, f: string): never {
  throw new CheckInputError("bad-operation", `the ${model} model knows no operation "${f}"`);
}

type RegisterOp =
  | { kind: "read"; value: string; pending: boolean }
  | { kind: "write"; value: string }
  | { kind: "cas"; expected: string; next: string; applied: boolean | undefined };

/**
 * A single register (and, per key, a key-value map): read, write, and
 * compare-and-set with input [expected, next]. A cas with output `false` is a
 * cas that was seen not to apply; a cas that failed with an error is a `fail`
 * outcome and never reaches the model.
 */
export function registerModel(initial: unknown = null): Model<string, RegisterOp> {
  const start = json(initial);
  return {
    name: "register",
    init: () => start,
    compile(op) {
      switch (op.f) {
        case "read":
          return { kind: "read", value: json(op.output), pending: op.pending };
        case "write":
          return { kind: "write", value: json(op.input) };
        case "cas": {
          if (!Array.isArray(op.input) || op.input.length !== 2) {
            throw new CheckInputError("bad-operation", `cas expects input [expected, next], got ${JSON.stringify(op.input)}`);
          }
          const applied = op.pending ? undefined : op.output === false ? false : true;
          return { kind: "cas", expected: json(op.input[0]), next: json(op.input[1]), applied };
        }
        default:
          return unknownOperation("register", op.f);
      }
    },
    step(state, op) {
      switch (op.kind) {
        case "read":
          return op.pending || op.value === state ? state : undefined;
        case "write":
          return op.value;
        case "cas":
          if (op.applied === false) return state !== op.expected ? state : undefined;
          return state === op.expected ? op.next : undefined;
      }
    },
    hash: (state) => state,
    readOnly: (op) => op.f === "read",
    blind: (op) => op.kind === "write",
    keepPending(ops) {
      // A cas seen not to apply observes any overwrite: then every write may matter.
      if (ops.some((op) => op.f === "cas" && !op.pending && op.output === false)) return () => true;
      const observed = new Set<string>();
      for (const op of ops) {
        if (op.f === "read" && !op.pending) observed.add(json(op.output));
        if (op.f === "cas" && Array.isArray(op.input)) observed.add(json(op.input[0]));
      }
      return (op) => {
        if (op.f === "write") return observed.has(json(op.input));
        if (op.f === "cas" && Array.isArray(op.input)) return observed.has(json(op.input[1]));
        return true;
      };
    },
    show: (state) => state,
  };
}

type CounterOp = { kind: "add"; amount: number } | { kind: "read"; value: number };

/** A counter: add (input: the amount, default 1) and read (output: the value). */
export function counterModel(initial = 0): Model<number, CounterOp> {
  return {
    name: "counter",
    init: () => initial,
    compile(op) {
      if (op.f === "add" || op.f === "increment") return { kind: "add", amount: op.input === undefined ? 1 : Number(op.input) };
      if (op.f === "read") return { kind: "read", value: Number(op.output) };
      return unknownOperation("counter", op.f);
    },
    step: (state, op) => (op.kind === "add" ? state + op.amount : op.value === state ? state : undefined),
    hash: (state) => String(state),
    readOnly: (op) => op.f === "read",
    show: (state) => String(state),
  };
}

type SetOp = { kind: "add"; element: string } | { kind: "read"; elements: string };

/** A grow-only set: add (input: the element) and read (output: all elements, any order). */
export function setModel(): Model<string[], SetOp> {
  const key = (elements: readonly string[]) => elements.join("\u0000");
  return {
    name: "set",
    init: () => [],
    compile(op) {
      if (op.f === "add") return { kind: "add", element: json(op.input) };
      if (op.f === "read") {
        const elements = Array.isArray(op.output) ? [...new Set(op.output.map(json))].sort() : [];
        return { kind: "read", elements: key(elements) };
      }
      return unknownOperation("set", op.f);
    },
    step(state, op) {
      if (op.kind === "read") return key(state) === op.elements ? state : undefined;
      if (state.includes(op.element)) return state;
      return [...state, op.element].sort();
    },
    hash: key,
    readOnly: (op) => op.f === "read",
    show: (state) => `{${state.join(", ")}}`,
  };
}

type QueueOp = { kind: "enqueue"; element: string } | { kind: "dequeue"; element: string | undefined; pending: boolean };

/** A FIFO queue: enqueue (input) and dequeue (output: the element, or null/undefined when empty). */
export function queueModel(): Model<string[], QueueOp> {
  return {
    name: "queue",
    init: () => [],
    compile(op) {
      if (op.f === "enqueue") return { kind: "enqueue", element: json(op.input) };
      if (op.f === "dequeue") {
        const empty = op.output === undefined || op.output === null;
        return { kind: "dequeue", element: op.pending || empty ? undefined : json(op.output), pending: op.pending };
      }
      return unknownOperation("queue", op.f);
    },
    step(state, op) {
      if (op.kind === "enqueue") return [...state, op.element];
      // A pending dequeue took whatever was at the head (or nothing, if empty).
      if (op.pending) return state.slice(1);
      if (op.element === undefined) return state.length === 0 ? state : undefined;
      return state[0] === op.element ? state.slice(1) : undefined;
    },
    hash: (state) => state.join("\u0000"),
    readOnly: () => false,
    show: (state) => `[${state.join(", ")}]`,
  };
}

export type ModelName = "register" | "kv" | "counter" | "set" | "queue";

// Models are generic in their state; the search only passes states back to the model that made them.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyModel = Model<any, any>;

/** A model by name; "kv" is a register per key (the checker partitions by key for every model). */
export function modelNamed(name: ModelName | AnyModel): AnyModel {
  if (typeof name !== "string") return name;
  switch (name) {
    case "register":
    case "kv":
      return registerModel();
    case "counter":
      return counterModel();
    case "set":
      return setModel();
    case "queue":
      return queueModel();
    default:
      throw new CheckInputError("unknown-model", `no model named "${String(name)}": use register, kv, counter, set, queue or a Model object`);
  }
}
