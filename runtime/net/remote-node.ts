/**
 * One incarnation of a node whose process runs on another machine, started
 * and signalled through that machine's `pardis node --join` agent. To the
 * controller it looks like a local NodeProcess.
 */
import type { ControllerToAgent, NodeConfig } from "./control.js";
import type { NodeExit, NodeRunner, RunnerState } from "./node-runner.js";

/** How long a signal may take to be confirmed before the controller goes on without the confirmation. */
const SIGNAL_TIMEOUT_MS = 3000;

export class RemoteNode implements NodeRunner {
  #pid: number | undefined;
  #state: RunnerState = "running";
  #exit!: (exit: NodeExit) => void;
  readonly exited: Promise<NodeExit> = new Promise((resolve) => (this.#exit = resolve));
  readonly #acks = new Map<number, () => void>();
  static #nextToken = 1;

  constructor(
    readonly config: NodeConfig,
    private readonly tellAgent: (message: ControllerToAgent) => void,
  ) {
    tellAgent({ t: "spawn", config });
  }

  get pid(): number | undefined {
    return this.#pid;
  }

  get state(): RunnerState {
    return this.#state;
  }

  /** The agent reported the process's pid (on its machine). */
  spawned(pid: number): void {
    this.#pid = pid;
  }

  /** The agent reported the process gone. */
  ended(exit: NodeExit): void {
    this.#state = "exited";
    this.#exit(exit);
  }

  /** The agent confirmed a signal. */
  signalled(token: number): void {
    this.#acks.get(token)?.();
  }

  async #signal(action: "kill" | "pause" | "resume"): Promise<void> {
    const token = RemoteNode.#nextToken++;
    const confirmed = new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, SIGNAL_TIMEOUT_MS);
      this.#acks.set(token, () => {
        clearTimeout(timer);
        resolve();
      });
    });
    this.tellAgent({ t: "signal", incarnation: this.config.incarnation, action, token });
    await confirmed;
    this.#acks.delete(token);
  }

  async kill(): Promise<void> {
    if (this.#state === "exited") return;
    await this.#signal("kill");
  }

  async pause(): Promise<void> {
    if (this.#state !== "running") return;
    this.#state = "paused";
    await this.#signal("pause");
  }

  async resume(): Promise<void> {
    if (this.#state !== "paused") return;
    this.#state = "running";
    await this.#signal("resume");
  }
}
