/**
 * Seeded pseudo-random generator (xoshiro128**) whose whole state is four uint32 words,
 * so a checkpoint can save it and a resumed run draws exactly the numbers it would have drawn.
 * Every random choice in training (data, z, t, diffusion noise, init) goes through one of these.
 */
export type RngState = [number, number, number, number];

export class Rng {
  private s = new Uint32Array(4);

  constructor(seed: number | RngState = 1) {
    if (Array.isArray(seed)) this.setState(seed);
    else this.reseed(seed);
  }

  /** Expands a 32-bit seed into a full state with splitmix32, as the xoshiro authors advise. */
  reseed(seed: number): void {
    let x = seed >>> 0;
    for (let i = 0; i < 4; i++) {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      this.s[i] = (z ^ (z >>> 16)) >>> 0;
    }
    if ((this.s[0] | this.s[1] | this.s[2] | this.s[3]) === 0) this.s[0] = 1;
  }

  getState(): RngState {
    return [this.s[0], this.s[1], this.s[2], this.s[3]];
  }

  setState(state: RngState): void {
    if (state.length !== 4 || state.some((w) => !Number.isInteger(w) || w < 0 || w > 0xffffffff)) {
      throw new Error(`RNG state must be four uint32 words, got ${JSON.stringify(state)}`);
    }
    this.s.set(state);
  }

  /** A derived, independent stream: the same parent state and label always give the same child. */
  fork(label: number): Rng {
    const child = new Rng(0);
    child.reseed((this.nextUint32() ^ Math.imul(label + 1, 0x27d4eb2d)) >>> 0);
    return child;
  }

  nextUint32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1], 5) >>> 0, 7), 9) >>> 0;
    const t = (s[1] << 9) >>> 0;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** Uniform in [0, 1) with 32 bits of resolution. */
  uniform(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** Fills `out` with N(mean, std) draws (Box-Muller; both values of each pair are used). */
  fillNormal(out: Float32Array, mean = 0, std = 1): Float32Array {
    const n = out.length;
    for (let i = 0; i < n; i += 2) {
      let u1 = this.uniform();
      if (u1 < 1e-12) u1 = 1e-12;
      const u2 = this.uniform();
      const r = Math.sqrt(-2 * Math.log(u1));
      const a = 2 * Math.PI * u2;
      out[i] = mean + std * r * Math.cos(a);
      if (i + 1 < n) out[i + 1] = mean + std * r * Math.sin(a);
    }
    return out;
  }

  fillUniform(out: Float32Array, low = 0, high = 1): Float32Array {
    for (let i = 0; i < out.length; i++) out[i] = low + (high - low) * this.uniform();
    return out;
  }

  /** A uniformly random permutation of 0..n-1 (Fisher-Yates). */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = p[i];
      p[i] = p[j];
      p[j] = tmp;
    }
    return p;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
