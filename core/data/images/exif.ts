/**
 * EXIF orientation (tag 0x0112) from jpeg-js's `exifBuffer`, so phone photos stored sideways
 * are used the way they are displayed. Any malformed EXIF reads as 1 (as stored): orientation
 * is a nicety, never a reason to reject an image.
 */
export function exifOrientation(exif: Uint8Array | undefined): number {
  if (!exif) return 1;
  // jpeg-js strips 'Exif\0' but leaves the second padding NUL before the TIFF header.
  const t = exif[0] === 0 ? 1 : 0;
  if (exif.length < t + 8) return 1;
  const little = exif[t] === 0x49 && exif[t + 1] === 0x49; // 'II'
  const big = exif[t] === 0x4d && exif[t + 1] === 0x4d; // 'MM'
  if (!little && !big) return 1;
  const u16 = (p: number) => (little ? exif[p] | (exif[p + 1] << 8) : (exif[p] << 8) | exif[p + 1]);
  const u32 = (p: number) =>
    little
      ? (exif[p] | (exif[p + 1] << 8) | (exif[p + 2] << 16) | (exif[p + 3] << 24)) >>> 0
      : ((exif[p] << 24) | (exif[p + 1] << 16) | (exif[p + 2] << 8) | exif[p + 3]) >>> 0;
  if (u16(t + 2) !== 42) return 1;
  const ifd = t + u32(t + 4);
  if (ifd + 2 > exif.length) return 1;
  const entries = u16(ifd);
  for (let i = 0; i < entries; i++) {
    const e = ifd + 2 + i * 12;
    if (e + 12 > exif.length) return 1;
    if (u16(e) === 0x0112) {
      const value = u16(e + 8);
      return value >= 1 && value <= 8 ? value : 1;
    }
  }
  return 1;
}

/**
 * Applies an EXIF orientation to a square [n, n, C] image. Applying it after the center crop
 * is equivalent to applying it before (the crop is centered), and costs size² instead of W×H.
 */
export function orientSquare(
  src: Float32Array,
  n: number,
  channels: number,
  orientation: number,
): Float32Array {
  if (orientation <= 1 || orientation > 8) return src;
  const out = new Float32Array(src.length);
  const m = n - 1;
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      // Displayed pixel (r, c) comes from stored pixel (sr, sc).
      let sr = r;
      let sc = c;
      switch (orientation) {
        case 2:
          sc = m - c;
          break;
        case 3:
          sr = m - r;
          sc = m - c;
          break;
        case 4:
          sr = m - r;
          break;
        case 5:
          sr = c;
          sc = r;
          break;
        case 6:
          sr = m - c;
          sc = r;
          break;
        case 7:
          sr = m - c;
          sc = m - r;
          break;
        case 8:
          sr = c;
          sc = m - r;
          break;
      }
      const d = (r * n + c) * channels;
      const s = (sr * n + sc) * channels;
      for (let k = 0; k < channels; k++) out[d + k] = src[s + k];
    }
  }
  return out;
}
