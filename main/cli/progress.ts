/** A one-line progress bar for long work, drawn only when stderr is a terminal. */
import type { LoopProgress } from '../../core/train/loop';

const WIDTH = 24;

function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--:--';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (n: number) => String(n).padStart(2, '0');
  return h ? `${h}:${pad(m)}:${pad(s % 60)}` : `${pad(m)}:${pad(s % 60)}`;
}

export function formatProgress(p: LoopProgress): string {
  const fraction = Math.min(1, p.step / p.totalSteps);
  const filled = Math.round(fraction * WIDTH);
  const bar = `${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}`;
  const eta = formatDuration((p.totalSteps - p.step) / p.stepsPerSecond);
  const t = p.lastTick;
  const extra = t ? `${t.T !== null ? ` T ${t.T}` : ''} D ${t.lossD.toFixed(3)} G ${t.lossG.toFixed(3)}` : '';
  return `[${bar}] ${p.step}/${p.totalSteps} ${p.stepsPerSecond.toFixed(0)} it/s ETA ${eta}${extra}`;
}

export class ProgressLine {
  private last = 0;
  private shown = false;

  constructor(private readonly stream: NodeJS.WriteStream = process.stderr) {}

  get enabled(): boolean {
    return Boolean(this.stream.isTTY);
  }

  update(line: string): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.last < 100) return;
    this.last = now;
    const cols = this.stream.columns || 100;
    this.stream.write(`\r${line.slice(0, cols - 1).padEnd(cols - 1)}`);
    this.shown = true;
  }

  done(): void {
    if (this.shown) this.stream.write('\n');
    this.shown = false;
  }
}
