/**
 * A scripted StudioClient for component tests: answers each method from a handler table,
 * records calls, and lets a test push events. (The real hosts are exercised by the e2e suite.)
 */
import type { ApiInput, ApiMethod, ApiResult, StudioClient, StudioEvent } from '../../core/api/contract';

type Handlers = { [M in ApiMethod]?: (input: ApiInput<M>) => ApiResult<M> | Promise<ApiResult<M>> };

export class ScriptedClient implements StudioClient {
  readonly calls: { method: ApiMethod; input: unknown }[] = [];
  private readonly listeners = new Set<(e: StudioEvent) => void>();

  constructor(private readonly handlers: Handlers) {}

  async call<M extends ApiMethod>(method: M, input: ApiInput<M>): Promise<ApiResult<M>> {
    this.calls.push({ method, input });
    const handler = this.handlers[method] as
      | ((i: ApiInput<M>) => ApiResult<M> | Promise<ApiResult<M>>)
      | undefined;
    if (!handler) throw new Error(`${method} is not available in this test`);
    return handler(input);
  }

  subscribe(listener: (e: StudioEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: StudioEvent): void {
    for (const l of this.listeners) l(event);
  }
}
