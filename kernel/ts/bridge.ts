import type { MimeBundle } from "../protocol/index.js";

/**
 * What the kernel offers code running in it, published on a registered symbol so
 * that `runtime/` uses it without importing `kernel/` (and works without it in
 * plain Node). Keep in step with runtime/viz/kernel-bridge.ts, which reads it.
 */
export const KERNEL_BRIDGE = Symbol.for("pardis.kernel");

export interface DisplayOptions {
  displayId?: string;
  /** Replace the output shown under `displayId` instead of adding a new one. */
  update?: boolean;
  metadata?: Record<string, unknown>;
}

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
  /** Formats any value as the kernel would show it (display symbol first), then displays it. */
  displayValue(value: unknown, options?: DisplayOptions): Promise<void>;
  clearOutput(wait?: boolean): void;
  input(prompt?: string, options?: { password?: boolean }): Promise<string>;
  /** Aborted when the learner interrupts the running cell; pools and simulations listen to it. */
  readonly interruptSignal: AbortSignal;
  openComm(targetName: string, data?: Record<string, unknown>): Comm;
  registerCommTarget(targetName: string, handler: (comm: Comm, data: Record<string, unknown>) => void): void;
}
