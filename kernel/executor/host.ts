import { Worker } from "node:worker_threads";
import type {
  CommMessage,
  CompleteResult,
  ExecuteOutcome,
  ExecuteRequest,
  InspectResult,
  Interpreter,
  InterpreterEvents,
  IsCompleteResult,
} from "../interpreter.js";
import type { HostToWorker, WorkerToHost } from "./messages.js";
import { WorkerInspector } from "./worker-inspector.js";

export interface ExecutorHostOptions {
  workerUrl: URL;
  pardisRoot: string;
  cwd: string;
  /** Heap limit of the executor; a cell past it loses the runtime, never the kernel. @default 4096 */
  heapMbMax?: number;
  /** How long a worker may take to acknowledge an interrupt before its running code is terminated. @default 100 */
  interruptGraceMs?: number;
  log(line: string): void;
  onChild?(pid: number): void;
}

type Pending = { resolve: (value: any) => void; kind: HostToWorker["type"] };

/**
 * The interpreter as seen from the kernel's main thread: a worker thread that
 * runs cells, restarted if learner code kills it (out of memory, native crash),
 * with the failure reported on the cell that caused it.
 */
export class ExecutorHost implements Interpreter {
  readonly #options: ExecutorHostOptions;
  readonly #inspector = new WorkerInspector();
  #events: InterpreterEvents | undefined;
  #worker: Worker | undefined;
  #ready: Promise<void> = Promise.resolve();
  #pending = new Map<number, Pending>();
  #nextId = 1;
  #interruptSeq = 0;
  #interruptAcks = new Map<number, () => void>();
  #stopping = false;

  constructor(options: ExecutorHostOptions) {
    this.#options = options;
  }

  start(events: InterpreterEvents): void {
    this.#events = events;
    this.#inspector.connect();
    this.#spawn();
  }

  #spawn(): void {
    const options = this.#options;
    const worker = new Worker(options.workerUrl, {
      workerData: { pardisRoot: options.pardisRoot, cwd: options.cwd },
      stdout: true,
      stderr: true,
      resourceLimits: { maxOldGenerationSizeMb: options.heapMbMax ?? 4096 },
    });
    this.#worker = worker;
    let markReady!: () => void;
    this.#ready = new Promise((resolve) => (markReady = resolve));
    worker.on("message", (message: WorkerToHost) => this.#onMessage(message, markReady));
    // Whatever escapes the worker's own capture still reaches the most recent cell.
    worker.stdout.on("data", (chunk: Buffer) => options.log(chunk.toString("utf8")));
    worker.stderr.on("data", (chunk: Buffer) => options.log(chunk.toString("utf8")));
    worker.on("error", (error) => this.#onCrash(worker, error));
    worker.on("exit", (code) => this.#onCrash(worker, new Error(`the TypeScript runtime exited with code ${code}`)));
  }

  #onMessage(message: WorkerToHost, markReady: () => void): void {
    switch (message.type) {
      case "ready":
        markReady();
        return;
      case "result": {
        const pending = this.#pending.get(message.id);
        this.#pending.delete(message.id);
        pending?.resolve(message.value);
        return;
      }
      case "output":
        this.#events?.output(message.output);
        return;
      case "inputRequest":
        void this.#events
          ?.input({ prompt: message.prompt, password: message.password, parent: message.parent })
          .then((value) => this.#post({ type: "inputReply", id: message.id, value }));
        return;
      case "interruptAck":
        this.#interruptAcks.get(message.seq)?.();
        return;
      case "log":
        if (message.line.startsWith("child ")) this.#options.onChild?.(Number(message.line.slice(6)));
        else this.#options.log(message.line);
        return;
    }
  }

  /** The worker died under learner code: answer what was waiting, then start a fresh one. */
  #onCrash(worker: Worker, error: Error): void {
    if (this.#worker !== worker) return;
    this.#worker = undefined;
    if (this.#stopping) return;
    const reason =
      (error as { code?: string }).code === "ERR_WORKER_OUT_OF_MEMORY"
        ? "the cell ran out of memory"
        : error.message;
    const evalue = `${reason}. The kernel survived and started a fresh TypeScript runtime, but variables from earlier cells are gone; re-run the cells you need.`;
    for (const [, pending] of this.#pending) {
      pending.resolve(
        pending.kind === "execute"
          ? ({ status: "error", ename: "RuntimeRestarted", evalue, traceback: [`RuntimeRestarted: ${evalue}`] } satisfies ExecuteOutcome)
          : { matches: [], cursor_start: 0, cursor_end: 0, metadata: {}, found: false, data: {}, status: "unknown" },
      );
    }
    this.#pending.clear();
    for (const ack of this.#interruptAcks.values()) ack();
    this.#options.log(`[pardis] executor stopped (${reason}); restarting`);
    this.#spawn();
  }

  #post(message: HostToWorker): void {
    this.#worker?.postMessage(message);
  }

  async #request<T>(build: (id: number) => HostToWorker): Promise<T> {
    await this.#ready;
    const id = this.#nextId++;
    const message = build(id);
    return new Promise<T>((resolve) => {
      this.#pending.set(id, { resolve, kind: message.type });
      this.#post(message);
    });
  }

  async execute(request: ExecuteRequest): Promise<ExecuteOutcome> {
    const outcome = await this.#request<ExecuteOutcome>((id) => ({ type: "execute", id, request }));
    return outcome;
  }

  complete(code: string, cursorPos: number): Promise<CompleteResult> {
    return this.#request((id) => ({ type: "complete", id, code, cursorPos }));
  }

  inspect(code: string, cursorPos: number, detailLevel: number): Promise<InspectResult> {
    return this.#request((id) => ({ type: "inspect", id, code, cursorPos, detailLevel }));
  }

  isComplete(code: string): Promise<IsCompleteResult> {
    return this.#request((id) => ({ type: "isComplete", id, code }));
  }

  commTargets(): Promise<Record<string, { target_name: string }>> {
    return this.#request((id) => ({ type: "commTargets", id }));
  }

  comm(message: CommMessage): void {
    this.#post({ type: "comm", message });
  }

  /**
   * Asks the worker to stop the running cell. A worker stuck in synchronous code
   * cannot read the request, so when no acknowledgement comes within the grace
   * period its running code is terminated and the request is read right after.
   */
  async interrupt(): Promise<void> {
    if (!this.#worker) return;
    const first = this.#sendInterrupt();
    const graceMs = this.#options.interruptGraceMs ?? 100;
    const acknowledged = await Promise.race([first.then(() => true), delay(graceMs).then(() => false)]);
    if (acknowledged) return;
    await this.#inspector.terminateExecution();
    // The first request may itself have been the code that got terminated; a second one is always read.
    await Promise.race([first, this.#sendInterrupt()]);
  }

  #sendInterrupt(): Promise<void> {
    const seq = ++this.#interruptSeq;
    const acked = new Promise<void>((resolve) =>
      this.#interruptAcks.set(seq, () => {
        this.#interruptAcks.delete(seq);
        resolve();
      }),
    );
    this.#post({ type: "interrupt", seq });
    return acked;
  }

  async shutdown(): Promise<void> {
    this.#stopping = true;
    this.#inspector.disconnect();
    await this.#worker?.terminate();
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
