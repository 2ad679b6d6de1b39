/**
 * Jupyter messaging protocol 5.3 message shapes.
 * Spec: https://jupyter-client.readthedocs.io/en/latest/messaging.html
 *
 * One table maps every message type this kernel speaks to its channel, so the
 * channel of an outgoing message is never written by hand at a call site.
 */

export const PROTOCOL_VERSION = "5.3";

export const MESSAGE_CHANNELS = {
  kernel_info_request: "shell",
  kernel_info_reply: "shell",
  execute_request: "shell",
  execute_reply: "shell",
  complete_request: "shell",
  complete_reply: "shell",
  inspect_request: "shell",
  inspect_reply: "shell",
  is_complete_request: "shell",
  is_complete_reply: "shell",
  history_request: "shell",
  history_reply: "shell",
  comm_info_request: "shell",
  comm_info_reply: "shell",
  comm_open: "shell",
  comm_msg: "shell",
  comm_close: "shell",
  shutdown_request: "control",
  shutdown_reply: "control",
  interrupt_request: "control",
  interrupt_reply: "control",
  debug_request: "control",
  debug_reply: "control",
  status: "iopub",
  stream: "iopub",
  display_data: "iopub",
  update_display_data: "iopub",
  execute_input: "iopub",
  execute_result: "iopub",
  error: "iopub",
  clear_output: "iopub",
  iopub_welcome: "iopub",
  input_request: "stdin",
  input_reply: "stdin",
} as const;

export type MessageType = keyof typeof MESSAGE_CHANNELS;
export type Channel = "shell" | "control" | "iopub" | "stdin";

export interface Header {
  msg_id: string;
  session: string;
  username: string;
  date: string;
  msg_type: string;
  version: string;
}

/** A decoded message. `content` is validated per type by the handler that reads it. */
export interface Message<C = Record<string, unknown>> {
  /** ZeroMQ routing identities that preceded the `<IDS|MSG>` delimiter. */
  identities: Buffer[];
  header: Header;
  parent_header: Header | Record<string, never>;
  metadata: Record<string, unknown>;
  content: C;
  buffers: Buffer[];
}

export type MimeBundle = Record<string, unknown>;

export interface ErrorContent {
  ename: string;
  evalue: string;
  traceback: string[];
}

export function isKnownMessageType(type: string): type is MessageType {
  return Object.prototype.hasOwnProperty.call(MESSAGE_CHANNELS, type);
}

export function channelOf(type: MessageType): Channel {
  return MESSAGE_CHANNELS[type];
}
