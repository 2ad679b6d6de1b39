/**
 * The entry point of one node process of a real cluster. It learns who it is
 * from its environment, binds its inbound socket, tells the controller its
 * address, and once it knows its peers' addresses starts the learner's
 * program on the node API (runtime/node) with a wall-clock NodeHost: real
 * timers, durable storage on disk, the network through ZeroMQ.
 *
 * It never outlives its controller: when its stdin pipe closes (the
 * controller exited, crashed or was SIGKILLed) it exits at once.
 */
import { performance } from "node:perf_hooks";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as zmq from "zeromq";
import { seededRandom } from "../core/index.js";
import type { NodeHost, RunningNode } from "../node/index.js";
import { REFERENCE_MODULES } from "../node/reference/catalog.js";
import { CONFIG_ENV, type ControllerToNode, type NodeConfig, type NodeToController } from "./control.js";
import { diskStorage } from "./disk-storage.js";
import { NodeTransport } from "./node-transport.js";
import { Outbound } from "./outbound.js";
import { Recorder } from "./recorder.js";
import { TimerQueue, nodeTimerClock } from "./timer-queue.js";

const config = JSON.parse(process.env[CONFIG_ENV] ?? "null") as NodeConfig | null;
if (config === null) {
  process.stderr.write(`pardis node: missing ${CONFIG_ENV}; node processes are started by launch() or \`pardis node --join\`\n`);
  process.exit(2);
}

process.stdin.on("end", () => process.exit(0));
process.stdin.on("close", () => process.exit(0));
process.stdin.resume();

const { id, incarnation } = config;
let skewMs = 0;
const now = () => performance.timeOrigin + performance.now() - config.epochMs + skewMs;

const control = new zmq.Dealer({ linger: 0, routingId: `${id}/${incarnation}` });
control.connect(config.control);
const controlOut = new Outbound(control, () => undefined);
const tell = (message: NodeToController) => controlOut.push(JSON.stringify(message));

const recorder = new Recorder(id, incarnation, config.recordMessages, tell, config.reportIntervalMs);
const nodeLog = (text: string) => recorder.log(now(), text);
const index = config.nodeIds.indexOf(id);
const random = seededRandom((config.seed * 1_000_003 + index * 7919 + incarnation * 104_729) | 0);
const transport = new NodeTransport(config, now, seededRandom((config.seed ^ 0x5bd1e995) + index), recorder, (text) => nodeLog(`[pardis] ${text}`));
const storage = diskStorage(config.storageFile);

let failing = false;
/** Node code threw: the node crashes, as in the simulator. The controller records it and prints the error. */
function fail(error: unknown): void {
  if (failing) return;
  failing = true;
  const text = error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error);
  recorder.flush();
  tell({ t: "failed", id, incarnation, atMs: now(), error: text });
  // Give the control socket a moment to carry the news (ZeroMQ writes from its
  // own thread after send resolves), then die like a crash.
  const deadline = Date.now() + 500;
  const exitWhenSent = (): void => {
    if (!controlOut.busy || Date.now() > deadline) setTimeout(() => process.exit(1), 30);
    else setTimeout(exitWhenSent, 5);
  };
  exitWhenSent();
}
process.on("uncaughtException", fail);
process.on("unhandledRejection", fail);

const timers = new TimerQueue(nodeTimerClock, fail);

const host: NodeHost = {
  id,
  nodeIds: config.nodeIds,
  incarnation,
  transmit: (dest, body) => transport.send(dest, body),
  now,
  schedule: (delayMs, fire) => timers.schedule(delayMs, fire),
  unschedule: (handle) => timers.cancel(handle),
  random,
  log: nodeLog,
  storage,
  fail,
};

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

/**
 * What running the program needs beyond the network: the node runtime, the
 * program's recipe, the pardis namespace and the shipped globals. Loading
 * them is most of a node's start (runtime/node/index.js carries every
 * reference program), so it begins only once the node has told the
 * controller its address (see the end of this file): the controller hears
 * "ready" from every node sooner, and the loading overlaps the wait for the
 * peers' addresses and the links' handshakes instead of preceding them.
 */
let loading: Promise<{ startNode: typeof import("../node/node-runtime.js").startNode; program: ReturnType<typeof import("./program-loader.js").loadProgram> }> | undefined;
function loadNodeCode(): NonNullable<typeof loading> {
  loading ??= (async () => {
    // Factory recipes name node programs (runtime/node); only a learner's source that imports pardis needs all of it (~4x the load time).
    const recipe = config!.program;
    const needsAll = recipe.kind === "source" && recipe.pardisAliases.length > 0;
    // A reference program by name needs only its own module (see the catalog).
    const referenceModule = recipe.kind === "export" ? REFERENCE_MODULES[recipe.name] : undefined;
    const [{ startNode }, { loadProgram }, pardis, { installShippedGlobals }] = await Promise.all([
      import("../node/node-runtime.js"),
      import("./program-loader.js"),
      import(needsAll ? "../index.js" : referenceModule !== undefined ? `../node/reference/${referenceModule}` : "../node/index.js") as Promise<Record<string, unknown>>,
      import("../pool/shipped-globals.js"),
    ]);
    installShippedGlobals({ cwd: process.cwd(), pardisRoot: packageRoot, loopGuard: () => undefined });
    return { startNode, program: loadProgram(config!.program, pardis) };
  })();
  return loading;
}

/** How long a starting node waits for its links (a peer that is down never answers). */
const LINK_WAIT_MS = 500;

let running: RunningNode | undefined;
async function start(): Promise<void> {
  const [{ startNode, program }] = await Promise.all([
    loadNodeCode(),
    // Messages sent before a link's handshake would fail as unreachable: let the links to live peers come up first.
    transport.connected(LINK_WAIT_MS),
  ]);
  running = startNode(program, host);
  transport.listen((message) => running!.deliver(message));
  tell({ t: "started", id, incarnation });
}

function obey(message: ControllerToNode): void {
  switch (message.t) {
    case "peers":
      transport.setAddresses(message.addresses, message.clientInbox);
      if (running === undefined && !failing) start().catch(fail);
      break;
    case "rules":
      transport.setRules(message.rules);
      break;
    case "skew":
      skewMs = message.offsetMs;
      break;
    case "flush":
      recorder.flush();
      tell({ t: "flushed", id, incarnation, token: message.token });
      break;
    case "stop":
      recorder.flush();
      recorder.stop();
      storage.close();
      transport.close();
      setTimeout(() => process.exit(0), 50);
      break;
  }
}

const address = await transport.bind();
tell({ t: "ready", id, incarnation, pid: process.pid, address });
// A failure here (a recipe that does not load) surfaces in start(), which awaits the same promise.
loadNodeCode().catch(() => undefined);
for await (const [frame] of control) {
  let message: ControllerToNode;
  try {
    message = JSON.parse(frame!.toString()) as ControllerToNode;
  } catch {
    nodeLog(`[pardis] ignored a control frame that is not JSON`);
    continue;
  }
  obey(message);
}
