/**
 * Main side of worker console output: reads the pool's BroadcastChannel and
 * writes each batch through the writer of the task that printed it. Writers
 * are bound (AsyncResource.bind) when a task is submitted, so in the kernel the
 * text lands in the cell that submitted the task, even when the pool was
 * created cells earlier; in a plain script it simply goes to stdout/stderr.
 */
import { AsyncResource } from "node:async_hooks";
import { randomUUID } from "node:crypto";
import { BroadcastChannel } from "node:worker_threads";
import type { OutputMessage } from "./protocol.js";

export type OutputWriter = (stream: "stdout" | "stderr", text: string) => void;

/** What the relay needs of a task in flight. */
export interface OutputTarget {
  readonly writer: OutputWriter;
  /** Messages written so far. */
  outputsReceived: number;
  /** Set from the reply: messages to wait for before the task may settle, -1 until the reply came. */
  outputsExpected: number;
  /** The reply came before all of its output: the relay settles the task when the rest arrives. */
  waitingForOutput: boolean;
}

const writeToProcess: OutputWriter = (stream, text) => {
  process[stream].write(text);
};

/** A writer that writes in the async context of the caller (the submitting cell, in the kernel). */
export function boundWriter(): OutputWriter {
  return AsyncResource.bind(writeToProcess);
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
    target.writer(stream, text);
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
