/**
 * Calls the answer's factories and checks what they return, so that a
 * factory returning the wrong shape fails with a message that says so rather
 * than "undefined is not a function" deep inside a scenario.
 */
import type { Barrier, Cells, Mutex, Semaphore } from "./api.js";
import { FACTORY_NAMES, type Primitive } from "./layout.js";

/** The answer's factory for `primitive`; throws naming the export when it is missing. */
export function factoryOf(submission: Readonly<Record<string, unknown>>, primitive: Primitive): (cells: Cells, size: number) => unknown {
  const name = FACTORY_NAMES[primitive];
  const factory = submission[name];
  if (typeof factory !== "function") throw new TypeError(`${name} is not a function (got ${typeof factory}); the answer must define it`);
  return factory as (cells: Cells, size: number) => unknown;
}

const METHODS: Readonly<Record<Primitive, readonly string[]>> = {
  mutex: ["lock", "unlock"],
  barrier: ["wait"],
  semaphore: ["acquire", "release"],
};

function handle(primitive: Primitive, made: unknown): Record<string, () => unknown> {
  const missing = METHODS[primitive].filter((method) => typeof (made as Record<string, unknown> | null)?.[method] !== "function");
  if (missing.length > 0) {
    throw new TypeError(`${FACTORY_NAMES[primitive]} must return an object with ${METHODS[primitive].map((m) => `${m}()`).join(" and ")}; ${missing.join(", ")} missing`);
  }
  return made as Record<string, () => unknown>;
}

export function makeMutex(factory: (cells: Cells, size: number) => unknown, cells: Cells): Mutex {
  return handle("mutex", (factory as (cells: Cells) => unknown)(cells)) as unknown as Mutex;
}

export function makeBarrier(factory: (cells: Cells, size: number) => unknown, cells: Cells, parties: number): Barrier {
  return handle("barrier", factory(cells, parties)) as unknown as Barrier;
}

export function makeSemaphore(factory: (cells: Cells, size: number) => unknown, cells: Cells, permits: number): Semaphore {
  return handle("semaphore", factory(cells, permits)) as unknown as Semaphore;
}
