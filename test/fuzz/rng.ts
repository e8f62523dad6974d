// A small seeded PRNG (mulberry32): every fuzz input is a pure function of (seed, target, index), so a
// hang found in a worker can be regenerated in the driver and saved without shipping bytes around.

export class Rng {
  private s: number;

  constructor(seed: number) {
    this.s = seed >>> 0;
  }

  /** Derives the generator for one input. */
  static for(seed: number, target: string, index: number): Rng {
    let h = 2166136261 ^ seed;
    for (let i = 0; i < target.length; i++) h = Math.imul(h ^ target.charCodeAt(i), 16777619);
    h = Math.imul(h ^ index, 2654435761) ^ Math.imul(index >>> 16, 40503);
    return new Rng(h);
  }

  u32(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** 0 <= n < max. */
  int(max: number): number {
    return max <= 0 ? 0 : this.u32() % max;
  }

  chance(p: number): boolean {
    return this.u32() / 2 ** 32 < p;
  }

  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }

  /** A value that is often on a boundary: 0, 1, powers of two and their neighbours, all-ones. */
  interesting(bits: 8 | 16 | 32 | 64): bigint {
    const max = (1n << BigInt(bits)) - 1n;
    switch (this.int(6)) {
      case 0:
        return 0n;
      case 1:
        return max;
      case 2: {
        const p = 1n << BigInt(this.int(bits));
        return (p + BigInt(this.int(3)) - 1n) & max;
      }
      case 3:
        return BigInt(this.int(256));
      case 4:
        return max - BigInt(this.int(16));
      default:
        return (BigInt(this.u32()) | (bits === 64 ? BigInt(this.u32()) << 32n : 0n)) & max;
    }
  }
}
