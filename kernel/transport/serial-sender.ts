/**
 * zeromq.js allows one send in flight per socket ("Socket is busy writing").
 * Chaining every send on one promise keeps order and never overlaps two sends.
 */
export class SerialSender {
  #tail: Promise<void> = Promise.resolve();
  constructor(private readonly sendNow: (frames: Buffer[]) => Promise<void>) {}

  send(frames: Buffer[]): Promise<void> {
    const next = this.#tail.then(() => this.sendNow(frames));
    // A failed send must not wedge the queue for the messages behind it.
    this.#tail = next.catch(() => undefined);
    return next;
  }
}
