// Seeded integer hashing: every synthetic value is a pure function of (seed, what, where), so any bucket can
// be computed on demand, in any order, without precomputing a history.

function mix(h: number, v: number): number {
  // v may exceed 32 bits (e.g. epoch seconds * k): fold the high part in too.
  const lo = v | 0;
  const hi = Math.floor(v / 4294967296) | 0;
  h = Math.imul(h ^ lo, 0xcc9e2d51);
  h = (h << 15) | (h >>> 17);
  h = Math.imul(h ^ hi, 0x1b873593);
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function finish(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A uint32 from the seed and up to three integers. */
export function hash32(seed: number, a: number, b = 0, c = 0): number {
  let h = mix(seed ^ 0x9e3779b9, a);
  h = mix(h, b);
  h = mix(h, c);
  return finish(h);
}

/** A number in [0, 1) from the seed and up to three integers. */
export function unit(seed: number, a: number, b = 0, c = 0): number {
  return hash32(seed, a, b, c) / 4294967296;
}

/** A small integer tag for a string (e.g. a module id), to feed hash32. */
export function tag(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** `n` hex digits, deterministic from the seed and a counter. */
export function hex(seed: number, what: number, counter: number, n: number): string {
  let out = '';
  for (let i = 0; out.length < n; i++) out += hash32(seed, what, counter, i).toString(16).padStart(8, '0');
  return out.slice(0, n);
}

/** A sequential PRNG (mulberry32) for draws whose order is the order of requests (faults). */
export function sequence(seed: number): () => number {
  let a = hash32(seed, 0x5eed) | 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
