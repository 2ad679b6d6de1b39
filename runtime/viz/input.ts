import { createInterface } from "node:readline/promises";
import { kernelBridge } from "./kernel-bridge.js";

/** Asks the learner for a line of text: the notebook's input box in a kernel, the terminal otherwise. */
export async function input(prompt = "", options: { password?: boolean } = {}): Promise<string> {
  const bridge = kernelBridge();
  if (bridge) return bridge.input(prompt, options);
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return await rl.question(prompt);
  } finally {
    rl.close();
  }
}

/** Aborted when the learner interrupts the running cell (never, outside a kernel). */
export function interruptSignal(): AbortSignal {
  return kernelBridge()?.interruptSignal ?? new AbortController().signal;
}
