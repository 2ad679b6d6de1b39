import { readFileSync } from "node:fs";
import { ProtocolError } from "./protocol/index.js";

/** The connection file Jupyter writes before it starts a kernel. */
export interface ConnectionInfo {
  transport: "tcp" | "ipc";
  ip: string;
  key: string;
  signature_scheme: string;
  shell_port: number;
  control_port: number;
  iopub_port: number;
  stdin_port: number;
  hb_port: number;
}

const PORT_FIELDS = ["shell_port", "control_port", "iopub_port", "stdin_port", "hb_port"] as const;

export function parseConnection(text: string, source = "connection file"): ConnectionInfo {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (cause) {
    throw new ProtocolError("bad-connection-file", `${source} is not valid JSON`, { cause });
  }
  if (typeof raw !== "object" || raw === null) {
    throw new ProtocolError("bad-connection-file", `Expected ${source} to hold an object`);
  }
  const info = raw as Record<string, unknown>;
  const transport = info.transport ?? "tcp";
  if (transport !== "tcp" && transport !== "ipc") {
    throw new ProtocolError("bad-connection-file", `Expected transport "tcp" or "ipc", got ${JSON.stringify(transport)}`);
  }
  for (const field of PORT_FIELDS) {
    const port = info[field];
    if (typeof port !== "number" || !Number.isInteger(port) || port < 0) {
      throw new ProtocolError("bad-connection-file", `Expected ${field} to be a port number, got ${JSON.stringify(port)}`);
    }
  }
  const scheme = info.signature_scheme ?? "hmac-sha256";
  if (scheme !== "hmac-sha256") {
    throw new ProtocolError("bad-connection-file", `Only hmac-sha256 signing is supported, got ${JSON.stringify(scheme)}`);
  }
  return {
    transport,
    ip: typeof info.ip === "string" ? info.ip : "127.0.0.1",
    key: typeof info.key === "string" ? info.key : "",
    signature_scheme: scheme,
    shell_port: info.shell_port as number,
    control_port: info.control_port as number,
    iopub_port: info.iopub_port as number,
    stdin_port: info.stdin_port as number,
    hb_port: info.hb_port as number,
  };
}

export function readConnection(path: string): ConnectionInfo {
  return parseConnection(readFileSync(path, "utf8"), path);
}

/** ZeroMQ endpoint for one channel: tcp://ip:port, or ipc://ip-port as jupyter_client names ipc files. */
export function endpoint(info: ConnectionInfo, port: number): string {
  return info.transport === "tcp" ? `tcp://${info.ip}:${port}` : `ipc://${info.ip}-${port}`;
}
