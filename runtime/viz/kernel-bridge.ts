import { KERNEL_BRIDGE } from "../core/index.js";

/**
 * The kernel publishes its display and input functions on a registered symbol
 * (see kernel/ts/bridge.ts); the runtime reads them here and never imports the
 * kernel. Outside a kernel (a plain Node script) there is no bridge, and every
 * caller falls back to the terminal.
 */
export type MimeBundle = Record<string, unknown>;

export interface DisplayOptions {
  displayId?: string;
  update?: boolean;
  metadata?: Record<string, unknown>;
}

/** A comm channel between a cell and the frontend (widgets, live views): Jupyter's comm_open/msg/close. */
export interface Comm {
  readonly commId: string;
  readonly targetName: string;
  send(data: Record<string, unknown>): void;
  close(data?: Record<string, unknown>): void;
  onMessage(handler: (data: Record<string, unknown>) => void): void;
  onClose(handler: (data: Record<string, unknown>) => void): void;
}

export interface KernelBridge {
  display(bundle: MimeBundle, options?: DisplayOptions): void;
  displayValue(value: unknown, options?: DisplayOptions): Promise<void>;
  clearOutput(wait?: boolean): void;
  input(prompt?: string, options?: { password?: boolean }): Promise<string>;
  readonly interruptSignal: AbortSignal;
  openComm(targetName: string, data?: Record<string, unknown>): Comm;
  registerCommTarget(targetName: string, handler: (comm: Comm, data: Record<string, unknown>) => void): void;
}


export function kernelBridge(): KernelBridge | undefined {
  return (globalThis as Record<symbol, KernelBridge | undefined>)[KERNEL_BRIDGE];
}

/** Deno's convention, shared by every kernel that follows it. */
export const JUPYTER_DISPLAY = Symbol.for("Jupyter.display");

/** Wraps a MIME bundle so that it renders when it is a cell's last value or passed to display(). */
export function displayable<T extends object>(target: T, bundle: () => MimeBundle): T & { [JUPYTER_DISPLAY](): MimeBundle } {
  Object.defineProperty(target, JUPYTER_DISPLAY, { value: bundle, enumerable: false });
  return target as T & { [JUPYTER_DISPLAY](): MimeBundle };
}
