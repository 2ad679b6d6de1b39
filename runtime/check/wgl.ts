/**
 * The linearizability search of Wing and Gong with Lowe's memoization, as
 * Porcupine runs it: the history is a doubly linked list of call and return
 * events in time order; the search linearizes ("lifts") any operation whose
 * call comes before the first remaining return and that the model accepts,
 * and backtracks when it reaches a return it has not linearized. A cache of
 * (linearized set, model state) pairs already explored prunes the search from
 * exponential to, in practice, nearly linear for histories with few clients.
 *
 * Pending operations (outcome info, or none) return at +infinity and are not
 * required: the search succeeds once every required operation is linearized,
 * which lets a pending operation take effect at any point after its call, or
 * never.
 *
 * Pending operations would make the search explode (each one stays a choice
 * until the end of the history), so two things keep them cheap. The memo is
 * keyed on the required operations and the state only, and a configuration is
 * pruned when one with the same required set and state but a subset of its
 * pending operations was already explored: anything the larger one can still
 * do, the smaller one could too. And the search tries required operations
 * before pending ones, so the smaller configurations come first. Finally a
 * pending blind write is never followed at once by another blind write: the
 * first would be overwritten unseen, and the order without it is tried anyway.
 */
import type { AnyModel } from "./models.js";

/** An operation ready for the search: times, whether it must be linearized, and its compiled form. */
export interface SearchOperation {
  id: number;
  call: number;
  /** Infinity for pending operations. */
  ret: number;
  required: boolean;
  compiled: unknown;
}

export interface SearchResult {
  result: "ok" | "fail" | "unknown";
  /** Search steps taken (one per event visited). */
  steps: number;
  /** Indices (into the input) of the longest partial linearization found, in linearization order. */
  longest: number[];
  /** Index of the operation whose return the longest partial linearization could not get past. */
  stuck?: number;
  /** The model state after the longest partial linearization. */
  longestState: unknown;
}

/**
 * How many memo entries with the same key (required set and state) a new configuration is compared
 * against, newest first. Pending operations whose effects never cancel out (counter adds) can leave
 * thousands of configurations under one key; scanning them all would make each step slow. Missing
 * an old entry only prunes less, it never changes the answer.
 */
const SCAN_MAX = 64;

/** 32-bit mix of an integer (splitmix32's finalizer): two independent hashes per operation for the set hash. */
function mix(x: number): number {
  let z = (x + 0x9e3779b9) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return (z ^ (z >>> 16)) >>> 0;
}

/** Events at the same time: calls first, so operations that touch at an instant count as concurrent (the lenient reading). */
function eventOrder(ops: readonly SearchOperation[]): number[] {
  const events: number[] = [];
  for (let i = 0; i < ops.length; i++) events.push(2 * i, 2 * i + 1);
  const time = (e: number) => (e & 1 ? ops[e >> 1]!.ret : ops[e >> 1]!.call);
  events.sort((a, b) => time(a) - time(b) || (a & 1) - (b & 1) || (a >> 1) - (b >> 1));
  return events;
}

export function searchLinearization(model: AnyModel, ops: readonly SearchOperation[], maxSteps: number): SearchResult {
  const n = ops.length;
  let remaining = 0;
  for (const op of ops) if (op.required) remaining++;
  let state: unknown = model.init();
  if (remaining === 0) return { result: "ok", steps: 0, longest: [], longestState: state };

  // The event list of required operations: node 2i is op i's call, 2i+1 its return, node 2n the head.
  // Pending operations never return, so they sit in a list of their own, by call time, node n its head:
  // the search walks them only when no required operation can go next.
  const head = 2 * n;
  const next = new Int32Array(2 * n + 1).fill(-1);
  const prev = new Int32Array(2 * n + 1).fill(-1);
  let last = head;
  for (const e of eventOrder(ops)) {
    if (!ops[e >> 1]!.required) continue;
    next[last] = e;
    prev[e] = last;
    last = e;
  }
  const pendingHead = n;
  const pnext = new Int32Array(n + 1).fill(-1);
  const pprev = new Int32Array(n + 1).fill(-1);
  let plast = pendingHead;
  for (const e of eventOrder(ops)) {
    if ((e & 1) === 1 || ops[e >> 1]!.required) continue;
    pnext[plast] = e >> 1;
    pprev[e >> 1] = plast;
    plast = e >> 1;
  }
  const unlink = (e: number) => {
    next[prev[e]!] = next[e]!;
    if (next[e]! !== -1) prev[next[e]!] = prev[e]!;
  };
  const relink = (e: number) => {
    next[prev[e]!] = e;
    if (next[e]! !== -1) prev[next[e]!] = e;
  };
  const punlink = (i: number) => {
    pnext[pprev[i]!] = pnext[i]!;
    if (pnext[i]! !== -1) pprev[pnext[i]!] = pprev[i]!;
  };
  const prelink = (i: number) => {
    pnext[pprev[i]!] = i;
    if (pnext[i]! !== -1) pprev[pnext[i]!] = i;
  };

  // Linearized operations as two bitsets: required ones (hashed for the memo key) and pending ones
  // (numbered among themselves, for the dominance test).
  const words = (n + 31) >>> 5;
  const bits = new Uint32Array(words);
  const requiredMask = new Uint32Array(words);
  const pendingSlot = new Int32Array(n).fill(-1);
  let pendingCount = 0;
  for (let i = 0; i < n; i++) {
    if (ops[i]!.required) requiredMask[i >>> 5]! |= 1 << (i & 31);
    else pendingSlot[i] = pendingCount++;
  }
  const pendingBits = new Uint32Array((pendingCount + 31) >>> 5);
  // Every word of required operations below `low` is complete: memo entries store only the words from there.
  let low = 0;
  let h1 = 0;
  let h2 = 0;
  const flip = (i: number) => {
    if (ops[i]!.required) {
      bits[i >>> 5]! ^= 1 << (i & 31);
      h1 ^= mix(2 * i);
      h2 ^= mix(2 * i + 1);
      if (i >>> 5 < low) low = i >>> 5;
    } else {
      const slot = pendingSlot[i]!;
      pendingBits[slot >>> 5]! ^= 1 << (slot & 31);
    }
  };
  interface Seen {
    low: number;
    required: Uint32Array;
    pending: Uint32Array;
  }
  /** True when `seen` has the same required operations as now and only pending ones now linearized too. */
  const dominates = (seen: Seen): boolean => {
    if (seen.low !== low) return false;
    for (let w = 0; w < seen.required.length; w++) if (seen.required[w] !== bits[low + w]) return false;
    for (let w = 0; w < pendingBits.length; w++) if ((seen.pending[w]! & ~pendingBits[w]!) !== 0) return false;
    return true;
  };
  const cache = new Map<string, Seen[]>();
  /** Adds (bits, state) to the memo; false if it, or a configuration that dominates it, was there already. */
  const remember = (s: unknown): boolean => {
    while (low < words && bits[low] === requiredMask[low]) low++;
    const key = `${h1}:${h2}:${model.hash(s)}`;
    const seen = cache.get(key);
    if (seen !== undefined) for (let k = seen.length - 1; k >= 0 && k >= seen.length - SCAN_MAX; k--) if (dominates(seen[k]!)) return false;
    const entry = { low, required: bits.slice(low), pending: pendingBits.slice() };
    if (seen === undefined) cache.set(key, [entry]);
    else seen.push(entry);
    return true;
  };

  const blind = new Uint8Array(n);
  if (model.blind !== undefined) for (let i = 0; i < n; i++) blind[i] = model.blind(ops[i]!.compiled) ? 1 : 0;
  const stackOp = new Int32Array(n);
  const stackState: unknown[] = new Array(n);
  let depth = 0;
  // The longest partial linearization: its depth and state at once, its operations copied only when
  // the search first backs out of it (copying at every new depth would cost quadratic time).
  let longest: number[] = [];
  let bestDepth = 0;
  let bestDirty = false;
  const saveLongest = () => {
    if (bestDirty) longest = Array.from(stackOp.subarray(0, depth));
    bestDirty = false;
  };
  let longestState: unknown = state;
  let stuck: number | undefined;
  let steps = 0;
  let entry = next[head]!;
  // Phase 0 walks required calls up to the first return (the barrier); phase 1 then walks pending
  // calls made before the barrier's return. `entry` is an event node in phase 0, an operation in phase 1.
  let phase = 0;
  let barrier = -1;
  const stackBarrier = new Int32Array(n);

  while (true) {
    if (++steps > maxSteps) {
      saveLongest();
      return { result: "unknown", steps, longest, stuck, longestState };
    }
    let lifted = -1;
    if (phase === 0) {
      if (entry === -1) {
        saveLongest();
        return { result: "fail", steps, longest, stuck, longestState };
      }
      if ((entry & 1) === 1) {
        barrier = entry;
        phase = 1;
        entry = pnext[pendingHead]!;
        continue;
      }
      const i = entry >> 1;
      const wasted = blind[i] === 1 && depth > 0 && blind[stackOp[depth - 1]!] === 1 && !ops[stackOp[depth - 1]!]!.required;
      if (!wasted) lifted = i;
    } else if (entry !== -1 && ops[entry]!.call <= ops[barrier >> 1]!.ret) {
      const i = entry;
      const wasted = blind[i] === 1 && depth > 0 && blind[stackOp[depth - 1]!] === 1 && !ops[stackOp[depth - 1]!]!.required;
      if (!wasted) lifted = i;
    } else {
      // Nothing more to try before the barrier's return: every order from here is wrong, undo the last choice.
      const b = barrier >> 1;
      if (depth === bestDepth && stuck === undefined) stuck = b;
      saveLongest();
      if (depth === 0) return { result: "fail", steps, longest, stuck, longestState };
      depth--;
      const j = stackOp[depth]!;
      state = stackState[depth];
      stackState[depth] = undefined;
      flip(j);
      if (ops[j]!.required) {
        relink(2 * j + 1);
        relink(2 * j);
        remaining++;
        entry = next[2 * j]!;
        phase = 0;
      } else {
        prelink(j);
        entry = pnext[j]!;
        barrier = stackBarrier[depth]!;
        phase = 1;
      }
      continue;
    }
    if (lifted >= 0) {
      const i = lifted;
      const after = model.step(state, ops[i]!.compiled);
      if (after !== undefined) {
        flip(i);
        if (remember(after)) {
          stackOp[depth] = i;
          stackState[depth] = state;
          stackBarrier[depth] = barrier;
          depth++;
          state = after;
          if (ops[i]!.required) {
            unlink(2 * i);
            unlink(2 * i + 1);
            remaining--;
          } else {
            punlink(i);
          }
          if (depth > bestDepth) {
            bestDepth = depth;
            bestDirty = true;
            longestState = state;
            stuck = undefined;
          }
          if (remaining === 0) {
            saveLongest();
            return { result: "ok", steps, longest, longestState };
          }
          entry = next[head]!;
          phase = 0;
          continue;
        }
        flip(i);
      }
    }
    entry = phase === 0 ? next[entry]! : pnext[entry]!;
  }
}
