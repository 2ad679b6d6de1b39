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
  if (!Number.isInteger(seed)) throw new TypeError(`seededRandom expects an integer seed, got ${seed}`);
  const init = splitmix32(seed);
  const s = new Uint32Array([init(), init(), init(), init()]);
  // The state goes through int32 locals: one load and one store per word, instead of a typed-array read-modify-write per step (same bits, same sequence).
  const nextUint32 = (): number => {
    const s0 = s[0]! | 0;
    const s1 = s[1]! | 0;
    const s2 = (s[2]! ^ s0) | 0;
    const s3 = (s[3]! ^ s1) | 0;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    s[0] = s0 ^ s3;
    s[1] = s1 ^ s2;
    s[2] = s2 ^ (s1 << 9);
    s[3] = (s3 << 11) | (s3 >>> 21);
    return result;
  };
  const random: Random = {
    seed,
    next: () => nextUint32() / 0x1_0000_0000,
    int: (n) => {
      if (!Number.isInteger(n) || n <= 0) throw new TypeError(`Random.int expects a positive integer, got ${n}`);
      return Math.floor(random.next() * n);
    },
    pick: (items) => {
      if (items.length === 0) throw new TypeError("Random.pick needs a non-empty list");
      return items[random.int(items.length)]!;
    },
  };
  return random;
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
