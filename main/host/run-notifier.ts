/**
 * Fans studio events out to subscribers (WebSocket clients, the Electron window), sending a
 * run's row at most once per `intervalMs` (default 250 ms: ≤ 4 events a second per run) while
 * still sending the latest state after the last change.
 */
import type { StudioEvent } from '../../core/api/contract';
import type { StudioNotifier } from '../../core/api/run-manager';
import { toRunSummary } from '../../core/api/run-summary';
import type { RunStore } from '../../core/store';

export type StudioListener = (event: StudioEvent) => void;

export class RunNotifier implements StudioNotifier {
  private readonly listeners = new Set<StudioListener>();
  private readonly lastSent = new Map<number, number>();
  private readonly pending = new Map<number, NodeJS.Timeout>();

  constructor(
    private readonly store: RunStore,
    private readonly intervalMs = 250,
  ) {}

  subscribe(listener: StudioListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: StudioEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // One broken subscriber (a closed socket) must not starve the others.
      }
    }
  }

  runChanged(runId: number): void {
    if (this.pending.has(runId)) return; // the scheduled send will read the newest row
    const wait = (this.lastSent.get(runId) ?? 0) + this.intervalMs - Date.now();
    if (wait <= 0) {
      this.send(runId);
      return;
    }
    const timer = setTimeout(() => {
      this.pending.delete(runId);
      this.send(runId);
    }, wait);
    timer.unref();
    this.pending.set(runId, timer);
  }

  runDeleted(runId: number): void {
    clearTimeout(this.pending.get(runId));
    this.pending.delete(runId);
    this.lastSent.delete(runId);
    this.emit({ type: 'runDeleted', runId });
  }

  dispose(): void {
    for (const timer of this.pending.values()) clearTimeout(timer);
    this.pending.clear();
    this.listeners.clear();
  }

  private send(runId: number): void {
    this.lastSent.set(runId, Date.now());
    const row = this.store.getRun(runId);
    if (row) this.emit({ type: 'run', run: toRunSummary(row) });
  }
}
