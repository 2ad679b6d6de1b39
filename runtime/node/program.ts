import type { MessageHandler, NodeContext } from "./context.js";

/** Handlers by message type, returned by a node function or provided as methods of a node class. */
export type NodeHandlers = Record<string, MessageHandler<any> | unknown>;

/**
 * A node as a learner writes it in a cell: a function that registers handlers
 * with `node.on` (and may return more handlers by type), or a class whose
 * constructor takes the context and whose methods are named after message
 * types. Re-run from scratch on every restart: what it keeps in closures or
 * fields is volatile; only `node.storage` survives.
 */
export type NodeProgram = ((node: NodeContext) => void | NodeHandlers) | (new (node: NodeContext) => object);

function isClass(program: NodeProgram): program is new (node: NodeContext) => object {
  return typeof program === "function" && /^class[\s{]/.test(Function.prototype.toString.call(program));
}

/** Starts one incarnation of a program; returns the object whose methods handle message types, if any. */
export function instantiate(program: NodeProgram, node: NodeContext): object | undefined {
  if (typeof program !== "function") {
    throw new TypeError(`Expected a node function or class, got ${program === null ? "null" : typeof program}`);
  }
  if (isClass(program)) return new program(node);
  const handlers = (program as (node: NodeContext) => void | NodeHandlers)(node);
  return handlers !== null && typeof handlers === "object" ? handlers : undefined;
}

/** The handler method of `target` for a message type, if it has one (Object.prototype's own methods never count). */
export function handlerMethod(target: object | undefined, type: string): MessageHandler | undefined {
  if (target === undefined || type in Object.prototype) return undefined;
  const candidate = (target as Record<string, unknown>)[type];
  return typeof candidate === "function" && type !== "constructor" ? (candidate.bind(target) as MessageHandler) : undefined;
}

/**
 * How a program made by a factory (`gossipBroadcastNode({ intervalMs: 50 })`)
 * is rebuilt in another process: the factory's export name in the `pardis`
 * package and its arguments (plain data). A real cluster ships programs to node
 * processes; a closure cannot cross a process boundary, but this can.
 */
export interface ProgramRecipe {
  module: "pardis";
  name: string;
  /** The factory's arguments; absent when the export is the program itself (echoNode). */
  args?: unknown[];
}

export const PROGRAM_RECIPE = Symbol.for("pardis.program.recipe");

/** Tags a factory-made program with its recipe, so a real cluster can ship it. */
export function withRecipe<P extends NodeProgram>(program: P, name: string, args?: unknown[]): P {
  const recipe: ProgramRecipe = args === undefined ? { module: "pardis", name } : { module: "pardis", name, args };
  Object.defineProperty(program, PROGRAM_RECIPE, { value: recipe });
  return program;
}

/** The recipe of a factory-made program, if it has one. */
export function programRecipe(program: NodeProgram): ProgramRecipe | undefined {
  return (program as unknown as Record<symbol, ProgramRecipe | undefined>)[PROGRAM_RECIPE];
}
