/**
 * Read side of one run for the studio: metric series in columns (cheap to append to a chart),
 * events, sample artifacts, the flipbook GIF, and checkpoint listing / pinning / deletion.
 */
import { encodeGif, pngFrame } from '../render/gif-encode';
import type { RunStore } from '../store';
import { notFound } from './api-error';
import type { BinaryResult, CheckpointSummary, EventInfo, MetricSeries, SampleInfo } from './contract';

/** Columnar series per metric name, in step order; `sinceStep` keeps only steps after it. */
export function metricSeries(
  store: RunStore,
  runId: number,
  query: { names?: string[]; sinceStep?: number },
): MetricSeries[] {
  const byName = new Map<string, MetricSeries>();
  for (const name of query.names ?? []) byName.set(name, { name, steps: [], values: [] });
  for (const point of store.metrics(runId, { names: query.names, sinceStep: query.sinceStep })) {
    let series = byName.get(point.name);
    if (!series) {
      series = { name: point.name, steps: [], values: [] };
      byName.set(point.name, series);
    }
    series.steps.push(point.step);
    series.values.push(point.value);
  }
  return [...byName.values()];
}

export function runEvents(store: RunStore, runId: number): EventInfo[] {
  return store.events(runId).map(({ id, step, time, kind, message, data }) => ({
    id,
    step,
    time,
    kind,
    message,
    data,
  }));
}

export function listSamples(store: RunStore, runId: number, kind?: string): SampleInfo[] {
  return store.listSamples(runId, kind);
}

export function loadSample(store: RunStore, runId: number, kind: string, step: number): BinaryResult {
  const sample = store.loadSample(runId, kind, step);
  if (!sample) {
    const steps = store.listSamples(runId, kind).map((s) => s.step);
    throw notFound(
      steps.length
        ? `run ${runId} has no ${kind} sample at step ${step}; it has steps ${summarize(steps)}`
        : `run ${runId} has no ${kind} samples yet`,
    );
  }
  return { mime: sample.mime, base64: Buffer.from(sample.data).toString('base64') };
}

/** The run's PNG samples of one kind in step order, one GIF frame each. */
export function samplesGif(store: RunStore, runId: number, kind: string, frameMs: number): BinaryResult {
  const infos = store.listSamples(runId, kind).filter((s) => s.mime === 'image/png');
  if (infos.length === 0) {
    throw notFound(`run ${runId} has no ${kind} images yet (image runs store a grid at every evaluation)`);
  }
  const frames = infos.map((info) => {
    const sample = store.loadSample(runId, kind, info.step);
    if (!sample) throw notFound(`run ${runId}'s ${kind} sample at step ${info.step} was just deleted`);
    return pngFrame(sample.data);
  });
  const gif = encodeGif(frames, frameMs);
  return { mime: 'image/gif', base64: Buffer.from(gif).toString('base64') };
}

export function checkpointSummaries(store: RunStore, runId: number): CheckpointSummary[] {
  return store.listCheckpoints(runId).map((c) => ({
    id: c.id,
    step: c.step,
    createdAt: c.createdAt,
    pinned: c.pinned,
    isBest: c.isBest,
    metricName: c.metricName,
    metricValue: c.metricValue,
    sizeBytes: c.sizeBytes,
  }));
}

/** The checkpoint id of a run's step, or a not-found error listing the steps it has. */
export function checkpointId(store: RunStore, runId: number, step: number): number {
  const all = store.listCheckpoints(runId);
  const found = all.find((c) => c.step === step);
  if (!found) {
    throw notFound(
      all.length
        ? `run ${runId} has no checkpoint at step ${step}; it has steps ${summarize(all.map((c) => c.step))}`
        : `run ${runId} has no checkpoints yet`,
    );
  }
  return found.id;
}

function summarize(steps: number[]): string {
  return steps.length <= 8 ? steps.join(', ') : `${steps.slice(0, 4).join(', ')}, ..., ${steps.at(-1)}`;
}
