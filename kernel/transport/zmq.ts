import * as zmq from "zeromq";
import { type ConnectionInfo, endpoint } from "../connection.js";
import { decode, encode, type Message, type Outgoing, ProtocolError, Signer, makeHeader } from "../protocol/index.js";
import { SerialSender } from "./serial-sender.js";
import type { RequestChannel, Transport } from "./transport.js";

export interface ZmqTransportOptions {
  /** Where refused messages are reported; they are never handed to dispatch. */
  log: (line: string) => void;
  session: string;
}

/** The five Jupyter sockets over ZeroMQ. Heartbeat echoes on its own socket, independent of any cell. */
export class ZmqTransport implements Transport {
  readonly #info: ConnectionInfo;
  readonly #signer: Signer;
  readonly #options: ZmqTransportOptions;
  readonly #routers: Record<RequestChannel, zmq.Router>;
  readonly #senders: Record<RequestChannel | "iopub", SerialSender>;
  readonly #iopub = new zmq.XPublisher();
  readonly #heartbeat = new zmq.Reply();
  #handler: (channel: RequestChannel, message: Message) => void = () => undefined;
  #stopped = false;

  constructor(info: ConnectionInfo, options: ZmqTransportOptions) {
    this.#info = info;
    this.#signer = new Signer(info.key);
    this.#options = options;
    this.#routers = {
      shell: new zmq.Router({ linger: 0 }),
      control: new zmq.Router({ linger: 0 }),
      stdin: new zmq.Router({ linger: 0 }),
    };
    this.#iopub.linger = 1000;
    this.#heartbeat.linger = 0;
    this.#senders = {
      shell: new SerialSender((frames) => this.#routers.shell.send(frames)),
      control: new SerialSender((frames) => this.#routers.control.send(frames)),
      stdin: new SerialSender((frames) => this.#routers.stdin.send(frames)),
      iopub: new SerialSender((frames) => this.#iopub.send(frames)),
    };
  }

  onRequest(handler: (channel: RequestChannel, message: Message) => void): void {
    this.#handler = handler;
  }

  async start(): Promise<void> {
    const info = this.#info;
    await Promise.all([
      this.#routers.shell.bind(endpoint(info, info.shell_port)),
      this.#routers.control.bind(endpoint(info, info.control_port)),
      this.#routers.stdin.bind(endpoint(info, info.stdin_port)),
      this.#iopub.bind(endpoint(info, info.iopub_port)),
      this.#heartbeat.bind(endpoint(info, info.hb_port)),
    ]);
    for (const channel of ["shell", "control", "stdin"] as const) void this.#receive(channel);
    void this.#echoHeartbeats();
    void this.#welcomeSubscribers();
  }

  reply(channel: RequestChannel, message: Outgoing): Promise<void> {
    return this.#senders[channel].send(encode(message, this.#signer));
  }

  publish(message: Outgoing): Promise<void> {
    return this.#senders.iopub.send(encode({ ...message, identities: [] }, this.#signer));
  }

  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    for (const socket of [...Object.values(this.#routers), this.#iopub, this.#heartbeat]) socket.close();
  }

  async #receive(channel: RequestChannel): Promise<void> {
    try {
      for await (const frames of this.#routers[channel]) {
        let message: Message;
        try {
          message = decode(frames, this.#signer);
        } catch (error) {
          if (!(error instanceof ProtocolError)) throw error;
          this.#options.log(`[pardis] refused a ${channel} message (${error.code}): ${error.message}`);
          continue;
        }
        this.#handler(channel, message);
      }
    } catch (error) {
      if (!this.#stopped) this.#options.log(`[pardis] ${channel} socket failed: ${String(error)}`);
    }
  }

  async #echoHeartbeats(): Promise<void> {
    try {
      for await (const frames of this.#heartbeat) await this.#heartbeat.send(frames);
    } catch (error) {
      if (!this.#stopped) this.#options.log(`[pardis] heartbeat socket failed: ${String(error)}`);
    }
  }

  /**
   * JEP 65: an XPUB socket sees each subscription, so a client learns its
   * subscription is live (no lost first outputs) from an iopub_welcome.
   */
  async #welcomeSubscribers(): Promise<void> {
    try {
      for await (const [frame] of this.#iopub) {
        if (!frame || frame[0] !== 1) continue;
        const subscription = frame.subarray(1).toString("utf8");
        await this.publish({
          header: makeHeader("iopub_welcome", this.#options.session),
          parent_header: {},
          content: { subscription },
        });
      }
    } catch (error) {
      if (!this.#stopped) this.#options.log(`[pardis] iopub socket failed: ${String(error)}`);
    }
  }
}
