/**
 * The kernel publishes a bridge (display, input, the running cell's interrupt
 * signal) on a registered symbol, so that the runtime never imports the kernel
 * and works without it in plain Node. runtime/viz/kernel-bridge.ts reads the
 * whole bridge; areas that may not import viz (the explorer) read the
 * interrupt signal here.
 */
export const KERNEL_BRIDGE = Symbol.for("pardis.kernel");

/** The running cell's interrupt signal; undefined outside a kernel. */
export function kernelInterruptSignal(): AbortSignal | undefined {
  return (globalThis as Record<symbol, { interruptSignal?: AbortSignal } | undefined>)[KERNEL_BRIDGE]?.interruptSignal;
}
