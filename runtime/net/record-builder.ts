/**
 * Assembles a real cluster's RunRecord, the same shape the simulator records,
 * from what each side reports: the sender reports a send (and its fault, if
 * the rules dropped it), the receiver a delivery (or a refusal), each naming
 * the message by (sender, sender's incarnation, sequence number). Reports
 * arrive in any order, so either half may come first; a second delivery of
 * the same message (the rules duplicated it) becomes its own record marked
 * "duplicate", as in the simulator.
 */
import type { HistoryOperation, MessageRecord, RunEvent, RunRecord } from "../core/index.js";
import type { ReceivedTuple, SentTuple } from "./control.js";

interface Entry {
  record: Omit<MessageRecord, "id">;
  /** Later deliveries of the same message. */
  copies?: Array<Omit<MessageRecord, "id">>;
}

export class RecordBuilder {
  readonly #messages = new Map<string, Entry>();
  readonly events: RunEvent[] = [];
  readonly history: HistoryOperation[] = [];
  readonly clients = new Set<string>();

  constructor(readonly nodes: readonly string[]) {}

  sent(src: string, incarnation: number, tuples: readonly SentTuple[]): void {
    for (const [seq, dest, type, body, sentMs, fault] of tuples) {
      const key = `${src}/${incarnation}/${seq}`;
      const entry = this.#messages.get(key);
      if (entry === undefined) {
        const record: Omit<MessageRecord, "id"> = { src, dest, type, body, sentMs };
        if (fault !== "") record.fault = fault;
        this.#messages.set(key, { record });
      } else {
        // The receiver's half came first: fill in what only the sender knows.
        Object.assign(entry.record, { dest, type, body, sentMs });
        if (fault !== "") entry.record.fault = fault;
      }
    }
  }

  received(dest: string, tuples: readonly ReceivedTuple[]): void {
    for (const [src, incarnation, seq, type, atMs, fault] of tuples) {
      const key = `${src}/${incarnation}/${seq}`;
      let entry = this.#messages.get(key);
      if (entry === undefined) {
        // Sent by a node that crashed before reporting it: only the receiver knows it existed.
        entry = { record: { src, dest, type, body: undefined, sentMs: atMs } };
        this.#messages.set(key, entry);
      }
      const record = entry.record;
      if (fault !== "") {
        if (record.deliveredMs === undefined) record.fault = fault;
      } else if (record.deliveredMs === undefined) {
        record.deliveredMs = atMs;
        if (record.fault === "unreachable") delete record.fault;
      } else {
        (entry.copies ??= []).push({ ...record, deliveredMs: atMs, fault: "duplicate" });
      }
    }
  }

  event(event: RunEvent): void {
    this.events.push(event);
  }

  /** The record so far; message ids follow send order. */
  build(endMs: number, replay?: string): RunRecord {
    const entries = [...this.#messages.values()].sort((a, b) => a.record.sentMs - b.record.sentMs);
    const messages: MessageRecord[] = [];
    for (const entry of entries) {
      const id = messages.length;
      messages.push({ id, ...entry.record });
      for (const copy of entry.copies ?? []) messages.push({ ...copy, id: messages.length, duplicateOf: id });
    }
    const events = [...this.events].sort((a, b) => a.atMs - b.atMs);
    const record: RunRecord = {
      nodes: [...this.nodes],
      clients: [...this.clients],
      messages,
      events,
      history: this.history,
      ...(replay !== undefined ? { replay } : {}),
      endMs,
    };
    // Left as a cell's last value (`await cluster.stop()`), a record shows a line, not thousands of messages.
    const summary = `RunRecord: ${record.nodes.length} nodes, ${messages.length} messages, ${record.history.length} operations, ${events.length} events over ${endMs.toFixed(0)} ms (lamportDiagram(record) draws it)`;
    Object.defineProperty(record, Symbol.for("Jupyter.display"), { value: () => ({ "text/plain": summary }) });
    return record;
  }
}
