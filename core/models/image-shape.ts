/**
 * The image sizes the DCGAN models support and the resolution ladder both networks walk:
 * G starts from a small square and doubles it per transposed conv, D halves it per strided conv.
 */

export interface ImageShape {
  height: 28 | 32 | 64;
  width: 28 | 32 | 64;
  channels: 1 | 3;
}

/** Layout of the ladder: base resolution and how many stride-2 steps reach the image. */
export interface Ladder {
  /** Side of G's first feature map (after the dense layer) and of D's last one. */
  base: number;
  /** Stride-2 (transposed) convolutions between base and the image size. */
  steps: number;
}

/**
 * 28 -> 7 and 32 -> 8 in two steps (DCGAN on MNIST / CIFAR); 64 -> 4 in four steps (DCGAN on
 * CelebA), so G's dense layer stays small: 4x4x(8 width) rather than 16x16x(2 width).
 */
export function ladderOf(shape: ImageShape): Ladder {
  assertImageShape(shape);
  return shape.height === 64 ? { base: 4, steps: 4 } : { base: shape.height / 4, steps: 2 };
}

export function assertImageShape(shape: ImageShape): void {
  const sides = [28, 32, 64];
  if (!sides.includes(shape.height) || shape.width !== shape.height) {
    throw new Error(
      `image shape must be square 28, 32 or 64 pixels, got ${shape.height}x${shape.width}; resize the dataset`,
    );
  }
  if (shape.channels !== 1 && shape.channels !== 3) {
    throw new Error(`image channels must be 1 (gray) or 3 (RGB), got ${shape.channels}`);
  }
}
