/** pardis/kernel: start the Jupyter kernel, install its kernelspec, and the interpreter seam. */
export { startKernel, type StartOptions } from "./main.js";
export { installKernelSpec, kernelSpec, kernelsDir, KERNEL_NAME, type InstallTarget } from "./install.js";
export type { Interpreter, ExecuteRequest, ExecuteOutcome, Output } from "./interpreter.js";
export { ProtocolError, type ProtocolErrorCode } from "./protocol/index.js";
