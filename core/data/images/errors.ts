/** What went wrong with an image file, so callers can group or filter without parsing text. */
export type ImageErrorKind =
  | 'unreadable' // the file system refused (permissions, vanished, not a regular file)
  | 'empty' // zero bytes
  | 'format' // not PNG or JPEG
  | 'corrupt' // PNG or JPEG, but truncated or damaged
  | 'too-small' // smaller than the minimum side
  | 'aspect' // too elongated to center-crop usefully
  | 'too-large'; // over the pixel or decoder-memory limit

/**
 * A user-facing image problem. `reason` is one line without the file name, suitable for a
 * preflight report row; `message` prefixes the file when one is known.
 */
export class ImageError extends Error {
  override readonly name = 'ImageError';

  constructor(
    readonly kind: ImageErrorKind,
    readonly reason: string,
    readonly file?: string,
  ) {
    super(file ? `${file}: ${reason}` : reason);
  }

  withFile(file: string): ImageError {
    return new ImageError(this.kind, this.reason, file);
  }
}

/** First line of any thrown value, so a report row never spans lines. */
export function oneLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  const line = text.split('\n', 1)[0].trim();
  return line || 'unknown error';
}
