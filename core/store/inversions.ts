/**
 * The `inversions` table: one row per finished GAN inversion — the target as G saw it, the
 * latent found, its reconstruction, quality figures and the loss curve — bound to the run and
 * the checkpoint step it was computed with, so the latent can be edited later with that G.
 */
import type { Statement } from 'better-sqlite3';
import { bytesOf, checkBytes, checkStep, nowIso, toJson } from './codec';
import type { Db } from './db';
import { StoreError, withRun } from './errors';

export interface InversionInput {
  checkpointStep: number;
  latentSpace: 'z' | 'w';
  latent: number[];
  steps: number;
  /** How the latent was initialised: 'mean', 'encoder' or 'random-best'. */
  start: string;
  psnr: number;
  ssim: number;
  elapsedMs: number;
  lossCurve: number[];
  /** The projector's weights and options, for the record. */
  settings: Record<string, unknown>;
  targetPng: Uint8Array;
  reconstructionPng: Uint8Array;
}

export interface InversionRow extends InversionInput {
  id: number;
  runId: number;
  createdAt: string;
}

interface Record_ {
  id: number;
  run_id: number;
  checkpoint_step: number;
  created_at: string;
  latent_space: 'z' | 'w';
  latent: string;
  steps: number;
  start: string;
  psnr: number;
  ssim: number;
  elapsed_ms: number;
  loss_curve: string;
  settings: string;
  target_png: Buffer;
  reconstruction_png: Buffer;
}

function finite(value: number, what: string): number {
  if (!Number.isFinite(value))
    throw new StoreError(`inversion ${what} must be a finite number, got ${value}`);
  return value;
}

export class Inversions {
  private readonly insertStmt: Statement;
  private readonly listStmt: Statement<[number], Record_>;
  private readonly getStmt: Statement<[number], Record_>;

  constructor(db: Db) {
    this.insertStmt = db.prepare(`
      INSERT INTO inversions (run_id, checkpoint_step, created_at, latent_space, latent, steps, start, psnr,
        ssim, elapsed_ms, loss_curve, settings, target_png, reconstruction_png)
      VALUES (@runId, @checkpointStep, @createdAt, @latentSpace, @latent, @steps, @start, @psnr,
        @ssim, @elapsedMs, @lossCurve, @settings, @targetPng, @reconstructionPng)`);
    this.listStmt = db.prepare('SELECT * FROM inversions WHERE run_id = ? ORDER BY id');
    this.getStmt = db.prepare('SELECT * FROM inversions WHERE id = ?');
  }

  /** Returns the new inversion's id. */
  add(runId: number, input: InversionInput): number {
    if (!input.latent.length || !input.latent.every(Number.isFinite)) {
      throw new StoreError('an inversion latent must be a non-empty list of finite numbers');
    }
    const params = {
      runId,
      checkpointStep: checkStep(input.checkpointStep, 'checkpoint step'),
      createdAt: nowIso(),
      latentSpace: input.latentSpace,
      latent: toJson(input.latent, 'latent'),
      steps: checkStep(input.steps, 'steps'),
      start: input.start,
      psnr: finite(input.psnr, 'PSNR'),
      ssim: finite(input.ssim, 'SSIM'),
      elapsedMs: finite(input.elapsedMs, 'time'),
      // Non-finite losses (a diverging projection) become null rather than failing the save.
      lossCurve: toJson(
        input.lossCurve.map((v) => (Number.isFinite(v) ? v : null)),
        'loss curve',
      ),
      settings: toJson(input.settings, 'settings'),
      targetPng: checkBytes(input.targetPng, 'target PNG'),
      reconstructionPng: checkBytes(input.reconstructionPng, 'reconstruction PNG'),
    };
    return withRun(runId, () => Number(this.insertStmt.run(params).lastInsertRowid));
  }

  list(runId: number): InversionRow[] {
    return this.listStmt.all(runId).map(toRow);
  }

  get(id: number): InversionRow | undefined {
    const r = this.getStmt.get(id);
    return r && toRow(r);
  }
}

function toRow(r: Record_): InversionRow {
  return {
    id: r.id,
    runId: r.run_id,
    checkpointStep: r.checkpoint_step,
    createdAt: r.created_at,
    latentSpace: r.latent_space,
    latent: JSON.parse(r.latent),
    steps: r.steps,
    start: r.start,
    psnr: r.psnr,
    ssim: r.ssim,
    elapsedMs: r.elapsed_ms,
    lossCurve: JSON.parse(r.loss_curve),
    settings: JSON.parse(r.settings),
    targetPng: bytesOf(r.target_png),
    reconstructionPng: bytesOf(r.reconstruction_png),
  };
}
