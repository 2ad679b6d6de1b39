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
import { INTERRUPT_SLOT, SHARED_SLOTS, type HostToWorker, type WorkerToHost } from "./messages.js";

export interface ExecutorHostOptions {
  workerUrl: URL;
  pardisRoot: string;
  cwd: string;
  /** Heap limit of the executor; a cell past it loses the runtime, never the kernel. @default 4096 */
  heapMbMax?: number;
  /**
   * How long a cell may take to stop after an interrupt before the runtime is
   * replaced. Loops and awaits stop at once; only code blocked in Atomics.wait or
   * native calls runs into this. @default 1000
   */
  interruptGraceMs?: number;
  log(line: string): void;
  onChild?(pid: number): void;
}

type Pending = { resolve: (value: any) => void; message: HostToWorker };

/**
 * The interpreter as seen from the kernel's main thread: a worker thread that
 * runs cells, restarted if learner code kills it (out of memory, native crash),
 * with the failure reported on the cell that caused it.
 */
export class ExecutorHost implements Interpreter {
  readonly #options: ExecutorHostOptions;
  /** Raised by interrupt(), read by the loop guards of the running cell, lowered when a cell starts. */
  readonly #interruptFlag = new Int32Array(new SharedArrayBuffer(SHARED_SLOTS * Int32Array.BYTES_PER_ELEMENT));
  #events: InterpreterEvents | undefined;
  #worker: Worker | undefined;
  #ready: Promise<void> = Promise.resolve();
  #pending = new Map<number, Pending>();
  #nextId = 1;
  #interruptSeq = 0;
  /** Interrupts so far; an execute that sees this change while it waits for the runtime is cancelled. */
  #interruptCount = 0;
  #isReady = false;
  #interruptAcks = new Map<number, () => void>();
  #stopping = false;
  /** Why the current worker is being replaced, when the host itself ended it. */
  #replacing: string | undefined;

  constructor(options: ExecutorHostOptions) {
    this.#options = options;
  }

  start(events: InterpreterEvents): void {
    this.#events = events;
    this.#spawn();
  }

  #spawn(): void {
    const options = this.#options;
    const worker = new Worker(options.workerUrl, {
      workerData: { pardisRoot: options.pardisRoot, cwd: options.cwd, interruptFlag: this.#interruptFlag },
      stdout: true,
      stderr: true,
      // A young generation of 8 MiB instead of V8's default (up to 3 × 16 MiB)
      // keeps about 23 MiB less resident after start, with no measurable cost on
      // cell compilation or allocation-heavy cells (tests/bench/kernel.bench.ts).
      resourceLimits: { maxOldGenerationSizeMb: options.heapMbMax ?? 4096, maxYoungGenerationSizeMb: 8 },
    });
    this.#worker = worker;
    let markReady!: () => void;
    this.#isReady = false;
    this.#ready = new Promise((resolve) => (markReady = () => {
      this.#isReady = true;
      resolve();
    }));
    worker.on("message", (message: WorkerToHost) => this.#onMessage(message, markReady));
    // Whatever escapes the worker's own capture still reaches the most recent cell.
    worker.stdout.on("data", (chunk: Buffer) => options.log(chunk.toString("utf8")));
    worker.stderr.on("data", (chunk: Buffer) => options.log(chunk.toString("utf8")));
    worker.on("error", (error) => this.#onCrash(worker, error));
    worker.on("exit", (code) => this.#onCrash(worker, new Error(this.#replacing ?? `the TypeScript runtime exited with code ${code}`)));
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
    this.#replacing = undefined;
    if (this.#stopping) return;
    const reason =
      (error as { code?: string }).code === "ERR_WORKER_OUT_OF_MEMORY"
        ? "the cell ran out of memory"
        : error.message;
    const evalue = `${reason}. The kernel survived and started a fresh TypeScript runtime, but variables from earlier cells are gone; re-run the cells you need.`;
    const failure = { ename: "RuntimeRestarted", evalue, traceback: [`RuntimeRestarted: ${evalue}`] };
    for (const [, { message, resolve }] of this.#pending) {
      if (message.type === "execute") {
        this.#events?.output({ msgType: "error", content: failure, parent: message.request.parent });
        resolve({ status: "error", ...failure } satisfies ExecuteOutcome);
      } else {
        resolve({ matches: [], cursor_start: 0, cursor_end: 0, metadata: {}, found: false, data: {}, status: "unknown" });
      }
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
      this.#pending.set(id, { resolve, message });
      this.#post(message);
    });
  }

  async execute(request: ExecuteRequest): Promise<ExecuteOutcome> {
    // Lowered when the cell is handed over, so an interrupt sent after this always reaches it.
    Atomics.store(this.#interruptFlag, INTERRUPT_SLOT, 0);
    const interruptsBefore = this.#interruptCount;
    await this.#ready;
    // Interrupted while the runtime was still starting: the cell never runs.
    if (this.#interruptCount !== interruptsBefore) {
      const error = { ename: "InterruptError", evalue: "Execution interrupted by the user before the cell started", traceback: [] as string[] };
      error.traceback.push(`InterruptError: ${error.evalue}`);
      this.#events?.output({ msgType: "error", content: error, parent: request.parent });
      return { status: "error", ...error };
    }
    return this.#request<ExecuteOutcome>((id) => ({ type: "execute", id, request }));
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
   * Stops the running cell, keeping every variable: the flag stops loops, the
   * message rejects whatever the cell awaits. A cell that does neither within the
   * grace period (blocked in Atomics.wait or native code) costs the runtime.
   */
  async interrupt(): Promise<void> {
    this.#interruptCount++;
    const worker = this.#worker;
    // A runtime still loading TypeScript runs no cell; the count above cancels the waiting one.
    if (!worker || !this.#isReady) return;
    Atomics.store(this.#interruptFlag, INTERRUPT_SLOT, 1);
    const graceMs = this.#options.interruptGraceMs ?? 1000;
    const acknowledged = await Promise.race([this.#sendInterrupt().then(() => true), delay(graceMs).then(() => false)]);
    if (acknowledged || this.#worker !== worker) return;
    this.#replacing = `the cell did not stop within ${graceMs} ms of the interrupt (blocked in Atomics.wait or native code)`;
    await worker.terminate();
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
    await this.#worker?.terminate();
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
