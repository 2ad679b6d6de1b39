/**
 * One socket's outgoing frames, in order. zeromq.js allows one send in flight
 * per socket ("Socket is busy writing"), and node code sends synchronously,
 * so frames wait in an array and one pump drains it. An array and a flag cost
 * nothing per message; a promise per message (chaining every send) costs a
 * microtask and an allocation each, which one-way throughput notices. The
 * pump is not an async function either: it hands a frame to the socket and
 * continues from the send's settlement through two callbacks made once.
 *
 * With `batch` > 1 (node-to-node links only), the frames that queued up while
 * a send was in flight leave together as the parts of one multipart ZeroMQ
 * message, up to `batch` of them: the receiver gets them with one receive()
 * instead of one each, and a native receive costs more than decoding a small
 * message (measured in tests/bench/net.bench.ts). A frame sent on its own
 * (nothing waiting behind it, as in a round trip) still leaves at once, alone.
 */
export interface FrameSocket {
  send(frame: string | Buffer | Array<string | Buffer>): Promise<void>;
}

type Frame = string | Buffer | Array<string | Buffer>;

/** A batch's parts stop growing past this many UTF-16 units (or bytes), whatever `batch` allows. */
const BATCH_CHARS = 256 * 1024;

export class Outbound {
  #frames: Frame[] = [];
  #head = 0;
  #pumping = false;
  #closed = false;
  /** What the send in flight carries: one frame, or (batching) the frames that are its parts. */
  #inFlight: Frame | Frame[] | undefined = undefined;
  #inFlightBatch = false;
  readonly #batch: number;
  readonly #sent = (): void => {
    this.#inFlight = undefined;
    this.#next();
  };
  readonly #failed = (error: unknown): void => {
    const frames = this.#inFlight;
    const batch = this.#inFlightBatch;
    this.#inFlight = undefined;
    if (frames !== undefined) {
      if (batch) for (const frame of frames as Frame[]) this.onRefused(frame, error);
      else this.onRefused(frames as Frame, error);
    }
    this.#next();
  };

  /** `onRefused(frame, error)` hears of every frame the socket would not take (no peer connected, or closed). */
  constructor(
    private readonly socket: FrameSocket,
    private readonly onRefused: (frame: string | Buffer | Array<string | Buffer>, error: unknown) => void,
    options: { batch?: number } = {},
  ) {
    this.#batch = Math.max(1, Math.floor(options.batch ?? 1));
  }

  push(frame: string | Buffer | Array<string | Buffer>): void {
    if (this.#closed) {
      this.onRefused(frame, new Error("socket closed"));
      return;
    }
    this.#frames.push(frame);
    if (!this.#pumping) {
      this.#pumping = true;
      this.#next();
    }
  }

  /** True while frames wait or one is being handed to the socket. */
  get busy(): boolean {
    return this.#pumping;
  }

  close(): void {
    this.#closed = true;
  }

  /** Hands the next frame (or batch) to the socket; called with the pump running and nothing in flight. */
  #next(): void {
    for (;;) {
      const frames = this.#frames;
      if (this.#closed || this.#head >= frames.length) {
        const left = this.#closed ? frames.slice(this.#head) : [];
        this.#frames = [];
        this.#head = 0;
        this.#pumping = false;
        for (const frame of left) this.onRefused(frame, new Error("socket closed"));
        return;
      }
      let payload: Frame;
      const waiting = frames.length - this.#head;
      if (this.#batch > 1 && waiting > 1) {
        const parts: Array<string | Buffer> = [];
        let chars = 0;
        while (this.#head < frames.length && parts.length < this.#batch && chars < BATCH_CHARS) {
          const frame = frames[this.#head++] as string | Buffer;
          parts.push(frame);
          chars += frame.length;
        }
        payload = parts;
        this.#inFlightBatch = true;
      } else {
        payload = frames[this.#head++]!;
        this.#inFlightBatch = false;
      }
      // Compact now and then instead of shift() per frame (O(n) each).
      if (this.#head > 1024 && this.#head * 2 > frames.length) {
        this.#frames = frames.slice(this.#head);
        this.#head = 0;
      }
      let sending: Promise<void>;
      try {
        sending = this.socket.send(payload);
      } catch (error) {
        // A closed socket throws at once: refuse and go on with the next (a loop, not recursion: thousands may wait).
        if (this.#inFlightBatch) for (const frame of payload as Frame[]) this.onRefused(frame, error);
        else this.onRefused(payload, error);
        continue;
      }
      this.#inFlight = payload;
      sending.then(this.#sent, this.#failed);
      return;
    }
  }
}
