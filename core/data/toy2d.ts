/**
 * The 2D toy distributions of the Diffusion-GAN / VEEGAN / PacGAN experiments. Fresh points are
 * drawn for every minibatch from the seeded RNG, so there is no cursor to save.
 */
import type { Rng } from '../engine/rng';

export interface Modes2D {
  /** Mode centres, [K, 2]. */
  centers: Float32Array;
  /** Standard deviation of each Gaussian mode. */
  std: number;
}

export interface PointSource {
  name: string;
  /** Present for mixtures of Gaussians: what the mode metrics measure against. */
  modes?: Modes2D;
  /** Writes the next n training points into out [n, 2]. */
  next(rng: Rng, n: number, out: Float32Array): void;
  /** Where the data pointer stands (finite datasets), for checkpoints. */
  getCursor(): unknown;
  setCursor(cursor: unknown): void;
  /** Half-width of a square that holds practically all the data (plots, heatmaps). */
  extent: number;
}

function gaussianMixture(name: string, centers: number[][], std: number, extent: number): PointSource {
  const flat = Float32Array.from(centers.flat());
  const k = centers.length;
  const noise = new Float32Array(2);
  return {
    name,
    modes: { centers: flat, std },
    extent,
    next(rng, n, out) {
      for (let i = 0; i < n; i++) {
        const c = rng.int(k);
        rng.fillNormal(noise, 0, std);
        out[2 * i] = flat[2 * c] + noise[0];
        out[2 * i + 1] = flat[2 * c + 1] + noise[1];
      }
    },
    getCursor: () => null,
    setCursor: () => {},
  };
}

/** 25 Gaussians on the grid {-4,-2,0,2,4}^2, std 0.05 (ALGORITHMS.md §4). */
export function grid25(): PointSource {
  const centers: number[][] = [];
  for (const x of [-4, -2, 0, 2, 4]) for (const y of [-4, -2, 0, 2, 4]) centers.push([x, y]);
  return gaussianMixture('grid25', centers, 0.05, 5);
}

/** 8 Gaussians on a circle of radius 2, std 0.02 (ALGORITHMS.md §4). */
export function ring8(): PointSource {
  const centers: number[][] = [];
  for (let i = 0; i < 8; i++)
    centers.push([2 * Math.cos((2 * Math.PI * i) / 8), 2 * Math.sin((2 * Math.PI * i) / 8)]);
  return gaussianMixture('ring8', centers, 0.02, 2.5);
}

function continuous(
  name: string,
  extent: number,
  draw: (rng: Rng, out: Float32Array, i: number) => void,
): PointSource {
  return {
    name,
    extent,
    next(rng, n, out) {
      for (let i = 0; i < n; i++) draw(rng, out, i);
    },
    getCursor: () => null,
    setCursor: () => {},
  };
}

/** The 2D swiss roll of the WGAN-GP toy code: sklearn's roll with noise 0.25, scaled by 1/7.5. */
export function swissroll(): PointSource {
  const noise = new Float32Array(2);
  return continuous('swissroll', 2.5, (rng, out, i) => {
    const t = 1.5 * Math.PI * (1 + 2 * rng.uniform());
    rng.fillNormal(noise, 0, 0.25);
    out[2 * i] = (t * Math.cos(t) + noise[0]) / 7.5;
    out[2 * i + 1] = (t * Math.sin(t) + noise[1]) / 7.5;
  });
}

/** sklearn's two interleaving half circles with noise 0.05, centred and scaled by 2. */
export function moons(): PointSource {
  const noise = new Float32Array(2);
  return continuous('moons', 3.5, (rng, out, i) => {
    const angle = Math.PI * rng.uniform();
    rng.fillNormal(noise, 0, 0.05);
    const upper = rng.uniform() < 0.5;
    const x = upper ? Math.cos(angle) : 1 - Math.cos(angle);
    const y = upper ? Math.sin(angle) : 0.5 - Math.sin(angle);
    out[2 * i] = 2 * (x - 0.5 + noise[0]);
    out[2 * i + 1] = 2 * (y - 0.25 + noise[1]);
  });
}
