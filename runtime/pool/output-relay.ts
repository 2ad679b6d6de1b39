/**
 * Main side of worker console output: reads the pool's BroadcastChannel and
 * writes each batch in the async context captured when the task was
 * submitted (an AsyncResource made by the submitting call), so in the kernel
 * the text lands in the cell that submitted the task, even when the pool was
 * created cells earlier; in a plain script it simply goes to stdout/stderr.
 * AsyncResource.bind would do the same, but it costs microseconds per call
 * (deprecation getters on every bound function): a plain resource and
 * runInAsyncScope cost a fraction of that, and only when something is printed.
 */
import { AsyncResource } from "node:async_hooks";
import { randomUUID } from "node:crypto";
import { BroadcastChannel } from "node:worker_threads";
import type { OutputMessage } from "./protocol.js";

type StreamName = "stdout" | "stderr";

/** What the relay needs of a task in flight. */
export interface OutputTarget {
  /** The submitting call's async context. */
  readonly context: AsyncResource;
  /** Messages written so far. */
  outputsReceived: number;
  /** Set from the reply: messages to wait for before the task may settle, -1 until the reply came. */
  outputsExpected: number;
  /** The reply came before all of its output: the relay settles the task when the rest arrives. */
  waitingForOutput: boolean;
}

function writeToProcess(stream: StreamName, text: string): void {
  process[stream].write(text);
}

/** The async context of the caller (the submitting cell, in the kernel), for its tasks' output. */
export function callerContext(): AsyncResource {
  return new AsyncResource("pardis.PoolTaskOutput");
}

export class OutputRelay {
  readonly channelName = `pardis-pool-${process.pid}-${randomUUID()}`;
  readonly #channel = new BroadcastChannel(this.channelName);
  #waiting = 0;

  constructor(
    private readonly lookup: (taskId: number) => OutputTarget | undefined,
    private readonly onCaughtUp: (taskId: number) => void,
  ) {
    this.#channel.onmessage = (event) => this.#receive((event as { data: OutputMessage }).data);
    // Never keeps a script alive on its own; only while a reply waits for its output (see waitFor).
    this.#channel.unref();
  }

  #receive([taskId, stream, text]: OutputMessage): void {
    const target = this.lookup(taskId);
    if (!target) {
      // Printed by a task that has settled (a timer it left behind) or was cancelled: still shown, never dropped.
      writeToProcess(stream, text);
      return;
    }
    target.context.runInAsyncScope(writeToProcess, null, stream, text);
    target.outputsReceived++;
    if (target.waitingForOutput && target.outputsReceived >= target.outputsExpected) {
      target.waitingForOutput = false;
      this.#release();
      this.onCaughtUp(taskId);
    }
  }

  /**
   * Whether the task's reply may settle now; if not, onCaughtUp(taskId) is
   * called once its last output message has been written.
   */
  caughtUp(target: OutputTarget, expected: number): boolean {
    target.outputsExpected = expected;
    if (target.outputsReceived >= expected) return true;
    target.waitingForOutput = true;
    if (this.#waiting++ === 0) this.#channel.ref();
    return false;
  }

  #release(): void {
    if (--this.#waiting === 0) this.#channel.unref();
  }

  close(): void {
    this.#channel.close();
  }
}
