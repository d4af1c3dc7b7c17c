/**
 * Sinusoidal embedding of the diffusion step t (as in transformers and DDPM): D sees t through
 * these features, concatenated to its input, so one network judges inputs at every noise level.
 * Built on the host because t itself is drawn there; it costs N x E floats per minibatch.
 */
const cache = new Map<number, Float32Array[]>();

function frequencies(dim: number): Float64Array {
  const half = dim / 2;
  const freqs = new Float64Array(half);
  for (let i = 0; i < half; i++) freqs[i] = Math.exp((-Math.log(10_000) * i) / half);
  return freqs;
}

/** The embedding of one t: [sin(t f_0), ..., sin(t f_{E/2-1}), cos(t f_0), ...]. */
export function embedT(t: number, dim: number): Float32Array {
  let rows = cache.get(dim);
  if (!rows) {
    rows = [];
    cache.set(dim, rows);
  }
  let row = rows[t];
  if (!row) {
    const freqs = frequencies(dim);
    row = new Float32Array(dim);
    for (let i = 0; i < dim / 2; i++) {
      row[i] = Math.sin(t * freqs[i]);
      row[i + dim / 2] = Math.cos(t * freqs[i]);
    }
    rows[t] = row;
  }
  return row;
}

/** Embeddings of a batch of steps. [N, dim] */
export function embedSteps(t: Int32Array, dim: number, out = new Float32Array(t.length * dim)): Float32Array {
  for (let i = 0; i < t.length; i++) out.set(embedT(t[i], dim), i * dim);
  return out;
}
