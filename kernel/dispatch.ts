import { History } from "./history.js";
import type { ExecuteOutcome, InputRequest, Interpreter, Output } from "./interpreter.js";
import { kernelInfo } from "./kernel-info.js";
import { type Header, type Message, makeHeader } from "./protocol/index.js";
import type { RequestChannel, Transport } from "./transport/transport.js";

export interface DispatchOptions {
  version: string;
  session: string;
  log(line: string): void;
  /** Called after the shutdown_reply went out; the caller ends the process. */
  onShutdown(restart: boolean): void;
}

type Handler = (message: Message, channel: RequestChannel) => Promise<void>;

/**
 * Routes requests to handlers (the xeus dispatch role): status busy/idle around
 * each request, parent headers on every message, execution count, history.
 * Shell requests run one at a time in arrival order; control requests are never
 * queued behind them, so interrupt and shutdown work while a cell computes.
 */
export class Dispatcher {
  readonly #transport: Transport;
  readonly #interpreter: Interpreter;
  readonly #options: DispatchOptions;
  readonly #history = new History();
  readonly #shellQueue: Message[] = [];
  readonly #handlers: Record<string, Handler>;
  #executionCount = 0;
  #draining = false;
  /** The execute request being run, for routing input_request to its sender. */
  #executing: Message | undefined;
  #pendingInput: { resolve: (value: string) => void; header: Header } | undefined;

  constructor(transport: Transport, interpreter: Interpreter, options: DispatchOptions) {
    this.#transport = transport;
    this.#interpreter = interpreter;
    this.#options = options;
    this.#handlers = {
      kernel_info_request: (m, c) => this.#reply(c, m, "kernel_info_reply", kernelInfo(options.version)),
      execute_request: (m, c) => this.#execute(m, c),
      complete_request: async (m, c) =>
        this.#reply(c, m, "complete_reply", {
          status: "ok",
          ...(await this.#interpreter.complete(String(m.content.code ?? ""), Number(m.content.cursor_pos ?? 0))),
        }),
      inspect_request: async (m, c) =>
        this.#reply(c, m, "inspect_reply", {
          status: "ok",
          ...(await this.#interpreter.inspect(String(m.content.code ?? ""), Number(m.content.cursor_pos ?? 0), Number(m.content.detail_level ?? 0))),
        }),
      is_complete_request: async (m, c) =>
        this.#reply(c, m, "is_complete_reply", { ...(await this.#interpreter.isComplete(String(m.content.code ?? ""))) }),
      history_request: (m, c) =>
        this.#reply(c, m, "history_reply", { status: "ok", history: this.#history.query(m.content) }),
      comm_info_request: async (m, c) => {
        const all = await this.#interpreter.commTargets();
        const target = m.content.target_name;
        const comms = Object.fromEntries(Object.entries(all).filter(([, info]) => !target || info.target_name === target));
        return this.#reply(c, m, "comm_info_reply", { status: "ok", comms });
      },
      comm_open: async (m) =>
        this.#interpreter.comm({ kind: "open", commId: String(m.content.comm_id), targetName: String(m.content.target_name), data: asRecord(m.content.data), parent: m.header }),
      comm_msg: async (m) =>
        this.#interpreter.comm({ kind: "msg", commId: String(m.content.comm_id), data: asRecord(m.content.data), parent: m.header }),
      comm_close: async (m) =>
        this.#interpreter.comm({ kind: "close", commId: String(m.content.comm_id), data: asRecord(m.content.data), parent: m.header }),
      interrupt_request: async (m, c) => {
        await this.#interpreter.interrupt();
        await this.#reply(c, m, "interrupt_reply", { status: "ok" });
      },
      shutdown_request: async (m, c) => {
        const restart = m.content.restart === true;
        await this.#reply(c, m, "shutdown_reply", { status: "ok", restart });
        this.#options.onShutdown(restart);
      },
      debug_request: (m, c) => this.#reply(c, m, "debug_reply", { type: "response", request_seq: m.content.seq ?? 0, success: false, command: m.content.command ?? "", message: "pardis has no debugger" }),
    };
  }

  start(): void {
    this.#transport.onRequest((channel, message) => this.#receive(channel, message));
    this.#interpreter.start({
      output: (output) => void this.#publishOutput(output),
      input: (request) => this.#requestInput(request),
    });
  }

  /** The interrupt from a signal (SIGINT) takes the same path as interrupt_request. */
  interrupt(): Promise<void> {
    return this.#interpreter.interrupt();
  }

  #receive(channel: RequestChannel, message: Message): void {
    const type = message.header.msg_type;
    if (channel === "stdin") {
      if (type === "input_reply" && this.#pendingInput) {
        const { resolve } = this.#pendingInput;
        this.#pendingInput = undefined;
        resolve(String(message.content.value ?? ""));
      }
      return;
    }
    if (channel === "control" || type === "kernel_info_request") {
      void this.#handle(channel, message);
      return;
    }
    this.#shellQueue.push(message);
    void this.#drainShell();
  }

  async #drainShell(): Promise<void> {
    if (this.#draining) return;
    this.#draining = true;
    try {
      for (let message = this.#shellQueue.shift(); message; message = this.#shellQueue.shift()) {
        await this.#handle("shell", message);
      }
    } finally {
      this.#draining = false;
    }
  }

  async #handle(channel: RequestChannel, message: Message): Promise<void> {
    const handler = this.#handlers[message.header.msg_type];
    if (!handler) {
      this.#options.log(`[pardis] ignored unknown ${channel} message type ${JSON.stringify(message.header.msg_type)}`);
      return;
    }
    await this.#publish("status", { execution_state: "busy" }, message.header);
    try {
      await handler(message, channel);
    } catch (error) {
      this.#options.log(`[pardis] ${message.header.msg_type} failed: ${String((error as Error)?.stack ?? error)}`);
    } finally {
      await this.#publish("status", { execution_state: "idle" }, message.header);
    }
  }

  async #execute(message: Message, channel: RequestChannel): Promise<void> {
    const content = message.content;
    const code = String(content.code ?? "");
    const silent = content.silent === true;
    const storeHistory = silent ? false : content.store_history !== false;
    if (storeHistory) this.#executionCount += 1;
    const count = this.#executionCount;
    if (!silent) await this.#publish("execute_input", { code, execution_count: count }, message.header);
    if (storeHistory) this.#history.record(count, code);
    this.#executing = message;
    let outcome: ExecuteOutcome;
    try {
      outcome = await this.#interpreter.execute({
        code,
        executionCount: count,
        silent,
        storeHistory,
        userExpressions: asRecord(content.user_expressions) as Record<string, string>,
        allowStdin: content.allow_stdin !== false,
        parent: message.header,
      });
    } finally {
      this.#executing = undefined;
    }
    if (outcome.status === "ok") {
      await this.#reply(channel, message, "execute_reply", {
        status: "ok",
        execution_count: count,
        user_expressions: outcome.userExpressions,
        payload: outcome.payload,
      });
      return;
    }
    const { status: _status, ...error } = outcome;
    await this.#reply(channel, message, "execute_reply", { status: "error", execution_count: count, ...error, user_expressions: {}, payload: [] });
    if (content.stop_on_error !== false) await this.#abortQueuedExecutions();
  }

  /** After a failed cell, the cells queued behind it (Run All) are answered "aborted", not run. */
  async #abortQueuedExecutions(): Promise<void> {
    const queued = this.#shellQueue.splice(0);
    for (const message of queued) {
      if (message.header.msg_type !== "execute_request") {
        this.#shellQueue.push(message);
        continue;
      }
      await this.#publish("status", { execution_state: "busy" }, message.header);
      await this.#reply("shell", message, "execute_reply", { status: "aborted", execution_count: this.#executionCount });
      await this.#publish("status", { execution_state: "idle" }, message.header);
    }
  }

  #requestInput(request: InputRequest): Promise<string> {
    const executing = this.#executing;
    if (!executing || executing.content.allow_stdin === false) {
      return Promise.reject(new Error("This frontend does not accept input (allow_stdin is false)"));
    }
    return new Promise((resolve) => {
      this.#pendingInput = { resolve, header: request.parent };
      void this.#transport.reply("stdin", {
        identities: executing.identities,
        header: makeHeader("input_request", this.#options.session),
        parent_header: request.parent,
        content: { prompt: request.prompt, password: request.password },
      });
    });
  }

  async #publishOutput(output: Output): Promise<void> {
    if (output.msgType === "execute_result") {
      const data = (output.content.data ?? {}) as Record<string, unknown>;
      if (typeof data["text/plain"] === "string") {
        this.#history.setOutput(Number(output.content.execution_count), data["text/plain"]);
      }
    }
    await this.#transport.publish({
      header: makeHeader(output.msgType, this.#options.session),
      parent_header: output.parent,
      metadata: output.metadata ?? {},
      content: output.content,
    });
  }

  #publish(msgType: string, content: Record<string, unknown>, parent: Header | Record<string, never>): Promise<void> {
    return this.#transport.publish({ header: makeHeader(msgType, this.#options.session), parent_header: parent, content });
  }

  #reply(channel: RequestChannel, request: Message, msgType: string, content: Record<string, unknown>): Promise<void> {
    return this.#transport.reply(channel, {
      identities: request.identities,
      header: makeHeader(msgType, this.#options.session),
      parent_header: request.header,
      content,
    });
  }
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
