/**
 * Electron client: the preload exposes exactly `window.studio` (wire.md); a failed call
 * rejects with an Error whose message is the host's one-line message, kept as is.
 */
import type { ApiInput, ApiMethod, ApiResult, StudioClient, StudioEvent } from '../../../core/api/contract';
import { ApiError } from './api-error';

export interface PreloadStudio {
  call(method: string, input: unknown): Promise<unknown>;
  subscribe(listener: (event: StudioEvent) => void): () => void;
}

export class ElectronClient implements StudioClient {
  constructor(private readonly studio: PreloadStudio) {}

  async call<M extends ApiMethod>(method: M, input: ApiInput<M>): Promise<ApiResult<M>> {
    try {
      return (await this.studio.call(method, input ?? {})) as ApiResult<M>;
    } catch (err) {
      // Electron prefixes rejected invoke errors with "Error invoking remote method '…': ".
      const raw = err instanceof Error ? err.message : String(err);
      const message = raw.replace(/^Error invoking remote method '[^']*': (?:\w*Error: )?/, '');
      throw new ApiError(message, 'internal');
    }
  }

  subscribe(listener: (event: StudioEvent) => void): () => void {
    return this.studio.subscribe(listener);
  }
}
