import { ImageError } from './errors';

export type ImageFormat = 'png' | 'jpeg';

export interface ImageHeader {
  format: ImageFormat;
  width: number;
  height: number;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * Identifies PNG/JPEG by magic bytes (extensions lie) and reads the pixel size from the header,
 * so size limits are enforced before a decoder allocates the full bitmap.
 */
export function readImageHeader(buf: Uint8Array): ImageHeader {
  if (buf.length === 0) throw new ImageError('empty', 'zero-byte file');
  if (startsWith(buf, PNG_SIGNATURE)) return readPngHeader(buf);
  if (buf.length >= 3 && buf[0] === 0xff && buf[1] === 0xd8 && buf[2] === 0xff) return readJpegHeader(buf);
  throw new ImageError('format', `not a PNG or JPEG (${describeStart(buf)})`);
}

function readPngHeader(buf: Uint8Array): ImageHeader {
  // Signature (8) + IHDR length (4) + 'IHDR' (4) + width (4) + height (4).
  if (buf.length < 24) throw new ImageError('corrupt', 'truncated or corrupt PNG: header is incomplete');
  const type = String.fromCharCode(buf[12], buf[13], buf[14], buf[15]);
  if (type !== 'IHDR') throw new ImageError('corrupt', 'truncated or corrupt PNG: first chunk is not IHDR');
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const width = view.getUint32(16);
  const height = view.getUint32(20);
  if (width === 0 || height === 0) {
    throw new ImageError('corrupt', `truncated or corrupt PNG: header says ${width}×${height}`);
  }
  return { format: 'png', width, height };
}

// SOF0..SOF15 minus DHT (C4), JPG (C8) and DAC (CC), which share the range but are not frames.
function isStartOfFrame(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

function readJpegHeader(buf: Uint8Array): ImageHeader {
  let pos = 2;
  while (pos + 4 <= buf.length) {
    if (buf[pos] !== 0xff) {
      throw new ImageError('corrupt', `truncated or corrupt JPEG: bad marker at byte ${pos}`);
    }
    const marker = buf[pos + 1];
    // Fill bytes and standalone markers carry no length field.
    if (marker === 0xff) {
      pos += 1;
      continue;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      pos += 2;
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) break; // EOI / SOS before any frame header
    const length = (buf[pos + 2] << 8) | buf[pos + 3];
    if (length < 2)
      throw new ImageError('corrupt', `truncated or corrupt JPEG: bad segment length at byte ${pos}`);
    if (isStartOfFrame(marker)) {
      if (pos + 9 > buf.length) break;
      const height = (buf[pos + 5] << 8) | buf[pos + 6];
      const width = (buf[pos + 7] << 8) | buf[pos + 8];
      if (width === 0 || height === 0) {
        throw new ImageError('corrupt', `truncated or corrupt JPEG: frame header says ${width}×${height}`);
      }
      return { format: 'jpeg', width, height };
    }
    pos += 2 + length;
  }
  throw new ImageError('corrupt', 'truncated or corrupt JPEG: no frame header before the image data');
}

function startsWith(buf: Uint8Array, bytes: number[]): boolean {
  if (buf.length < bytes.length) return false;
  for (let i = 0; i < bytes.length; i++) if (buf[i] !== bytes[i]) return false;
  return true;
}

function isBmpInfoHeader(buf: Uint8Array): boolean {
  if (buf.length < 18) return false;
  const size = buf[14] | (buf[15] << 8) | (buf[16] << 16) | (buf[17] << 24);
  return [12, 40, 52, 56, 64, 108, 124].includes(size);
}

function ascii(buf: Uint8Array, start: number, end: number): string {
  return String.fromCharCode(...buf.subarray(start, Math.min(end, buf.length)));
}

/** Names formats users commonly drop into a folder, else shows the first bytes. */
function describeStart(buf: Uint8Array): string {
  const head = ascii(buf, 0, 12);
  if (head.startsWith('GIF8')) return 'a GIF image; convert it to PNG';
  if (head.startsWith('BM') && isBmpInfoHeader(buf)) return 'a BMP image; convert it to PNG';
  if (head.startsWith('RIFF') && head.slice(8, 12) === 'WEBP')
    return 'a WebP image; convert it to PNG or JPEG';
  if (head.startsWith('II*\0') || head.startsWith('MM\0*')) return 'a TIFF image; convert it to PNG';
  if (head.slice(4, 8) === 'ftyp') return 'a HEIC/AVIF/MP4 file; convert it to JPEG or PNG';
  const first = buf.subarray(0, 8);
  const hex = Array.from(first, (b) => b.toString(16).padStart(2, '0')).join(' ');
  const text = Array.from(first, (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
  return `starts with ${hex} "${text}"`;
}
