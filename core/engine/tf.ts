/**
 * tfjs-core with every op's gradient registered. Import tf from here, not from
 * '@tensorflow/tfjs-core' directly: the core package's Node build registers no gradients
 * (they ship in @tensorflow/tfjs's Node build, which the native backends load anyway).
 */
import '@tensorflow/tfjs';
import { registerGradientOverrides } from './gradients';

registerGradientOverrides();

export * from '@tensorflow/tfjs-core';
