/**
 * A Jupyter client over real ZeroMQ for tests and benchmarks: launches any
 * installed kernelspec (pardis, tslab, ipykernel) the way jupyter_client does,
 * and speaks the wire protocol with pardis's own signer so both ends are checked
 * against the same spec.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import * as zmq from "zeromq";
import { Signer, decode, encode, makeHeader, type Header, type Message } from "../../kernel/protocol/index.js";

export const repoRoot = resolve(import.meta.dirname, "..", "..");
export const venv = join(repoRoot, ".venv");

export interface KernelSpecFile {
  argv: string[];
  env?: Record<string, string>;
  interrupt_mode?: "signal" | "message";
}

export function readKernelSpec(name: string): KernelSpecFile {
  const path = join(venv, "share", "jupyter", "kernels", name, "kernel.json");
  const spec = JSON.parse(readFileSync(path, "utf8")) as KernelSpecFile;
  // jupyter_client runs `python` kernels with its own interpreter; so do we.
  if (spec.argv[0] === "python" || spec.argv[0] === "python3") spec.argv[0] = join(venv, "bin", "python");
  return spec;
}

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolvePort(typeof address === "object" && address ? address.port : 0));
    });
  });
}

export interface Connection {
  transport: "tcp";
  ip: string;
  key: string;
  signature_scheme: "hmac-sha256";
  shell_port: number;
  control_port: number;
  iopub_port: number;
  stdin_port: number;
  hb_port: number;
}

export async function makeConnection(): Promise<Connection> {
  const ports = new Set<number>();
  while (ports.size < 5) ports.add(await freePort());
  const [shell_port, control_port, iopub_port, stdin_port, hb_port] = [...ports] as [number, number, number, number, number];
  return {
    transport: "tcp",
    ip: "127.0.0.1",
    key: randomBytes(16).toString("hex"),
    signature_scheme: "hmac-sha256",
    shell_port,
    control_port,
    iopub_port,
    stdin_port,
    hb_port,
  };
}

type Channel = "shell" | "control" | "stdin";

export interface ExecuteResult {
  reply: Message;
  /** Every iopub message whose parent is the request, up to and including its idle status. */
  iopub: Message[];
}

/** The client half: sockets, signing, and matching replies and outputs to requests. */
export class KernelClient {
  readonly session = randomUUID();
  readonly signer: Signer;
  readonly #sockets: Record<Channel, zmq.Dealer>;
  readonly #iopub = new zmq.Subscriber();
  readonly #replies = new Map<string, (message: Message) => void>();
  readonly #iopubByParent = new Map<string, Message[]>();
  readonly #iopubWaiters = new Set<() => void>();
  #stdinHandler: ((request: Message) => string | Promise<string>) | undefined;
  #closed = false;
  /** Every iopub message in arrival order, for tests about ordering. */
  readonly iopubLog: Message[] = [];

  constructor(readonly connection: Connection) {
    this.signer = new Signer(connection.key);
    const url = (port: number) => `tcp://${connection.ip}:${port}`;
    const identity = `client-${this.session}`;
    this.#sockets = {
      shell: new zmq.Dealer({ routingId: identity, linger: 0 }),
      control: new zmq.Dealer({ routingId: identity, linger: 0 }),
      stdin: new zmq.Dealer({ routingId: identity, linger: 0 }),
    };
    this.#sockets.shell.connect(url(connection.shell_port));
    this.#sockets.control.connect(url(connection.control_port));
    this.#sockets.stdin.connect(url(connection.stdin_port));
    this.#iopub.linger = 0;
    this.#iopub.connect(url(connection.iopub_port));
    this.#iopub.subscribe();
    for (const channel of ["shell", "control"] as const) void this.#readReplies(this.#sockets[channel]);
    void this.#readStdin();
    void this.#readIopub();
  }

  async #readReplies(socket: zmq.Dealer): Promise<void> {
    try {
      for await (const frames of socket) {
        const message = decode(frames, this.signer);
        const waiter = this.#replies.get(message.parent_header.msg_id ?? "");
        if (waiter) {
          this.#replies.delete(message.parent_header.msg_id!);
          waiter(message);
        }
      }
    } catch (error) {
      if (!this.#closed) throw error;
    }
  }

  async #readStdin(): Promise<void> {
    try {
      for await (const frames of this.#sockets.stdin) {
        const request = decode(frames, this.signer);
        const value = (await this.#stdinHandler?.(request)) ?? "";
        await this.send("stdin", "input_reply", { value }, request.header);
      }
    } catch (error) {
      if (!this.#closed) throw error;
    }
  }

  async #readIopub(): Promise<void> {
    try {
      for await (const frames of this.#iopub) {
        const message = decode(frames, this.signer);
        this.iopubLog.push(message);
        const parent = message.parent_header.msg_id ?? "";
        const list = this.#iopubByParent.get(parent) ?? [];
        list.push(message);
        this.#iopubByParent.set(parent, list);
        for (const wake of [...this.#iopubWaiters]) wake();
      }
    } catch (error) {
      if (!this.#closed) throw error;
    }
  }

  /** Answers input_request messages with what the handler returns (or resolves to). */
  onInput(handler: (request: Message) => string | Promise<string>): void {
    this.#stdinHandler = handler;
  }

  async send(channel: Channel, msgType: string, content: unknown, parent: Header | Record<string, never> = {}): Promise<Header> {
    const header = makeHeader(msgType, this.session, "test");
    await this.#sockets[channel].send(encode({ header, parent_header: parent, content }, this.signer));
    return header;
  }

  /** Sends frames exactly as given (for forged or malformed messages). */
  async sendRaw(channel: Channel, frames: Buffer[]): Promise<void> {
    await this.#sockets[channel].send(frames);
  }

  async request(channel: "shell" | "control", msgType: string, content: unknown, timeoutMs = 30_000): Promise<Message> {
    const header = makeHeader(msgType, this.session, "test");
    const reply = new Promise<Message>((resolveReply, reject) => {
      const timer = setTimeout(() => {
        this.#replies.delete(header.msg_id);
        reject(new Error(`no ${msgType} reply within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#replies.set(header.msg_id, (message) => {
        clearTimeout(timer);
        resolveReply(message);
      });
    });
    await this.#sockets[channel].send(encode({ header, parent_header: {}, content }, this.signer));
    return reply;
  }

  /** The iopub messages of one request so far. */
  iopubOf(msgId: string): Message[] {
    return this.#iopubByParent.get(msgId) ?? [];
  }

  /** Resolves once `test` holds for some iopub message (checked on each arrival). */
  waitForIopub(test: (message: Message) => boolean, timeoutMs = 30_000): Promise<Message> {
    return new Promise((resolveMessage, reject) => {
      const check = () => {
        const found = this.iopubLog.find(test);
        if (!found) return false;
        clearTimeout(timer);
        this.#iopubWaiters.delete(wake);
        resolveMessage(found);
        return true;
      };
      const wake = () => void check();
      const timer = setTimeout(() => {
        this.#iopubWaiters.delete(wake);
        reject(new Error(`no matching iopub message within ${timeoutMs} ms`));
      }, timeoutMs);
      if (!check()) this.#iopubWaiters.add(wake);
    });
  }

  waitForIdle(msgId: string, timeoutMs = 30_000): Promise<Message> {
    return this.waitForIopub(
      (m) => m.parent_header.msg_id === msgId && m.header.msg_type === "status" && m.content.execution_state === "idle",
      timeoutMs,
    );
  }

  /** Starts an execute request; `done` gives the reply and its outputs once the kernel is idle again. */
  async startExecute(code: string, options: Record<string, unknown> = {}): Promise<{ msgId: string; done: Promise<ExecuteResult> }> {
    const header = makeHeader("execute_request", this.session, "test");
    const reply = new Promise<Message>((resolveReply) => this.#replies.set(header.msg_id, resolveReply));
    const content = { code, silent: false, store_history: true, user_expressions: {}, allow_stdin: true, stop_on_error: true, ...options };
    await this.#sockets.shell.send(encode({ header, parent_header: {}, content }, this.signer));
    const done = (async () => {
      const message = await reply;
      await this.waitForIdle(header.msg_id);
      return { reply: message, iopub: this.iopubOf(header.msg_id) };
    })();
    return { msgId: header.msg_id, done };
  }

  async execute(code: string, options: Record<string, unknown> = {}): Promise<ExecuteResult> {
    return (await this.startExecute(code, options)).done;
  }

  /**
   * Waits until the kernel answers kernel_info and its iopub reaches us, as
   * jupyter_client's wait_for_ready does: a subscription that is not yet
   * connected silently drops messages, so keep asking until one arrives.
   */
  async ready(timeoutMs = 60_000): Promise<Message> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`kernel not ready within ${timeoutMs} ms`);
      try {
        const reply = await this.request("shell", "kernel_info_request", {}, Math.min(left, 2_000));
        await this.waitForIopub((m) => m.parent_header.msg_id === reply.parent_header.msg_id, Math.min(deadline - Date.now(), 500));
        return reply;
      } catch {
        // not ready yet: ask again
      }
    }
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const socket of Object.values(this.#sockets)) socket.close();
    this.#iopub.close();
  }
}

/** A kernel process started from its kernelspec, with a client connected to it. */
export class KernelExitedError extends Error {
  override name = "KernelExitedError";
}

/**
 * A kernel that answers: launched, then ready. Ports are chosen free and bound
 * by the kernel a moment later; when another process took one meanwhile, the
 * kernel exits at start, and this launches it again on fresh ports.
 */
export async function launchReadyKernel(name: string, options: LaunchOptions = {}, attempts = 3): Promise<LaunchedKernel> {
  for (let attempt = 1; ; attempt++) {
    const kernel = await launchKernel(name, options);
    try {
      await kernel.ready();
      return kernel;
    } catch (error) {
      await kernel.shutdown();
      if (!(error instanceof KernelExitedError) || attempt >= attempts) throw error;
    }
  }
}

export class LaunchedKernel {
  #exited: Promise<number | null>;
  constructor(
    readonly name: string,
    readonly process: ChildProcess,
    readonly client: KernelClient,
    readonly spec: KernelSpecFile,
    readonly startedAt: number,
    private readonly workDir: string,
  ) {
    this.#exited = new Promise((resolveExit) => {
      if (process.exitCode !== null) resolveExit(process.exitCode);
      else process.once("exit", (code) => resolveExit(code));
    });
  }

  get pid(): number {
    return this.process.pid!;
  }

  get exited(): Promise<number | null> {
    return this.#exited;
  }

  /** The end of what the kernel wrote to stderr, for messages when it fails to start. */
  stderrTail = "";

  /**
   * `client.ready()`, but a kernel that exits first fails at once with its
   * stderr (say, a port another process took between choosing and binding it)
   * instead of after the whole timeout with no reason.
   */
  async ready(timeoutMs = 60_000): Promise<Message> {
    const exitedFirst = this.#exited.then((code) => {
      throw new KernelExitedError(`kernel exited (code ${code}) before it was ready; stderr:\n${this.stderrTail}`);
    });
    // When the kernel answers first, its exit at shutdown later is nobody's error.
    exitedFirst.catch(() => undefined);
    return Promise.race([this.client.ready(timeoutMs), exitedFirst]);
  }

  /** Whether the kernel leads a process group of its own (LaunchOptions.newSession). */
  leadsProcessGroup = false;

  /**
   * As JupyterLab's interrupt button does: SIGINT in signal mode (to the kernel's
   * whole process group when it leads one, as jupyter_client does), interrupt_request otherwise.
   */
  async interrupt(): Promise<void> {
    if ((this.spec.interrupt_mode ?? "signal") === "signal") process.kill(this.leadsProcessGroup ? -this.pid : this.pid, "SIGINT");
    else await this.client.request("control", "interrupt_request", {});
  }

  /** Polite shutdown, then SIGKILL if the kernel does not leave. */
  async shutdown(): Promise<void> {
    try {
      if (this.process.exitCode === null) {
        await this.client.request("control", "shutdown_request", { restart: false }, 5_000);
        await Promise.race([this.#exited, new Promise((r) => setTimeout(r, 5_000))]);
      }
    } catch {
      // fall through to the kill
    } finally {
      if (this.process.exitCode === null && this.process.signalCode === null) this.process.kill("SIGKILL");
      this.client.close();
      rmSync(this.workDir, { recursive: true, force: true });
    }
  }
}

export interface LaunchOptions {
  cwd?: string;
  env?: Record<string, string>;
  /** Collects the kernel's stderr (its log). */
  onStderr?(text: string): void;
  /**
   * Start the kernel in a session and process group of its own, as jupyter_client
   * does on POSIX (start_new_session=True). @default false
   */
  newSession?: boolean;
}

export async function launchKernel(name: string, options: LaunchOptions = {}): Promise<LaunchedKernel> {
  const spec = readKernelSpec(name);
  const connection = await makeConnection();
  const workDir = mkdtempSync(join(tmpdir(), `pardis-test-${name}-`));
  const connectionFile = join(workDir, "connection.json");
  writeFileSync(connectionFile, JSON.stringify(connection));
  const argv = spec.argv.map((arg) => arg.replace("{connection_file}", connectionFile));
  const startedAt = performance.now();
  const child = spawn(argv[0]!, argv.slice(1), {
    cwd: options.cwd ?? workDir,
    env: { ...process.env, ...spec.env, ...options.env, PATH: `${join(venv, "bin")}:${process.env.PATH}` },
    stdio: ["ignore", "ignore", "pipe"],
    detached: options.newSession === true,
  });
  child.stderr!.setEncoding("utf8");
  const client = new KernelClient(connection);
  const kernel = new LaunchedKernel(name, child, client, spec, startedAt, workDir);
  child.stderr!.on("data", (text: string) => {
    kernel.stderrTail = (kernel.stderrTail + text).slice(-4_000);
    options.onStderr?.(text);
  });
  kernel.leadsProcessGroup = options.newSession === true;
  return kernel;
}

/** Text that arrives in pieces (a kernel's stderr), with a wait for a pattern in it. */
export class TextLog {
  text = "";
  readonly #waiters = new Set<() => void>();

  /** Pass as LaunchOptions.onStderr. */
  readonly append = (text: string): void => {
    this.text += text;
    for (const wake of [...this.#waiters]) wake();
  };

  /** Resolves with the text once it matches `pattern`. */
  waitFor(pattern: RegExp, timeoutMs = 30_000): Promise<string> {
    return new Promise((resolveText, reject) => {
      const check = () => {
        if (!pattern.test(this.text)) return false;
        clearTimeout(timer);
        this.#waiters.delete(check);
        resolveText(this.text);
        return true;
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(check);
        reject(new Error(`no ${pattern} within ${timeoutMs} ms in:\n${this.text}`));
      }, timeoutMs);
      if (!check()) this.#waiters.add(check);
    });
  }
}

/** Text of all stream messages of one name in a list of iopub messages. */
export function streamText(messages: Message[], name: "stdout" | "stderr" = "stdout"): string {
  return messages
    .filter((m) => m.header.msg_type === "stream" && m.content.name === name)
    .map((m) => m.content.text as string)
    .join("");
}

export function outputsOfType(messages: Message[], type: string): Message[] {
  return messages.filter((m) => m.header.msg_type === type);
}
