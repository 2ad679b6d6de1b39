/**
 * The operations a virtual thread asks the scheduler to perform, one per
 * scheduling point, and how two of them conflict (for sleep-set reduction).
 */

export type AtomicFn = "load" | "store" | "add" | "sub" | "and" | "or" | "xor" | "exchange" | "compareExchange";

export type Op =
  | { kind: "load"; cell: number }
  | { kind: "store"; cell: number; value: number }
  | { kind: "atomic"; fn: AtomicFn; cell: number; value: number; replacement: number }
  | { kind: "wait"; cell: number; expected: number; timeout: number }
  | { kind: "notify"; cell: number; count: number }
  | { kind: "lock"; mutex: string }
  | { kind: "unlock"; mutex: string }
  | { kind: "join"; thread: number }
  | { kind: "yield" };

/** Int32 arithmetic of each atomic read-modify-write, as Atomics does it on an Int32Array. */
export function applyAtomic(fn: AtomicFn, old: number, value: number, replacement: number): number {
  switch (fn) {
    case "load":
      return old;
    case "store":
    case "exchange":
      return value;
    case "add":
      return (old + value) | 0;
    case "sub":
      return (old - value) | 0;
    case "and":
      return old & value;
    case "or":
      return old | value;
    case "xor":
      return old ^ value;
    case "compareExchange":
      return old === value ? replacement : old;
  }
}

/** How an operation reads in logs: "atomic.add counter 1", "lock a". */
export function describeOp(op: Op, cellName: (cell: number) => string): string {
  switch (op.kind) {
    case "load":
      return `load ${cellName(op.cell)}`;
    case "store":
      return `store ${cellName(op.cell)} ← ${op.value}`;
    case "atomic":
      if (op.fn === "load") return `atomic.load ${cellName(op.cell)}`;
      if (op.fn === "compareExchange") return `atomic.compareExchange ${cellName(op.cell)} ${op.value} ${op.replacement}`;
      return `atomic.${op.fn} ${cellName(op.cell)} ${op.value}`;
    case "wait":
      return `wait ${cellName(op.cell)} == ${op.expected}${Number.isFinite(op.timeout) ? ` (timeout ${op.timeout})` : ""}`;
    case "notify":
      return `notify ${cellName(op.cell)}${Number.isFinite(op.count) ? ` ${op.count}` : ""}`;
    case "lock":
    case "unlock":
      return `${op.kind} ${op.mutex}`;
    case "join":
      return `join T${op.thread}`;
    case "yield":
      return "yield";
  }
}

/** The log line of a performed operation: "atomic.add counter 1 → 0". */
export function stepEvent(op: Op, result: unknown, cellName: (cell: number) => string): { op: string; target?: string; value?: number | string; text: string } {
  const event: { op: string; target?: string; value?: number | string; text: string } = {
    op: op.kind === "atomic" ? `atomic.${op.fn}` : op.kind,
    text: `${describeOp(op, cellName)}${showResult(op, result)}`,
  };
  if ("cell" in op) event.target = cellName(op.cell);
  else if (op.kind === "lock" || op.kind === "unlock") event.target = op.mutex;
  else if (op.kind === "join") event.target = `T${op.thread}`;
  const value = op.kind === "store" ? op.value : result;
  if (typeof value === "number" || typeof value === "string") event.value = value;
  return event;
}

/** Operations that return nothing worth showing (or, for a store, the value already in the text). */
function showResult(op: Op, result: unknown): string {
  if (op.kind === "store" || op.kind === "lock" || op.kind === "unlock" || op.kind === "join" || op.kind === "yield") return "";
  if (op.kind === "atomic" && op.fn === "store") return "";
  return typeof result === "string" ? ` → "${result}"` : ` → ${String(result)}`;
}

/**
 * What one step touched: key → 1 (read) or 2 (write). Keys: "m3" a memory
 * cell, "l:name" a mutex, "s:name" a section, "b:name" a barrier, "t3" thread
 * 3's end (written when it finishes, read by `join`). A wait or notify writes
 * its cell, because it changes the cell's queue of waiters and the verdict on
 * lost wake-ups; markers write their section or barrier, because the order of
 * two markers decides what the oracle sees.
 */
export type Footprint = Map<string, 1 | 2>;

export function touch(footprint: Footprint | undefined, key: string, access: 1 | 2): void {
  if (!footprint) return;
  if ((footprint.get(key) ?? 0) < access) footprint.set(key, access);
}

/** Two steps are dependent (their order may matter) when they touch a common key and one of them writes it. */
export function dependent(a: Footprint, b: Footprint): boolean {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  for (const [key, access] of small) {
    const other = large.get(key);
    if (other !== undefined && (access === 2 || other === 2)) return true;
  }
  return false;
}
