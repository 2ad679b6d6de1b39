/**
 * One OS process running one incarnation of a node, and the faults a
 * controller applies to it with signals: crash (SIGKILL), pause (SIGSTOP) and
 * resume (SIGCONT). Each node process leads a process group of its own, so a
 * signal reaches whatever the node's code started too, and Jupyter's SIGINT
 * to the kernel's group (an interrupt) never reaches the nodes. Its stdin is a
 * pipe from here: when this process dies, however it dies, the node sees the
 * pipe close and exits; a paused node cannot, and the reaper (reaper.ts)
 * kills it.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { CONFIG_ENV, type NodeConfig } from "./control.js";
import type { NodeExit, NodeRunner, RunnerState } from "./node-runner.js";
import { reapWithThisProcess } from "./reaper.js";

/** node-main.js beside this file once compiled; from the TypeScript sources (tests), the compiled copy in dist/. */
function nodeMainPath(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const beside = join(here, "node-main.js");
  if (existsSync(beside)) return beside;
  return join(here, "..", "..", "dist", "runtime", "net", "node-main.js");
}

/**
 * A node process's environment: this process's, with its config, and without
 * NODE_EXTRA_CA_CERTS. Node reads and parses that CA bundle at every start,
 * before any of our code runs: on this machine 60-90 ms of a 100-140 ms start
 * (`node -e ""` with and without it), paid by every node of every launch and
 * restart. Cluster nodes talk ZeroMQ over loopback or the cluster's network
 * and have no use for extra TLS roots.
 */
function nodeEnvironment(config: NodeConfig): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, [CONFIG_ENV]: JSON.stringify(config) };
  delete env.NODE_EXTRA_CA_CERTS;
  return env;
}

/** Splits a stream into lines (a chunk may end mid-line). */
function onLines(stream: NodeJS.ReadableStream | null, line: (text: string) => void): void {
  let rest = "";
  stream?.setEncoding?.("utf8");
  stream?.on("data", (chunk: string) => {
    const parts = (rest + chunk).split("\n");
    rest = parts.pop()!;
    for (const part of parts) line(part);
  });
  stream?.on("end", () => {
    if (rest !== "") line(rest);
    rest = "";
  });
}

export class NodeProcess implements NodeRunner {
  readonly child: ChildProcess;
  #state: RunnerState = "running";
  /** Settles when the process has exited, with its exit code or signal. */
  readonly exited: Promise<NodeExit>;

  constructor(
    readonly config: NodeConfig,
    output: (stream: "stdout" | "stderr", line: string) => void,
  ) {
    this.child = spawn(process.execPath, [nodeMainPath()], {
      env: nodeEnvironment(config),
      stdio: ["pipe", "pipe", "pipe"],
      detached: true,
    });
    this.child.stdin?.on("error", () => undefined);
    if (this.child.pid !== undefined) reapWithThisProcess(this.child.pid);
    onLines(this.child.stdout, (line) => output("stdout", line));
    onLines(this.child.stderr, (line) => output("stderr", line));
    this.exited = new Promise((resolve) => {
      this.child.once("exit", (code, signal) => {
        this.#state = "exited";
        resolve({ code, signal });
      });
      this.child.once("error", () => {
        this.#state = "exited";
        resolve({ code: null, signal: null });
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get state(): RunnerState {
    return this.#state;
  }

  #signal(signal: NodeJS.Signals): void {
    const pid = this.child.pid;
    if (pid === undefined || this.#state === "exited") return;
    try {
      process.kill(-pid, signal);
    } catch {
      try {
        process.kill(pid, signal);
      } catch {
        // Already gone.
      }
    }
  }

  /** SIGKILL to the node's whole process group; resolves once the node process is gone. */
  async kill(): Promise<void> {
    this.#signal("SIGKILL");
    await this.exited;
  }

  /** SIGSTOP; resolves once the kernel reports the process stopped (signals are delivered asynchronously). */
  async pause(): Promise<void> {
    if (this.#state !== "running") return;
    this.#signal("SIGSTOP");
    this.#state = "paused";
    await this.#until((state) => state === "T");
  }

  /** SIGCONT; resolves once the process runs again. */
  async resume(): Promise<void> {
    if (this.#state !== "paused") return;
    this.#signal("SIGCONT");
    this.#state = "running";
    await this.#until((state) => state !== "T");
  }

  /** Polls the process's state letter in /proc (Linux) until `done`, for at most a second; elsewhere returns at once. */
  async #until(done: (state: string) => boolean): Promise<void> {
    const pid = this.child.pid;
    const deadline = Date.now() + 1000;
    while (pid !== undefined && this.#state !== "exited" && Date.now() < deadline) {
      let state: string;
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
        state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
      } catch {
        return;
      }
      if (done(state)) return;
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  }
}
