/**
 * A kernel interrupt answers the running cell at once, but a cell's promise
 * chain runs on; an exploration must notice and stop. The kernel publishes its
 * bridge on a registered symbol (runtime/viz/kernel-bridge.ts reads the same
 * one), so the explorer reads the running cell's interrupt signal from there
 * instead of importing viz, which draws and is off limits here.
 */
const KERNEL_BRIDGE = Symbol.for("pardis.kernel");

/** The running cell's interrupt signal; undefined outside a kernel. */
export function kernelInterruptSignal(): AbortSignal | undefined {
  return (globalThis as Record<symbol, { interruptSignal?: AbortSignal } | undefined>)[KERNEL_BRIDGE]?.interruptSignal;
}
