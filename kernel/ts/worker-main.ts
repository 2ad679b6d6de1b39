/**
 * Entry of the executor worker: the thread that runs learner code. The kernel's
 * main thread keeps the sockets, so heartbeats, control messages and interrupts
 * are answered however long a cell computes.
 */
import { parentPort, workerData } from "node:worker_threads";
import { INTERRUPT_SLOT, type HostToWorker, type WorkerToHost } from "../executor/messages.js";
import type { CommMessage } from "../interpreter.js";
import type { MimeBundle } from "../protocol/index.js";
import { KERNEL_BRIDGE, type DisplayOptions, type KernelBridge } from "./bridge.js";
import { captureOutput } from "./capture.js";
import { currentCell, type CellContext } from "./cell-context.js";
import { CommRegistry } from "./comms.js";
import { CellCompiler } from "./compile.js";
import { Evaluator } from "./evaluate.js";
import { toMimeBundle } from "./format.js";
import { OutputChannel } from "./output-channel.js";
import { plainStack, type CellLineLookup } from "./traceback.js";
import { InterruptError, TsSession } from "./session.js";

interface WorkerConfig {
  pardisRoot: string;
  cwd: string;
  interruptFlag: Int32Array;
}

const port = parentPort!;
const config = workerData as WorkerConfig;
const post = (message: WorkerToHost) => port.postMessage(message);
const startedMs = performance.now();

const channel = new OutputChannel(post);
captureOutput(channel, (pid) => post({ type: "log", line: `child ${pid}` }));
const comms = new CommRegistry(channel);

let nextInputId = 0;
const pendingInputs = new Map<number, (value: string) => void>();

const interruptFlag = config.interruptFlag;
const loopGuard = () => {
  if (Atomics.load(interruptFlag, INTERRUPT_SLOT) !== 0) throw new InterruptError();
  channel.flushIfDue();
};
// A cell blocked in Atomics.wait (a barrier or lock that never opens) never
// yields; show what it printed before blocking, or a deadlock hides its own trace.
const atomicsWait = Atomics.wait;
Atomics.wait = ((...args: Parameters<typeof Atomics.wait>) => {
  channel.flush();
  return atomicsWait(...args);
}) as typeof Atomics.wait;
const evaluator = new Evaluator(config.cwd, config.pardisRoot, loopGuard);
let session: TsSession | undefined;

const bridge: KernelBridge & { display(bundle: MimeBundle, options?: DisplayOptions, cell?: CellContext): void } = {
  display(bundle: MimeBundle, options: DisplayOptions = {}, cell: CellContext | undefined = currentCell()) {
    const transient = options.displayId ? { display_id: options.displayId } : {};
    channel.emit(
      {
        msgType: options.update ? "update_display_data" : "display_data",
        content: { data: bundle, metadata: options.metadata ?? {}, transient },
      },
      cell,
    );
  },
  async displayValue(value, options = {}) {
    const cell = currentCell();
    bridge.display(await toMimeBundle(value), options, cell);
  },
  clearOutput(wait = false) {
    channel.emit({ msgType: "clear_output", content: { wait } });
  },
  input(prompt = "", options = {}) {
    const cell = currentCell();
    if (!cell) return Promise.reject(new Error("input() needs a running cell"));
    channel.flush();
    const id = nextInputId++;
    post({ type: "inputRequest", id, prompt, password: options.password === true, parent: cell.parent });
    return new Promise((resolve) => pendingInputs.set(id, resolve));
  },
  get interruptSignal() {
    return session?.interruptSignal ?? new AbortController().signal;
  },
  openComm: (target, data) => comms.open(target, data),
  registerCommTarget: (target, handler) => comms.registerTarget(target, handler),
};
Object.defineProperty(globalThis, KERNEL_BRIDGE, { value: bridge, enumerable: false });

// A learner's process.exit would end this thread and lose every variable; stop
// the cell with a clear error instead.
const exitProcess = process.exit.bind(process);
process.exit = ((code?: number) => {
  // Node's own fatal-error path ends a broken worker this way; let it.
  if (/node:internal/.test(new Error().stack?.split("\n")[2] ?? "")) return exitProcess(code);
  throw Object.assign(new Error(`process.exit(${code ?? ""}) was called; pardis stopped the cell instead of the kernel. Restart the kernel to start afresh.`), {
    name: "ProcessExitError",
  });
}) as typeof process.exit;

// Errors nobody awaited still belong to a cell: show them there, keep running.
const lookup: CellLineLookup = (file, line) => evaluator.cellLine(file, line);
process.on("uncaughtException", (error) => {
  channel.stream("stderr", `Uncaught ${plainStack(error, lookup)}\n`);
});
process.on("unhandledRejection", (reason) => {
  channel.stream("stderr", `Unhandled promise rejection: ${plainStack(reason, lookup)}\n`);
});

const compiler = new CellCompiler(config.pardisRoot);
session = new TsSession(compiler, evaluator, channel);
evaluator.define("input", bridge.input);
// Only the display helpers, not the whole runtime: pools, the explorer and the
// rest load when a cell imports them, so a kernel that never uses them does
// not keep them resident.
const runtime = await import("pardis/display").catch(() => undefined);
if (runtime && "display" in runtime) evaluator.define("display", (runtime as Record<string, unknown>).display);

async function handle(message: HostToWorker): Promise<void> {
  const s = session!;
  switch (message.type) {
    case "execute":
      post({ type: "result", id: message.id, value: await s.execute(message.request) });
      return;
    case "complete":
      post({ type: "result", id: message.id, value: compiler.complete(message.code, message.cursorPos) });
      return;
    case "inspect":
      post({ type: "result", id: message.id, value: compiler.inspect(message.code, message.cursorPos) });
      return;
    case "isComplete":
      post({ type: "result", id: message.id, value: compiler.isComplete(message.code) });
      return;
    case "commTargets":
      post({ type: "result", id: message.id, value: comms.openComms() });
      return;
    case "comm":
      comms.receive(message.message as CommMessage);
      return;
    case "interrupt":
      s.interrupt();
      post({ type: "interruptAck", seq: message.seq });
      return;
    case "inputReply": {
      const resolve = pendingInputs.get(message.id);
      pendingInputs.delete(message.id);
      resolve?.(message.value);
      return;
    }
  }
}

port.on("message", (message: HostToWorker) => {
  handle(message).catch((error) => post({ type: "log", line: `executor failed on ${message.type}: ${String(error?.stack ?? error)}` }));
});
// Type-check a throwaway cell before saying ready: TypeScript's first program
// (the lib files, the prelude) costs about 1.5 s, paid here while the learner
// is still reading the notebook instead of on their first cell. Nothing is
// committed, so the cell leaves no declarations behind.
compiler.compile("0");
post({ type: "ready", ms: performance.now() - startedMs });
