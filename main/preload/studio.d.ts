/**
 * The one object the Electron preload puts on `window` (absent in browser mode). The renderer
 * references this file (`/// <reference path=".../main/preload/studio.d.ts" />`) to type it.
 */
import type { StudioClient } from '../../core/api/contract';

declare global {
  interface Window {
    studio?: StudioClient;
  }
}
