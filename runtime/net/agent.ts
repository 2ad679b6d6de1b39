/**
 * The other machine's side of a multi-host cluster (`pardis node --join
 * tcp://HOST:PORT --id n1 --host ADDR`): an agent that connects to the
 * controller, says which node it runs, and on the controller's word starts
 * that node's processes here (each incarnation a NodeProcess, bound to this
 * machine's address), applies crash/pause/resume signals, and forwards their
 * output and exits. The node processes talk to the controller and to their
 * peers directly; only supervision goes through the agent.
 *
 * The agent ends, taking its node with it, when the controller says goodbye
 * or stops answering ZeroMQ heartbeats (the controller's process died or the
 * network to it is gone for good).
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as zmq from "zeromq";
import { AGENT_PREFIX, type AgentToController, type ControllerToAgent } from "./control.js";
import { NodeProcess } from "./node-process.js";
import { Outbound } from "./outbound.js";

export interface AgentOptions {
  /** The controller's control endpoint, tcp://HOST:PORT. */
  join: string;
  /** The node id this agent runs. */
  id: string;
  /** This machine's address as the other nodes reach it (nodes bind to it). */
  host: string;
  /** Where the node's durable storage lives. @default a fresh temporary folder */
  dataDir?: string;
  /** Where the agent's own messages go. @default stderr */
  log?: (line: string) => void;
}

/** Runs until the controller is done with this node; resolves with the exit code for the command. */
export async function runAgent(options: AgentOptions): Promise<number> {
  const log = options.log ?? ((line: string) => process.stderr.write(`pardis node ${options.id}: ${line}\n`));
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), `pardis-node-${options.id}-`));
  const socket = new zmq.Dealer({ linger: 0, routingId: `${AGENT_PREFIX}${options.id}`, heartbeatInterval: 500, heartbeatTimeout: 3000, heartbeatTimeToLive: 3000 });
  const out = new Outbound(socket, () => undefined);
  const tell = (message: AgentToController) => out.push(JSON.stringify(message));
  let current: NodeProcess | undefined;
  let welcomed = false;
  let lost: (() => void) | undefined;
  const connectionLost = new Promise<void>((resolve) => (lost = resolve));
  socket.events.on("disconnect", () => {
    // Before the welcome the controller may just not be up yet: ZeroMQ keeps retrying.
    if (welcomed) lost?.();
  });
  socket.connect(options.join);
  tell({ t: "join", id: options.id, host: options.host });
  log(`joining ${options.join} as ${options.id} on ${options.host}`);

  const obey = async (message: ControllerToAgent): Promise<boolean> => {
    switch (message.t) {
      case "welcome":
        welcomed = true;
        log("joined");
        return true;
      case "spawn": {
        if (current && current.state !== "exited") await current.kill();
        const config = { ...message.config, bindHost: options.host, storageFile: join(dataDir, `${options.id}.storage.jsonl`) };
        const proc = new NodeProcess(config, (stream, line) => tell({ t: "output", id: options.id, incarnation: config.incarnation, stream, line }));
        current = proc;
        if (proc.pid !== undefined) tell({ t: "spawned", id: options.id, incarnation: config.incarnation, pid: proc.pid });
        void proc.exited.then((exit) => tell({ t: "exited", id: options.id, incarnation: config.incarnation, code: exit.code, signal: exit.signal }));
        return true;
      }
      case "signal":
        if (current && current.config.incarnation === message.incarnation) {
          if (message.action === "kill") await current.kill();
          else if (message.action === "pause") await current.pause();
          else await current.resume();
        }
        tell({ t: "signalled", id: options.id, token: message.token });
        return true;
      case "bye":
        return false;
    }
  };

  const serve = (async () => {
    for await (const [frame] of socket) {
      let message: ControllerToAgent;
      try {
        message = JSON.parse(frame!.toString()) as ControllerToAgent;
      } catch {
        continue;
      }
      if (!(await obey(message))) return "bye";
    }
    return "closed";
  })();
  const ended = await Promise.race([serve, connectionLost.then(() => "lost" as const)]);
  if (current && current.state !== "exited") await current.kill();
  out.close();
  socket.close();
  if (ended === "lost") log("lost the controller; the node was stopped");
  else log("the controller is done with this node");
  return ended === "lost" ? 1 : 0;
}
