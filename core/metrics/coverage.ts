/**
 * Class-level diversity of generated images, judged by a classifier's predictions
 * (ALGORITHMS.md §5): which classes the generator produces, how far its class mix is from the
 * data's, and an Inception-Score analogue. A generator that has collapsed onto a few digits
 * shows it here even when each digit looks fine.
 */
/**
 * Default share a class needs to count as covered: 10% of its share under a uniform mix,
 * i.e. 1% of samples for 10 classes. Low enough that a class a generator produces rarely but
 * clearly still counts, high enough that the classifier's occasional mistake on another
 * digit (~2% of samples spread over 9 classes for MNIST) does not.
 */
export const DEFAULT_MIN_FRACTION_OF_UNIFORM = 0.1;

/** Floor on the reference histogram in the KL, so a class absent from it gives a large but finite value. */
const KL_FLOOR = 1e-6;

export interface ClassCoverageOptions {
  /**
   * The data's class histogram (counts or fractions, length numClasses) that the KL compares
   * against. Default: uniform.
   */
  reference?: ArrayLike<number>;
  /** Fraction of samples a class needs to count as covered (default 0.1 / numClasses). */
  minFraction?: number;
}

export interface ClassCoverage {
  /** Fraction of samples predicted as each class (argmax), length numClasses; sums to 1. */
  predictedHistogram: number[];
  /** Classes with at least minFraction of the samples. */
  coveredClasses: number;
  /** coveredClasses / numClasses, in [1/K, 1] for a non-empty set. */
  coverage: number;
  minFraction: number;
  /** KL(predicted histogram || reference histogram) in nats; 0 when the mixes match. */
  classKl: number;
  /**
   * exp(E_x KL(p(y|x) || p(y))) over all samples as one split: between 1 (every sample gets
   * the same prediction, or predictions are maximally unsure) and numClasses (confident and
   * evenly spread). Same formula as the Inception Score, different classifier.
   */
  inceptionScore: number;
}

/** Class coverage of softmax outputs `probabilities` ([count, numClasses] row-major). */
export function classCoverage(
  probabilities: ArrayLike<number>,
  numClasses: number,
  opts: ClassCoverageOptions = {},
): ClassCoverage {
  const k = numClasses;
  if (!Number.isInteger(k) || k < 1) throw new Error(`numClasses must be a positive integer, got ${k}`);
  if (probabilities.length % k !== 0)
    throw new Error(`${probabilities.length} values are not rows of ${k} classes`);
  const n = probabilities.length / k;
  if (n === 0) throw new Error('class coverage needs at least one sample');
  const minFraction = opts.minFraction ?? DEFAULT_MIN_FRACTION_OF_UNIFORM / k;
  if (!(minFraction >= 0 && minFraction <= 1))
    throw new Error(`minFraction must be in [0, 1], got ${minFraction}`);

  const counts = new Float64Array(k);
  const marginal = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    counts[argmax(probabilities, i * k, k)]++;
    for (let c = 0; c < k; c++) marginal[c] += probabilities[i * k + c];
  }
  const predictedHistogram = Array.from(counts, (c) => c / n);
  let coveredClasses = 0;
  for (const f of predictedHistogram) if (f > 0 && f >= minFraction) coveredClasses++;

  const reference = normalise(opts.reference ?? new Float64Array(k).fill(1), k);
  let classKl = 0;
  for (let c = 0; c < k; c++) {
    const p = predictedHistogram[c];
    if (p > 0) classKl += p * Math.log(p / Math.max(reference[c], KL_FLOOR));
  }

  // p(y) is the mean of the (softmax) rows; each row's KL to it, averaged, exponentiated.
  let totalSum = 0;
  for (let c = 0; c < k; c++) totalSum += marginal[c];
  const logMarginal = Array.from(marginal, (m) => Math.log(m / totalSum));
  let meanKl = 0;
  for (let i = 0; i < n; i++) {
    let rowSum = 0;
    for (let c = 0; c < k; c++) rowSum += probabilities[i * k + c];
    let kl = 0;
    for (let c = 0; c < k; c++) {
      const p = probabilities[i * k + c] / rowSum;
      if (p > 0) kl += p * (Math.log(p) - logMarginal[c]);
    }
    meanKl += kl / n;
  }

  return {
    predictedHistogram,
    coveredClasses,
    coverage: coveredClasses / k,
    minFraction,
    classKl: Math.max(0, classKl),
    inceptionScore: Math.exp(Math.max(0, meanKl)),
  };
}

/** Class histogram (fractions) of integer labels. */
export function labelHistogram(labels: ArrayLike<number>, numClasses: number): number[] {
  const counts = new Array<number>(numClasses).fill(0);
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i];
    if (!Number.isInteger(l) || l < 0 || l >= numClasses)
      throw new Error(`label ${l} is outside 0..${numClasses - 1}`);
    counts[l]++;
  }
  return counts.map((c) => (labels.length > 0 ? c / labels.length : 0));
}

function normalise(h: ArrayLike<number>, k: number): Float64Array {
  if (h.length !== k) throw new Error(`reference histogram has ${h.length} classes, expected ${k}`);
  let sum = 0;
  for (let c = 0; c < k; c++) {
    if (!(h[c] >= 0)) throw new Error(`reference histogram entry ${h[c]} is not a non-negative number`);
    sum += h[c];
  }
  if (sum <= 0) throw new Error('reference histogram is all zeros');
  return Float64Array.from({ length: k }, (_, c) => h[c] / sum);
}

/** Index of the largest of values[offset .. offset + length); ties go to the lower index. */
export function argmax(values: ArrayLike<number>, offset: number, length: number): number {
  let best = 0;
  for (let j = 1; j < length; j++) if (values[offset + j] > values[offset + best]) best = j;
  return best;
}
