/**
 * Structured clone (postMessage, piscina task arguments) keeps a primitive's
 * own data, `{ pardisSync, buffer, index }`, but drops its class. reviveShared
 * turns those plain copies back into working primitives on the same memory.
 */
import { AtomicCounter } from "./atomic-counter.js";
import { Barrier } from "./barrier.js";
import { misuse } from "./checks.js";
import { CondVar } from "./condvar.js";
import { Latch } from "./latch.js";
import type { SyncKind } from "./layout.js";
import { isHandleShaped, SyncMemory, type SharedHandle } from "./memory.js";
import { Mutex } from "./mutex.js";
import { Semaphore } from "./semaphore.js";

const REVIVERS: Readonly<Record<SyncKind, (handle: never) => SharedHandle>> = {
  SyncMemory: SyncMemory.from,
  Mutex: Mutex.from,
  Semaphore: Semaphore.from,
  Barrier: Barrier.from,
  CondVar: CondVar.from,
  Latch: Latch.from,
  AtomicCounter: AtomicCounter.from,
};
const PRIMITIVE_CLASSES = [SyncMemory, Mutex, Semaphore, Barrier, CondVar, Latch, AtomicCounter];

/** How deep reviveShared looks into nested arrays and objects by default (the value itself is depth 0). */
export const REVIVE_DEPTH_MAX = 8;

/**
 * A plain object whatever realm made it (a worker's, a vm context's): its
 * prototype is some realm's Object.prototype, or null. Class instances, Maps,
 * typed arrays and the like are left alone.
 */
function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === null || Object.getPrototypeOf(proto) === null;
}

/**
 * Returns `value` with every structured-cloned primitive turned back into an
 * instance (Mutex, Semaphore, Barrier, CondVar, Latch, AtomicCounter,
 * SyncMemory) attached to the same shared memory, so it interoperates with the
 * original in the thread that created it.
 *
 * Contract:
 * - A primitive's clone is recognised by its marker: a plain object whose
 *   `pardisSync` is a kind name, with a SharedArrayBuffer `buffer` and a
 *   numeric `index`; its slots must carry that kind's tag, else PardisError
 *   "sync-misuse" (an unknown kind is misuse too).
 * - Arrays and plain objects are searched recursively, up to `depthMax` levels
 *   below `value`, and updated in place: structured clone gave this thread its
 *   own copies, and updating in place keeps shared references and cycles
 *   intact. The same container is returned; a marker at the top level is
 *   returned as a new instance.
 * - Everything else (instances already revived, class instances, Maps, Sets,
 *   typed arrays, shared arrays) is returned untouched.
 * - Idempotent: reviving twice changes nothing more.
 */
export function reviveShared<T>(value: T, depthMax: number = REVIVE_DEPTH_MAX): T {
  return reviveValue(value, depthMax, new Set()) as T;
}

function reviveValue(value: unknown, depthLeft: number, seen: Set<object>): unknown {
  if (typeof value !== "object" || value === null) return value;
  if (PRIMITIVE_CLASSES.some((Class) => value instanceof Class)) return value;
  if (Array.isArray(value)) {
    if (depthLeft > 0 && !seen.has(value)) {
      seen.add(value);
      for (let i = 0; i < value.length; i++) value[i] = reviveValue(value[i], depthLeft - 1, seen);
    }
    return value;
  }
  if (!isPlainObject(value)) return value;
  if (isHandleShaped(value)) {
    const revive = (REVIVERS as Record<string, ((handle: never) => SharedHandle) | undefined>)[value.pardisSync];
    if (!Object.hasOwn(REVIVERS, value.pardisSync) || revive === undefined) {
      throw misuse(`reviveShared: unknown shared primitive kind ${JSON.stringify(value.pardisSync)}; expected one of ${Object.keys(REVIVERS).join(", ")}`);
    }
    return revive(value as never);
  }
  if (depthLeft > 0 && !seen.has(value)) {
    seen.add(value);
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      const revived = reviveValue(record[key], depthLeft - 1, seen);
      if (revived !== record[key]) record[key] = revived;
    }
  }
  return value;
}
