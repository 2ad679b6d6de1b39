import { kernelBridge, type Comm } from "./kernel-bridge.js";

function bridgeFor(what: string) {
  const bridge = kernelBridge();
  if (!bridge) throw new Error(`${what} needs the pardis kernel: comms connect a cell to the notebook's frontend`);
  return bridge;
}

/** Opens a comm to a target the frontend registered (e.g. a JupyterLab extension's live view). */
export function openComm(targetName: string, data: Record<string, unknown> = {}): Comm {
  if (typeof targetName !== "string" || targetName === "") throw new TypeError(`openComm expects a target name, got ${JSON.stringify(targetName)}`);
  return bridgeFor("openComm").openComm(targetName, data);
}

/** Accepts comms the frontend opens to `targetName`; `handler` gets each new comm and its opening data. */
export function registerCommTarget(targetName: string, handler: (comm: Comm, data: Record<string, unknown>) => void): void {
  if (typeof targetName !== "string" || targetName === "") throw new TypeError(`registerCommTarget expects a target name, got ${JSON.stringify(targetName)}`);
  if (typeof handler !== "function") throw new TypeError("registerCommTarget expects a handler function");
  bridgeFor("registerCommTarget").registerCommTarget(targetName, handler);
}
