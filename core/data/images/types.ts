export type ImageChannels = 1 | 3;

/**
 * A whole image dataset held in memory. Arrays returned by the loaders may be shared with
 * their per-process caches, so treat them as read-only (copy before writing into them).
 */
export interface ImageSet {
  /** e.g. 'mnist', 'shapes', 'folder:/abs/path' */
  name: string;
  height: number;
  width: number;
  channels: ImageChannels;
  count: number;
  /** [count, height, width, channels], values in [-1, 1] */
  images: Float32Array;
  /** class index per image, when the dataset has classes */
  labels?: Int32Array;
  classNames?: string[];
  /** ground-truth generative factors (shapes): values is [count, names.length] */
  factors?: { names: string[]; values: Float32Array };
  /** folder datasets: files that could not be used, with a one-line reason each */
  skipped?: { file: string; reason: string }[];
}
