/**
 * What the controller (the notebook's process) and a node process say to each
 * other on the control channel: a DEALER in the node, a ROUTER in the
 * controller, one JSON frame per message. Data between nodes never passes
 * here; only configuration, fault rules, and the node's batched reports of
 * what it sent, received and logged, from which the controller assembles the
 * same RunRecord the simulator produces.
 */
import type { NetworkRules } from "./rules.js";
import type { ProgramRecipe } from "./program-recipe.js";

/** How a node process is told who it is (in the environment: it needs it before it can talk). */
export interface NodeConfig {
  id: string;
  nodeIds: string[];
  incarnation: number;
  /** The controller's ROUTER. */
  control: string;
  /** Host to bind the node's inbound socket on. */
  bindHost: string;
  /** Port to bind on (a restarted node takes its old port, so peers reconnect by themselves); 0 = any. */
  port: number;
  /** Where durable storage lives. */
  storageFile: string;
  program: ProgramRecipe;
  /** Unix-epoch milliseconds that are time 0 of the run. */
  epochMs: number;
  seed: number;
  maxMessageBytes: number;
  recordMessages: boolean;
  /** Report batches are sent at least this often. */
  reportIntervalMs: number;
}

/** A message sent: [seq, dest, type, body (undefined unless recorded), sentMs, fault ("" when sent), extra delay]. */
export type SentTuple = [seq: number, dest: string, type: string, body: unknown, sentMs: number, fault: string, delayMs: number];
/** A message received, or refused on arrival or on the way out: [src, src incarnation, seq, type, atMs, fault ("" when delivered to node code)]. */
export type ReceivedTuple = [src: string, incarnation: number, seq: number, type: string, atMs: number, fault: string];

export type NodeToController =
  | { t: "ready"; id: string; incarnation: number; pid: number; address: string }
  /** The node's program is running (handlers registered): clients may talk to it. */
  | { t: "started"; id: string; incarnation: number }
  | {
      t: "report";
      id: string;
      incarnation: number;
      sent: SentTuple[];
      received: ReceivedTuple[];
      logs: Array<[atMs: number, text: string]>;
      /** Totals since start: messages sent, delivered to node code, dropped (either side). */
      counts: number[];
    }
  | { t: "failed"; id: string; incarnation: number; atMs: number; error: string }
  | { t: "flushed"; id: string; incarnation: number; token: number };

export type ControllerToNode =
  | { t: "peers"; addresses: Record<string, string>; clientInbox: string }
  | { t: "rules"; rules: NetworkRules }
  | { t: "skew"; offsetMs: number }
  | { t: "flush"; token: number }
  | { t: "stop" };

export const CONFIG_ENV = "PARDIS_NODE_CONFIG";

/** Clients are c1, c2, ... as in Maelstrom (c0 is cluster.request): node ids may not look like one, and replies to one go to the controller's inbox. */
export const CLIENT_ID = /^c\d+$/;

/**
 * A `pardis node --join` agent on another machine runs the node processes of
 * one node id for the controller: it spawns them, signals them (crash,
 * pause, resume) and forwards their output and exits. Its DEALER's routing id
 * is `agent/<node id>`.
 */
export type AgentToController =
  | { t: "join"; id: string; host: string }
  | { t: "spawned"; id: string; incarnation: number; pid: number }
  | { t: "exited"; id: string; incarnation: number; code: number | null; signal: string | null }
  | { t: "output"; id: string; incarnation: number; stream: "stdout" | "stderr"; line: string }
  | { t: "signalled"; id: string; token: number };

export type ControllerToAgent =
  | { t: "welcome" }
  | { t: "spawn"; config: NodeConfig }
  | { t: "signal"; incarnation: number; action: "kill" | "pause" | "resume"; token: number }
  | { t: "bye" };

export const AGENT_PREFIX = "agent/";
