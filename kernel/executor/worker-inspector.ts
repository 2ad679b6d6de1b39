import { Session } from "node:inspector";

/**
 * Stops JavaScript that is running right now in a worker thread, without ending
 * the thread: V8's TerminateExecution through the inspector, which reaches a
 * worker even while it spins in `while (true) {}`. V8 cancels the termination
 * once the outermost call returns, so the worker's event loop and every variable
 * it holds survive.
 */
export class WorkerInspector {
  readonly #session = new Session();
  #workerSession: string | undefined;
  #nextId = 1;
  #connected = false;

  connect(): void {
    this.#session.connect();
    this.#connected = true;
    this.#session.on("NodeWorker.attachedToWorker", (event: { params: { sessionId: string } }) => {
      this.#workerSession = event.params.sessionId;
    });
    this.#session.on("NodeWorker.detachedFromWorker", (event: { params: { sessionId: string } }) => {
      if (this.#workerSession === event.params.sessionId) this.#workerSession = undefined;
    });
    this.#session.post("NodeWorker.enable", { waitForDebuggerOnStart: false });
  }

  /** True once the inspector has attached to the current worker. */
  get attached(): boolean {
    return this.#workerSession !== undefined;
  }

  terminateExecution(): Promise<void> {
    const sessionId = this.#workerSession;
    if (!sessionId) return Promise.resolve();
    const message = JSON.stringify({ id: this.#nextId++, method: "Runtime.terminateExecution" });
    return new Promise((resolve) => {
      this.#session.post("NodeWorker.sendMessageToWorker", { sessionId, message }, () => resolve());
    });
  }

  disconnect(): void {
    if (!this.#connected) return;
    this.#connected = false;
    this.#session.disconnect();
  }
}
