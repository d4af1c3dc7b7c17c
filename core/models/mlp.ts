/**
 * MLP generator and t-conditioned discriminator for 2D data, as in the Diffusion-GAN toy:
 * hidden layers of `width` units with LeakyReLU(0.2).
 *
 * Both also run a traced forward pass with a hand-written backward pass. On wasm a 2D training
 * step is ~290 small kernels, and the autodiff tape's bookkeeping around each (saved-tensor
 * clones, broadcast reductions, per-gradient scopes) costs as much as the arithmetic. The
 * backward pass below issues the very kernels tfjs's gradients would (same products, same
 * reductions, dy * step(x, 0.2) through the LeakyReLU, see engine/gradients.ts), so its
 * gradients equal the tape's bit for bit (test/core/models/mlp.test.ts).
 */

import type { Rng } from '../engine/rng';
import * as tf from '../engine/tf';
import { addDense, dense, denseInit, newVariable, type Params } from './params';

const LEAKY_SLOPE = 0.2;

export interface MlpShape {
  inDim: number;
  width: number;
  depth: number;
  outDim: number;
}

export function buildMlpParams(rng: Rng, shape: MlpShape): Params {
  const params: Params = {};
  let inDim = shape.inDim;
  for (let i = 0; i < shape.depth; i++) {
    addDense(params, rng, `h${i}`, inDim, shape.width);
    inDim = shape.width;
  }
  addDense(params, rng, 'out', inDim, shape.outDim);
  return params;
}

/** What a forward pass keeps for its backward pass. */
interface MlpTrace {
  /** The input of every layer: x, then each hidden layer's activation. */
  inputs: tf.Tensor2D[];
  /** Each hidden layer's pre-activation. */
  preActivations: tf.Tensor2D[];
  output: tf.Tensor2D;
}

/** Gradients asked of a backward pass. */
export interface BackwardRequest {
  /** Gradients of the weights, keyed by tf.Variable name (as tf.variableGrads gives them). */
  weights: boolean;
  /** The gradient of the network's input. */
  input: boolean;
}

export interface BackwardResult {
  weightGrads: Record<string, tf.Tensor>;
  inputGrad: tf.Tensor2D | null;
}

/** A forward pass whose gradients can be taken without the autodiff tape. */
export interface TracedPass {
  output: tf.Tensor2D;
  /** Gradients of sum(output * dOutput); call inside the same tf.tidy as the forward pass. */
  backward(dOutput: tf.Tensor2D, request: BackwardRequest): BackwardResult;
}

/**
 * The MLP's forward pass. `firstLayerBias`, when given, replaces h0's bias with a per-row
 * term (D's t path: emb W_t + b).
 */
function runMlp(
  params: Record<string, tf.Tensor>,
  depth: number,
  x: tf.Tensor2D,
  firstLayerBias?: tf.Tensor2D,
): MlpTrace {
  const inputs: tf.Tensor2D[] = [];
  const preActivations: tf.Tensor2D[] = [];
  let h = x;
  for (let i = 0; i < depth; i++) {
    inputs.push(h);
    const pre =
      i === 0 && firstLayerBias
        ? (tf.add(tf.matMul(h, params['h0.w'] as tf.Tensor2D), firstLayerBias) as tf.Tensor2D)
        : dense(params, `h${i}`, h);
    preActivations.push(pre);
    h = tf.leakyRelu(pre, LEAKY_SLOPE);
  }
  inputs.push(h);
  return { inputs, preActivations, output: dense(params, 'out', h) };
}

/**
 * The backward pass of runMlp, layer by layer from the output: dW = input^T d, db = sum of d
 * over rows, d_input = d W^T, and d * step(pre, 0.2) through each LeakyReLU. Also returns the
 * gradient of h0's pre-activation (for D's t path, whose emb W_t + b carries h0's bias).
 */
function backpropMlp(
  params: Params,
  depth: number,
  trace: MlpTrace,
  dOutput: tf.Tensor2D,
  request: BackwardRequest,
): BackwardResult & { firstPreActivationGrad: tf.Tensor2D } {
  const weightGrads: Record<string, tf.Tensor> = {};
  let d = dOutput;
  let inputGrad: tf.Tensor2D | null = null;
  for (let layer = depth; layer >= 0; layer--) {
    const name = layer === depth ? 'out' : `h${layer}`;
    if (layer < depth) d = tf.mul(d, tf.step(trace.preActivations[layer], LEAKY_SLOPE)) as tf.Tensor2D;
    const w = params[`${name}.w`];
    if (request.weights) {
      weightGrads[w.name] = tf.matMul(trace.inputs[layer], d, true, false);
      weightGrads[params[`${name}.b`].name] = tf.sum(d, [0]);
    }
    if (layer > 0) d = tf.matMul(d, w as tf.Tensor2D, false, true);
    else if (request.input) inputGrad = tf.matMul(d, w as tf.Tensor2D, false, true) as tf.Tensor2D;
  }
  return { weightGrads, inputGrad, firstPreActivationGrad: d };
}

/** G: z [N, zDim] -> x [N, dataDim]. */
export class MlpGenerator {
  readonly params: Params;

  constructor(
    rng: Rng,
    readonly zDim: number,
    readonly width: number,
    readonly depth: number,
    readonly dataDim: number,
  ) {
    this.params = buildMlpParams(rng, { inDim: zDim, width, depth, outDim: dataDim });
  }

  apply(z: tf.Tensor2D, params: Record<string, tf.Tensor> = this.params): tf.Tensor2D {
    this.checkInput(z);
    return runMlp(params, this.depth, z).output;
  }

  /** The forward pass on the live weights, with its backward pass. */
  traced(z: tf.Tensor2D): TracedPass {
    this.checkInput(z);
    const trace = runMlp(this.params, this.depth, z);
    return {
      output: trace.output,
      backward: (dOutput, request) => backpropMlp(this.params, this.depth, trace, dOutput, request),
    };
  }

  private checkInput(z: tf.Tensor2D): void {
    tf.util.assert(
      z.rank === 2 && z.shape[1] === this.zDim,
      () => `G expects z of shape [N, ${this.zDim}], got [${z.shape}]`,
    );
  }
}

/**
 * D: (y [N, dataDim], t-embedding [N, E]) -> logit [N, 1]. The first layer is
 * y W_y + emb W_t + b, the same as a dense layer on [y, emb] but without a concat along
 * features (slow on wasm), and the t path carries no gradient to G.
 */
export class MlpDiscriminator {
  readonly params: Params;

  constructor(
    rng: Rng,
    readonly dataDim: number,
    readonly tEmbedDim: number,
    readonly width: number,
    readonly depth: number,
  ) {
    const params: Params = {};
    // Initialised as one dense layer over dataDim + E inputs, then split by rows.
    const { w, b } = denseInit(rng, dataDim + tEmbedDim, width);
    params['h0.w'] = newVariable(() => tf.tensor2d(w.subarray(0, dataDim * width), [dataDim, width]));
    params['h0.t'] = newVariable(() => tf.tensor2d(w.subarray(dataDim * width), [tEmbedDim, width]));
    params['h0.b'] = newVariable(() => tf.tensor1d(b));
    for (let i = 1; i < depth; i++) addDense(params, rng, `h${i}`, width, width);
    addDense(params, rng, 'out', width, 1);
    this.params = params;
  }

  apply(y: tf.Tensor2D, tEmbedding: tf.Tensor2D): tf.Tensor2D {
    return this.forward(y, tEmbedding).output;
  }

  /** The forward pass with its backward pass. */
  traced(y: tf.Tensor2D, tEmbedding: tf.Tensor2D): TracedPass {
    const trace = this.forward(y, tEmbedding);
    return {
      output: trace.output,
      backward: (dOutput, request) => {
        const result = backpropMlp(this.params, this.depth, trace, dOutput, request);
        if (request.weights) {
          // h0's bias sits in the t path (emb W_t + b); its gradient is the same sum over rows.
          const dPre = result.firstPreActivationGrad;
          result.weightGrads[this.params['h0.t'].name] = tf.matMul(tEmbedding, dPre, true, false);
        }
        return result;
      },
    };
  }

  private forward(y: tf.Tensor2D, tEmbedding: tf.Tensor2D): MlpTrace {
    tf.util.assert(
      y.rank === 2 && y.shape[1] === this.dataDim,
      () => `D expects y of shape [N, ${this.dataDim}], got [${y.shape}]`,
    );
    tf.util.assert(
      tEmbedding.shape[0] === y.shape[0] && tEmbedding.shape[1] === this.tEmbedDim,
      () => `D expects a t-embedding of shape [${y.shape[0]}, ${this.tEmbedDim}], got [${tEmbedding.shape}]`,
    );
    const p = this.params;
    const t = tf.add(tf.matMul(tEmbedding, p['h0.t'] as tf.Tensor2D), p['h0.b']) as tf.Tensor2D;
    return runMlp(p, this.depth, y, t);
  }
}
