/**
 * Seeded randomness for everything that must replay: the schedule explorer now,
 * the simulator later. A seed is the whole run; print it with every failure.
 * xoshiro128** (public domain, Blackman and Vigna): fast, 128-bit state, good
 * statistical quality, and identical on every platform because it only uses
 * 32-bit integer arithmetic.
 */
export interface Random {
  readonly seed: number;
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T;
}

function splitmix32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

export function seededRandom(seed: number): Random {
  return seededRandoms([seed])[0]!;
}

/**
 * Independent streams, one per seed, each the same sequence seededRandom(seed)
 * gives. Their states share one Uint32Array (four words per stream): the
 * simulator keeps a stream per node, and with a thousand nodes a separate state
 * object per stream was a cache miss per draw.
 */
export function seededRandoms(seeds: readonly number[]): Random[] {
  const state = new Uint32Array(4 * seeds.length);
  return seeds.map((seed, k) => {
    if (!Number.isInteger(seed)) throw new TypeError(`seededRandom expects an integer seed, got ${seed}`);
    const init = splitmix32(seed);
    for (let w = 0; w < 4; w++) state[4 * k + w] = init();
    return streamAt(state, 4 * k, seed);
  });
}

/**
 * One stream's methods, as closures over (state, at) rather than prototype
 * methods, so `const next = random.next` keeps working. Each method steps the
 * generator itself (no next() -> nextUint32() chain of closures to load).
 */
function streamAt(state: Uint32Array, at: number, seed: number): Random {
  return {
    seed,
    next: () => nextUint32(state, at) / 0x1_0000_0000,
    int: (n) => {
      if (!Number.isInteger(n) || n <= 0) throw new TypeError(`Random.int expects a positive integer, got ${n}`);
      return Math.floor((nextUint32(state, at) / 0x1_0000_0000) * n);
    },
    pick: (items) => {
      if (items.length === 0) throw new TypeError("Random.pick needs a non-empty list");
      return items[Math.floor((nextUint32(state, at) / 0x1_0000_0000) * items.length)]!;
    },
  };
}

/** One xoshiro128** step of the stream at state[at..at+3]. The words go through int32 locals: one load and one store per word (same bits, same sequence). */
function nextUint32(s: Uint32Array, at: number): number {
  const s0 = s[at]! | 0;
  const s1 = s[at + 1]! | 0;
  const s2 = (s[at + 2]! ^ s0) | 0;
  const s3 = (s[at + 3]! ^ s1) | 0;
  const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
  s[at] = s0 ^ s3;
  s[at + 1] = s1 ^ s2;
  s[at + 2] = s2 ^ (s1 << 9);
  s[at + 3] = (s3 << 11) | (s3 >>> 21);
  return result;
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
