/**
 * One socket's outgoing frames, in order. zeromq.js allows one send in flight
 * per socket ("Socket is busy writing"), and node code sends synchronously,
 * so frames wait in an array and one pump drains it. An array and a flag cost
 * nothing per message; a promise per message (chaining every send) costs a
 * microtask and an allocation each, which one-way throughput notices.
 */
export interface FrameSocket {
  send(frame: string | Buffer | Array<string | Buffer>): Promise<void>;
}

export class Outbound {
  #frames: Array<string | Buffer | Array<string | Buffer>> = [];
  #pumping = false;
  #closed = false;

  /** `onRefused(frame, error)` hears of every frame the socket would not take (no peer connected, or closed). */
  constructor(
    private readonly socket: FrameSocket,
    private readonly onRefused: (frame: string | Buffer | Array<string | Buffer>, error: unknown) => void,
  ) {}

  push(frame: string | Buffer | Array<string | Buffer>): void {
    if (this.#closed) {
      this.onRefused(frame, new Error("socket closed"));
      return;
    }
    this.#frames.push(frame);
    if (!this.#pumping) void this.#pump();
  }

  /** True while frames wait or one is being handed to the socket. */
  get busy(): boolean {
    return this.#pumping;
  }

  close(): void {
    this.#closed = true;
  }

  async #pump(): Promise<void> {
    this.#pumping = true;
    try {
      let head = 0;
      while (head < this.#frames.length && !this.#closed) {
        const frame = this.#frames[head++]!;
        try {
          await this.socket.send(frame);
        } catch (error) {
          this.onRefused(frame, error);
        }
        // Compact now and then instead of shift() per frame (O(n) each).
        if (head > 1024) {
          this.#frames = this.#frames.slice(head);
          head = 0;
        }
      }
      const left = this.#frames.slice(head);
      this.#frames = [];
      for (const frame of left) this.onRefused(frame, new Error("socket closed"));
    } finally {
      this.#pumping = false;
    }
  }
}
