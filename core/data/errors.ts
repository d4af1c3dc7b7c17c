/** Data that cannot be trained on, with a one-line message naming the file or what to change. */
export class DataError extends Error {
  override name = 'DataError';
}
