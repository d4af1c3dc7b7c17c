/**
 * Latest-wins request runner for live edits while a slider is dragged: at most one request
 * is in flight; while it runs, newer inputs replace each other in a single pending slot, so
 * stale inputs are never sent and the image always converges to the last slider position.
 */
export class LatestWins<I, R> {
  private inFlight = false;
  private pending: { input: I } | null = null;
  private waiters: (() => void)[] = [];

  constructor(
    private readonly run: (input: I) => Promise<R>,
    private readonly onResult: (result: R, input: I) => void,
    private readonly onError: (err: unknown, input: I) => void = () => {},
  ) {}

  get busy(): boolean {
    return this.inFlight;
  }

  submit(input: I): void {
    if (this.inFlight) {
      this.pending = { input };
      return;
    }
    void this.start(input);
  }

  /** Drops a pending input (e.g. on reset) without touching the request in flight. */
  dropPending(): void {
    this.pending = null;
  }

  /** Resolves once nothing is in flight or pending. */
  idle(): Promise<void> {
    if (!this.inFlight) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private async start(input: I): Promise<void> {
    this.inFlight = true;
    try {
      const result = await this.run(input);
      this.onResult(result, input);
    } catch (err) {
      this.onError(err, input);
    }
    const next = this.pending;
    this.pending = null;
    if (next) {
      void this.start(next.input);
      return;
    }
    this.inFlight = false;
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}
