import type { Message, Outgoing } from "../protocol/index.js";

export type RequestChannel = "shell" | "control" | "stdin";

/**
 * What dispatch needs from the sockets, and nothing more (xeus' xserver role):
 * incoming requests per channel, replies to a requester, and iopub broadcasts.
 */
export interface Transport {
  onRequest(handler: (channel: RequestChannel, message: Message) => void): void;
  /** Replies on a request channel, routed by `message.identities`. */
  reply(channel: RequestChannel, message: Outgoing): Promise<void>;
  publish(message: Outgoing): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}
