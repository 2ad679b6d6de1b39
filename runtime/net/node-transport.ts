/**
 * A node process's data plane: one PULL socket it binds for everything sent
 * to it, and one PUSH socket per destination (each peer, and the controller's
 * inbox for replies to clients). PUSH/PULL because a destination is a fixed
 * address: ZeroMQ reconnects by itself when a crashed peer comes back on its
 * old port, and `immediate` keeps it from queueing messages for a peer that is
 * down, so they fail at once ("unreachable") the way a refused TCP connection
 * would, instead of arriving at the next incarnation.
 *
 * Network rules (partitions, loss, delay, duplication, reordering) are applied
 * here on the way out; partitions are checked again on the way in.
 */
import * as zmq from "zeromq";
import type { Random } from "../core/index.js";
import type { Envelope, MessageBody } from "../node/index.js";
import { CLIENT_ID, type NodeConfig } from "./control.js";
import { handshake } from "./handshake.js";
import { Outbound } from "./outbound.js";
import type { Recorder } from "./recorder.js";
import { linkBlocked, sendFate, type NetworkRules } from "./rules.js";
import { decodeMessage, encodeMessage, type WireMessage } from "./wire.js";

interface Link {
  address: string;
  socket: zmq.Push;
  out: Outbound;
  connected: (timeoutMs: number) => Promise<boolean>;
}

/** At most this many messages leave a node for one peer as one multipart ZeroMQ message. */
const LINK_BATCH = 256;

const PUSH_OPTIONS = { linger: 0, immediate: true, sendTimeout: 0, sendHighWaterMark: 100_000, reconnectInterval: 20, reconnectMaxInterval: 500 };

export class NodeTransport {
  readonly #pull = new zmq.Pull({ linger: 0, receiveHighWaterMark: 100_000 });
  readonly #links = new Map<string, Link>();
  readonly #nodes: Set<string>;
  #clientInbox: Link | undefined;
  #rules: NetworkRules = {};
  /** True while the rules switch no fault on (the usual case): sends and arrivals skip them. */
  #open = true;
  #seq = 0;
  #closed = false;
  /** Unknown destinations already reported, so a node that keeps sending to one logs it once. */
  readonly #unknownReported = new Set<string>();

  constructor(
    private readonly config: NodeConfig,
    private readonly now: () => number,
    private readonly random: Random,
    private readonly recorder: Recorder,
    private readonly log: (text: string) => void,
  ) {
    this.#nodes = new Set(config.nodeIds);
  }

  /** Binds the inbound socket (on the old port after a restart, when it can) and returns its address. */
  async bind(): Promise<string> {
    const { bindHost, port } = this.config;
    try {
      await this.#pull.bind(`tcp://${bindHost}:${port || "*"}`);
    } catch (error) {
      if (!port) throw error;
      await this.#pull.bind(`tcp://${bindHost}:*`);
    }
    return this.#pull.lastEndpoint!;
  }

  /** Starts handing arriving messages to `deliver`. */
  listen(deliver: (message: Envelope) => void): void {
    // receive() itself rather than the socket's async iterator: the iterator wraps every receive in an async function and a result object.
    // Every part of a message is a message: peers batch what queued up behind a send as one multipart message (outbound.ts).
    const pull = this.#pull;
    void (async () => {
      while (!this.#closed) {
        let parts: Buffer[];
        try {
          parts = await pull.receive();
        } catch (error) {
          if (this.#closed || pull.closed) break;
          throw error;
        }
        if (this.#closed) break;
        for (let k = 0; k < parts.length; k++) this.#arrived(parts[k]!, deliver);
      }
    })().catch((error: unknown) => {
      if (!this.#closed) this.log(`inbound socket failed: ${(error as Error).message}`);
    });
  }

  #arrived(frame: Buffer, deliver: (message: Envelope) => void): void {
    let message: WireMessage;
    try {
      message = decodeMessage(frame, this.config.maxMessageBytes);
    } catch (error) {
      this.log(`dropped an incoming frame: ${(error as Error).message}`);
      return;
    }
    const at = this.now();
    const { src, i, q } = message;
    if (message.dest !== this.config.id) {
      this.log(`dropped a message for ${message.dest} that arrived here (${this.config.id}) from ${src}`);
      return;
    }
    if (!this.#open && this.#nodes.has(src) && linkBlocked(this.#rules, src, this.config.id)) {
      this.recorder.received(src, i, q, message.body.type, at, "partition");
      return;
    }
    this.recorder.received(src, i, q, message.body.type, at, "");
    deliver({ src, dest: message.dest, body: message.body });
  }

  setRules(rules: NetworkRules): void {
    this.#rules = rules;
    this.#open = !rules.groups?.length && !rules.cuts?.length && !rules.loss && !rules.duplicate && !rules.reorder && !rules.delayMs && !rules.jitterMs;
  }

  /** Connects to every destination whose address is new or changed (a peer restarted on another port). */
  setAddresses(addresses: Record<string, string>, clientInbox: string): void {
    for (const [id, address] of Object.entries(addresses)) {
      if (id === this.config.id) continue;
      const link = this.#links.get(id);
      if (link?.address === address) continue;
      if (link) this.#closeLink(link);
      this.#links.set(id, this.#openLink(address, true));
    }
    if (this.#clientInbox?.address !== clientInbox) {
      if (this.#clientInbox) this.#closeLink(this.#clientInbox);
      this.#clientInbox = this.#openLink(clientInbox, false);
    }
  }

  #openLink(address: string, batched: boolean): Link {
    const socket = new zmq.Push(PUSH_OPTIONS);
    const connected = handshake(socket);
    socket.connect(address);
    const out = new Outbound(
      socket,
      (frame) => {
        // The frame is one we encoded: say which message the network refused.
        const message = decodeMessage(frame as string, Infinity);
        this.recorder.received(message.src, message.i, message.q, message.body.type, this.now(), "unreachable");
      },
      // Peers read every part of a message; the controller's inbox reads only the first, so replies to clients go one per message.
      { batch: batched ? LINK_BATCH : 1 },
    );
    return { address, socket, out, connected };
  }

  /** Waits until every link has connected, or `timeoutMs` (a peer that is down never will). */
  async connected(timeoutMs: number): Promise<void> {
    const links = [...this.#links.values(), ...(this.#clientInbox ? [this.#clientInbox] : [])];
    await Promise.all(links.map((link) => link.connected(timeoutMs)));
  }

  #closeLink(link: Link): void {
    link.out.close();
    link.socket.close();
  }

  /** Puts a message from node code on the network; the body already has msg_id / in_reply_to. */
  send(dest: string, body: MessageBody): void {
    const seq = ++this.#seq;
    const at = this.now();
    const src = this.config.id;
    const wire: WireMessage = { src, dest, body, i: this.config.incarnation, q: seq };
    const recordedBody = this.config.recordMessages ? body : undefined;
    const text = encodeMessage(wire, this.config.maxMessageBytes);
    if (!this.#nodes.has(dest) && CLIENT_ID.test(dest)) {
      this.recorder.sent(seq, dest, body.type, recordedBody, at, "", 0);
      this.#clientInbox?.out.push(text);
      return;
    }
    const link = this.#links.get(dest);
    if (link === undefined) {
      // Maelstrom drops messages to unknown nodes; an RPC to one times out.
      this.recorder.sent(seq, dest, body.type, recordedBody, at, "unknown-node", 0);
      if (!this.#unknownReported.has(dest)) {
        this.#unknownReported.add(dest);
        this.log(`sent a ${body.type} message to unknown node ${JSON.stringify(dest)} (nodes are ${this.config.nodeIds.join(", ")}); dropped`);
      }
      return;
    }
    if (this.#open) {
      // No fault switched on: what sendFate would decide, without drawing or allocating.
      this.recorder.sent(seq, dest, body.type, recordedBody, at, "", 0);
      link.out.push(text);
      return;
    }
    const fate = sendFate(this.#rules, src, dest, this.random);
    if (fate.drop !== undefined) {
      this.recorder.sent(seq, dest, body.type, recordedBody, at, fate.drop, 0);
      return;
    }
    this.recorder.sent(seq, dest, body.type, recordedBody, at, "", fate.delayMs);
    const put = () => {
      link.out.push(text);
      if (fate.copies === 2) link.out.push(text);
    };
    if (fate.delayMs > 0) setTimeout(put, fate.delayMs);
    else put();
  }

  close(): void {
    this.#closed = true;
    for (const link of this.#links.values()) this.#closeLink(link);
    if (this.#clientInbox) this.#closeLink(this.#clientInbox);
    this.#pull.close();
  }
}
