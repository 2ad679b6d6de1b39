import { copyBody } from "./message.js";
import type { DurableStorage } from "./context.js";

/**
 * In-memory durable storage: the world keeps one per node across restarts.
 * Values are copied on the way in and out, the way a disk would, so volatile
 * state that still points at a stored object cannot survive a crash through it.
 */
export function memoryStorage(initial: Record<string, unknown> = {}): DurableStorage & { snapshot(): Record<string, unknown> } {
  const data = new Map<string, unknown>(Object.entries(copyBody(initial)));
  return {
    get: <T>(key: string) => copyBody(data.get(key)) as T | undefined,
    set: (key, value) => {
      data.set(key, copyBody(value));
    },
    has: (key) => data.has(key),
    delete: (key) => data.delete(key),
    keys: () => [...data.keys()],
    snapshot: () => Object.fromEntries([...data].map(([k, v]) => [k, copyBody(v)])),
  };
}
