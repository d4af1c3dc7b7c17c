/** Types for the GIF decoder (`omggif`, MIT, no bundled types) the tests check encoded GIFs with. */
declare module 'omggif' {
  export class GifReader {
    constructor(buf: Uint8Array);
    width: number;
    height: number;
    numFrames(): number;
    frameInfo(index: number): { width: number; height: number; delay: number; has_local_palette: boolean };
    decodeAndBlitFrameRGBA(index: number, pixels: Uint8Array): void;
  }
}
