/**
 * Histories that are linearizable by construction, for self-tests, benchmarks
 * and notebooks: clients issue operations one at a time with random durations,
 * each operation takes effect at a random instant inside its interval, and
 * outputs are computed by applying the operations in that order. Some
 * operations end in `info` (taking effect or not, by a coin flip). Seeded:
 * the same options give the same history.
 */
import type { HistoryOperation } from "../core/history.js";
import { seededRandom } from "../core/random.js";

export interface GenerateHistoryOptions {
  seed: number;
  operations: number;
  /** @default 1 */
  keys?: number;
  /** @default 5 */
  clients?: number;
  /** "register" (read, write, cas; values unique per key) or "counter" (add, read). @default "register" */
  model?: "register" | "counter";
  /** Share of operations whose outcome is unknown (info). @default 0 */
  infoRate?: number;
  /** Longest operation, in ms; durations are uniform in [1, this]. @default 10 */
  durationMsMax?: number;
}

interface Draft {
  op: HistoryOperation;
  /** When it takes effect; Infinity if it never does. */
  at: number;
}

export function generateHistory(options: GenerateHistoryOptions): HistoryOperation[] {
  const random = seededRandom(options.seed);
  const keys = options.keys ?? 1;
  const clients = options.clients ?? 5;
  const model = options.model ?? "register";
  const infoRate = options.infoRate ?? 0;
  const durationMax = options.durationMsMax ?? 10;
  const clock = new Array<number>(clients).fill(0);
  const drafts: Draft[] = [];
  const nextValue = new Map<string, number>();

  for (let n = 0; n < options.operations; n++) {
    const c = random.int(clients);
    const invokeMs = clock[c]! + random.int(3);
    const completeMs = invokeMs + 1 + random.int(durationMax);
    clock[c] = completeMs;
    const key = `k${random.int(keys)}`;
    const info = random.next() < infoRate;
    const roll = random.next();
    let f: string;
    let input: unknown;
    if (model === "counter") {
      f = roll < 0.5 ? "add" : "read";
      input = f === "add" ? 1 + random.int(5) : undefined;
    } else {
      f = roll < 0.45 ? "read" : roll < 0.8 ? "write" : "cas";
      const fresh = (nextValue.get(key) ?? 0) + 1;
      if (f !== "read") nextValue.set(key, fresh);
      // cas expects a recent value, so some succeed and some do not.
      input = f === "write" ? fresh : f === "cas" ? [random.int(2) === 0 ? null : Math.max(1, fresh - 1 - random.int(2)), fresh] : undefined;
    }
    const at = info && random.int(2) === 0 ? Infinity : invokeMs + random.next() * (completeMs - invokeMs);
    drafts.push({
      op: { id: 0, client: `c${c}`, f, key, input, invokeMs, completeMs, outcome: info ? "info" : "ok" },
      at,
    });
  }

  const state = new Map<string, unknown>();
  for (const { op, at } of [...drafts].sort((a, b) => a.at - b.at)) {
    if (at === Infinity) continue;
    const current = state.get(op.key!) ?? (model === "counter" ? 0 : null);
    if (op.f === "read") op.output = current;
    else if (op.f === "write") state.set(op.key!, op.input);
    else if (op.f === "add") state.set(op.key!, (current as number) + (op.input as number));
    else if (op.f === "cas") {
      const [expected, next] = op.input as [unknown, unknown];
      if (current === expected) state.set(op.key!, next);
      else if (op.outcome === "ok") op.outcome = "fail";
      else op.error = "may not have applied";
    }
  }
  for (const { op } of drafts) {
    if (op.outcome === "info") {
      delete op.output;
      op.error ??= "timeout";
    }
    if (op.outcome === "fail") op.error = "precondition-failed";
  }
  const ops = drafts.map((d) => d.op).sort((a, b) => a.invokeMs - b.invokeMs || a.client.localeCompare(b.client));
  ops.forEach((op, i) => (op.id = i));
  return ops;
}
