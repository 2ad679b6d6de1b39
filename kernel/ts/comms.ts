import { randomUUID } from "node:crypto";
import type { CommMessage } from "../interpreter.js";
import type { Comm } from "./bridge.js";
import type { OutputChannel } from "./output-channel.js";

type Handlers = { message: Array<(data: Record<string, unknown>) => void>; close: Array<(data: Record<string, unknown>) => void> };

/** Comm channels (for widgets and live views): opened by either side, addressed by comm id. */
export class CommRegistry {
  readonly #targets = new Map<string, (comm: Comm, data: Record<string, unknown>) => void>();
  readonly #open = new Map<string, { comm: Comm; handlers: Handlers }>();

  constructor(private readonly channel: OutputChannel) {}

  registerTarget(targetName: string, handler: (comm: Comm, data: Record<string, unknown>) => void): void {
    this.#targets.set(targetName, handler);
  }

  open(targetName: string, data: Record<string, unknown> = {}): Comm {
    const comm = this.#create(randomUUID(), targetName);
    this.channel.emit({ msgType: "comm_open", content: { comm_id: comm.commId, target_name: targetName, data } });
    return comm;
  }

  openComms(): Record<string, { target_name: string }> {
    return Object.fromEntries([...this.#open].map(([id, { comm }]) => [id, { target_name: comm.targetName }]));
  }

  /** A comm message from the frontend. An open for an unknown target is closed at once, as the spec asks. */
  receive(message: CommMessage): void {
    if (message.kind === "open") {
      const handler = this.#targets.get(message.targetName ?? "");
      if (!handler) {
        this.channel.emit({ msgType: "comm_close", content: { comm_id: message.commId, data: {} } });
        return;
      }
      handler(this.#create(message.commId, message.targetName!), message.data);
      return;
    }
    const entry = this.#open.get(message.commId);
    if (!entry) return;
    if (message.kind === "msg") for (const handler of entry.handlers.message) handler(message.data);
    if (message.kind === "close") {
      this.#open.delete(message.commId);
      for (const handler of entry.handlers.close) handler(message.data);
    }
  }

  #create(commId: string, targetName: string): Comm {
    const handlers: Handlers = { message: [], close: [] };
    const comm: Comm = {
      commId,
      targetName,
      send: (data) => this.channel.emit({ msgType: "comm_msg", content: { comm_id: commId, data } }),
      close: (data = {}) => {
        if (!this.#open.delete(commId)) return;
        this.channel.emit({ msgType: "comm_close", content: { comm_id: commId, data } });
      },
      onMessage: (handler) => void handlers.message.push(handler),
      onClose: (handler) => void handlers.close.push(handler),
    };
    this.#open.set(commId, { comm, handlers });
    return comm;
  }
}
