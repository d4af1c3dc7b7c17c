/** Settings for a 2D run small enough to train many steps a second in a test worker. */
export const TINY_2D = [
  'backend=wasm',
  'steps=1000000',
  'batch=32',
  'generator.width=16',
  'discriminator.width=16',
  'logEvery=20',
  'evalEvery=100000',
  'checkpointEvery=50',
  'evalSamples=100',
];
