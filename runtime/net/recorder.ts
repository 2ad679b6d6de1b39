/**
 * A node process's side of the run record: what it sent, what it received
 * (or refused), and its log lines, batched and sent to the controller every
 * `intervalMs` or when a batch fills, whichever is first. Batching keeps the
 * record's cost to one control frame per few hundred messages; a node killed
 * with SIGKILL loses at most its last unsent batch, which is what a real
 * crash loses too.
 */
import type { NodeToController, ReceivedTuple, SentTuple } from "./control.js";

const BATCH_LIMIT = 512;

export class Recorder {
  #sent: SentTuple[] = [];
  #received: ReceivedTuple[] = [];
  #logs: Array<[number, string]> = [];
  #counts: [sent: number, delivered: number, dropped: number] = [0, 0, 0];
  readonly #timer: NodeJS.Timeout;

  constructor(
    private readonly id: string,
    private readonly incarnation: number,
    private readonly recordMessages: boolean,
    private readonly deliver: (report: NodeToController) => void,
    intervalMs: number,
  ) {
    this.#timer = setInterval(() => this.flush(), intervalMs);
    this.#timer.unref();
  }

  sent(seq: number, dest: string, type: string, body: unknown, sentMs: number, fault: string, delayMs: number): void {
    this.#counts[0]++;
    if (fault !== "") this.#counts[2]++;
    if (!this.recordMessages) return;
    this.#sent.push([seq, dest, type, body, sentMs, fault, delayMs]);
    if (this.#sent.length >= BATCH_LIMIT) this.flush();
  }

  /** A message that arrived (fault "") or was refused on arrival or on the way out (fault says why). */
  received(src: string, incarnation: number, seq: number, type: string, atMs: number, fault: string): void {
    if (fault === "") this.#counts[1]++;
    else this.#counts[2]++;
    if (!this.recordMessages) return;
    this.#received.push([src, incarnation, seq, type, atMs, fault]);
    if (this.#received.length >= BATCH_LIMIT) this.flush();
  }

  log(atMs: number, text: string): void {
    this.#logs.push([atMs, text]);
    if (this.#logs.length >= BATCH_LIMIT) this.flush();
  }

  flush(): void {
    if (this.#sent.length === 0 && this.#received.length === 0 && this.#logs.length === 0 && !this.#countsChanged()) return;
    this.deliver({ t: "report", id: this.id, incarnation: this.incarnation, sent: this.#sent, received: this.#received, logs: this.#logs, counts: [...this.#counts] });
    this.#sent = [];
    this.#received = [];
    this.#logs = [];
    this.#reported = [...this.#counts];
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  #reported: number[] = [0, 0, 0];
  #countsChanged(): boolean {
    return this.#counts[0] !== this.#reported[0] || this.#counts[1] !== this.#reported[1] || this.#counts[2] !== this.#reported[2];
  }
}
