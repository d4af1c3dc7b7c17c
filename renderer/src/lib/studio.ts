/**
 * The renderer's one client, set once at start (main.ts) or by a component test, read by
 * every page. A module singleton rather than Svelte context so plain .ts helpers can use it.
 */
import type { ApiInput, ApiMethod, ApiResult, StudioClient } from '../../../core/api/contract';

let client: StudioClient | null = null;

export function setClient(next: StudioClient): void {
  client = next;
}

export function getClient(): StudioClient {
  if (!client) throw new Error('no studio client: call setClient() first');
  return client;
}

export function call<M extends ApiMethod>(method: M, input: ApiInput<M>): Promise<ApiResult<M>> {
  return getClient().call(method, input);
}
