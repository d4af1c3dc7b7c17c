export {
  checkDimensions,
  DEFAULT_MAX_MEMORY_MB,
  DEFAULT_MAX_PIXELS,
  DEFAULT_MIN_SIDE,
  type DecodedImage,
  type DecodeLimits,
  type DimensionLimits,
  decodeImage,
  type ImageToArrayOptions,
  imageFromBuffer,
  loadImageFile,
  readImageBytes,
} from './decode';
export { ImageError, type ImageErrorKind } from './errors';
export {
  clearFolderCache,
  DEFAULT_MAX_ASPECT,
  type LoadFolderOptions,
  loadFolder,
  type PreflightReport,
  type ScanOptions,
  scanFolder,
} from './folder';
export { type ImageFormat, type ImageHeader, readImageHeader } from './header';
export { loadMnist, MNIST_CLASS_NAMES, type MnistOptions, type MnistSplit } from './mnist';
export { encodeGridPng, type GridOptions } from './png-encode';
export {
  centerCropSquare,
  type Kernel,
  type RgbaImage,
  resampleKernel,
  resize,
  rgbaToSquare,
} from './resize';
export { makeShapes, SHAPE_FACTOR_NAMES, SHAPE_NAMES, type ShapesOptions } from './shapes';
export type { ImageChannels, ImageSet } from './types';
