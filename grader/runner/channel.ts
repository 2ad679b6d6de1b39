/**
 * The grader's end of the trusted channel: JSON lines from fd 3, accepted
 * only with the job's nonce, exactly one `done` (or `error`) at the end.
 * Anything else is a forgery attempt and voids the run.
 */
import { StringDecoder } from "node:string_decoder";
import type { JsonValue } from "../lab/types.js";

export class ChannelReader {
  readonly observations: JsonValue[] = [];
  /** The runner's error record, when it sent one. */
  error: string | undefined;
  done = false;
  /** What was wrong with records that are not the runner's (empty when all were genuine). */
  readonly forgeries: string[] = [];
  private pending = "";
  private readonly decoder = new StringDecoder("utf8");

  constructor(private readonly nonce: string) {}

  push(chunk: Buffer): void {
    this.pending += this.decoder.write(chunk);
    let newline: number;
    while ((newline = this.pending.indexOf("\n")) >= 0) {
      const line = this.pending.slice(0, newline);
      this.pending = this.pending.slice(newline + 1);
      if (line.trim() !== "") this.record(line);
    }
  }

  /** Call once the channel closed. */
  finish(): void {
    this.pending += this.decoder.end();
    if (this.pending.trim() !== "") this.forgeries.push("an unterminated record");
    this.pending = "";
  }

  private record(line: string): void {
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch {
      this.forgeries.push("a line that is not JSON");
      return;
    }
    if (typeof record !== "object" || record === null || Array.isArray(record)) {
      this.forgeries.push("a record that is not an object");
      return;
    }
    const { nonce, kind } = record as Record<string, unknown>;
    if (nonce !== this.nonce) {
      this.forgeries.push("a record without the job's nonce");
      return;
    }
    if (this.done || this.error !== undefined) {
      this.forgeries.push(`a "${String(kind)}" record after the final one`);
      return;
    }
    if (kind === "observation" && "data" in record) this.observations.push((record as { data: JsonValue }).data);
    else if (kind === "done") this.done = true;
    else if (kind === "error") this.error = String((record as { message?: unknown }).message);
    else this.forgeries.push(`a record of unknown kind ${JSON.stringify(kind)}`);
  }
}
