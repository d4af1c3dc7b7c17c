/**
 * The inversion and editing commands of the CLI, on core/api/invert-service.ts:
 *
 *   gan-studio invert --run 3 --image photo.png --out inv/ [--steps 300] [--start mean|encoder|random-best]
 *   gan-studio encoder --run 3 [--steps 1500]
 *   gan-studio directions --run 3 --method pca|sefa|supervised [--k 8] [--attribute factor=x] | --list
 *   gan-studio edit --run 3 --latent inv/latent.json --set pca-1=2.5 --set d7=-1 --out edited.png
 *
 * All take [--checkpoint latest|best|STEP] [--db PATH]; invert, encoder and directions [--json].
 */
import fs from 'node:fs';
import path from 'node:path';
import { UserError } from '../../core/api/errors';
import { InvertService } from '../../core/api/invert-service';
import { readImageBytes } from '../../core/data/images/decode';
import { ImageError } from '../../core/data/images/errors';
import type { RunStore } from '../../core/store';
import { type Flags, intFlag, parseFlags, requireFlag } from './args';
import { ProgressLine } from './progress';

const out = (line: string) => process.stdout.write(`${line}\n`);
const info = (line: string) => process.stderr.write(`${line}\n`);

type Selector = 'latest' | 'best' | number;

export type OpenStore = (flags: Flags) => RunStore;

function checkpointFlag(flags: Flags): Selector | undefined {
  const raw = flags.checkpoint as string | undefined;
  if (raw === undefined) return undefined;
  if (raw === 'latest' || raw === 'best') return raw;
  if (/^\d+$/.test(raw)) return Number(raw);
  throw new UserError(`--checkpoint must be latest, best or a step number, got '${raw}'`);
}

function runFlag(flags: Flags, command: string): number {
  const runId = intFlag(flags, 'run', 1);
  if (runId === undefined) throw new UserError(`${command} needs --run ID (see \`gan-studio runs\`)`);
  return runId;
}

function bar(step: number, steps: number): string {
  const width = 24;
  const filled = Math.round((step / steps) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${step}/${steps}`;
}

/** Ctrl-C aborts the work at its next step (nothing is stored); a second one exits at once. */
function abortOnSignals(): { signal: AbortSignal; release: () => void } {
  const controller = new AbortController();
  const handler = () => {
    if (controller.signal.aborted) process.exit(130);
    controller.abort();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    signal: controller.signal,
    release: () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}

/** Runs `fn` with a service on the flags' store, then frees both. */
async function withService<T>(
  openStore: OpenStore,
  flags: Flags,
  fn: (s: InvertService) => Promise<T>,
): Promise<T> {
  const store = openStore(flags);
  const service = new InvertService(store);
  try {
    return await fn(service);
  } finally {
    service.dispose();
    store.close();
  }
}

function writeFileAtomically(file: string, data: string | Uint8Array): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    fs.writeFileSync(tmp, data);
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw new UserError(
      `cannot write ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
    );
  }
}

/** An output folder that exists or can be made (its parent must exist). */
function checkOutDir(dir: string): void {
  if (fs.existsSync(dir)) {
    if (!fs.statSync(dir).isDirectory()) throw new UserError(`--out ${dir} is a file; give a folder`);
    return;
  }
  const parent = path.dirname(path.resolve(dir));
  if (!fs.existsSync(parent)) throw new UserError(`--out ${dir}: folder ${parent} does not exist`);
}

export async function invertCommand(argv: string[], openStore: OpenStore): Promise<number> {
  const flags = parseFlags('invert', argv, {
    run: { type: 'string' },
    image: { type: 'string' },
    out: { type: 'string' },
    steps: { type: 'string' },
    checkpoint: { type: 'string' },
    start: { type: 'string' },
    db: { type: 'string' },
    json: { type: 'boolean' },
  });
  const runId = runFlag(flags, 'invert');
  const file = requireFlag(flags, 'image', 'invert');
  const dir = requireFlag(flags, 'out', 'invert');
  const steps = intFlag(flags, 'steps', 1, 10_000) ?? 300;
  const start = (flags.start as string | undefined) ?? 'mean';
  if (!['mean', 'encoder', 'random-best'].includes(start)) {
    throw new UserError(`--start must be mean, encoder or random-best, got '${start}'`);
  }
  checkOutDir(dir);
  let bytes: Buffer;
  try {
    bytes = await readImageBytes(file);
  } catch (err) {
    if (err instanceof ImageError) throw new UserError(`${file}: ${err.reason}`);
    throw err;
  }
  const progress = new ProgressLine();
  const signals = abortOnSignals();
  try {
    const inversion = await withService(openStore, flags, (service) =>
      service.invert(
        {
          runId,
          checkpoint: checkpointFlag(flags) ?? 'latest',
          imageBase64: bytes.toString('base64'),
          steps,
          start: start as 'mean' | 'encoder' | 'random-best',
        },
        {
          imageLabel: file,
          signal: signals.signal,
          onProgress: (p) =>
            progress.update(`${bar(p.step, p.steps)} loss ${p.loss.toFixed(4)} PSNR ${p.psnr.toFixed(2)} dB`),
        },
      ),
    );
    progress.done();
    fs.mkdirSync(dir, { recursive: true });
    writeFileAtomically(path.join(dir, 'target.png'), Buffer.from(inversion.targetPng, 'base64'));
    writeFileAtomically(
      path.join(dir, 'reconstruction.png'),
      Buffer.from(inversion.reconstructionPng, 'base64'),
    );
    writeFileAtomically(
      path.join(dir, 'latent.json'),
      `${JSON.stringify({
        runId,
        checkpointStep: inversion.checkpointStep,
        inversionId: inversion.id,
        latentSpace: inversion.latentSpace,
        latent: inversion.latent,
      })}\n`,
    );
    writeFileAtomically(
      path.join(dir, 'loss.csv'),
      `step,loss\n${inversion.lossCurve.map((l, i) => `${i + 1},${l}`).join('\n')}\n`,
    );
    const summary = {
      inversionId: inversion.id,
      runId,
      checkpointStep: inversion.checkpointStep,
      latentSpace: inversion.latentSpace,
      steps: inversion.steps,
      psnr: inversion.psnr,
      ssim: inversion.ssim,
      elapsedMs: Math.round(inversion.elapsedMs),
      out: dir,
    };
    if (flags.json) out(JSON.stringify(summary));
    else {
      out(
        `inversion ${inversion.id} of run ${runId} (checkpoint ${inversion.checkpointStep}, ${inversion.latentSpace}): PSNR ${inversion.psnr.toFixed(2)} dB, SSIM ${inversion.ssim.toFixed(3)} in ${(inversion.elapsedMs / 1000).toFixed(1)} s`,
      );
      out(`wrote target.png, reconstruction.png, latent.json and loss.csv to ${dir}`);
    }
    return 0;
  } catch (err) {
    if ((err as Error).name === 'AbortError') {
      progress.done();
      info('gan-studio invert: aborted; nothing was stored or written');
      return 130;
    }
    throw err;
  } finally {
    progress.done();
    signals.release();
  }
}

export async function encoderCommand(argv: string[], openStore: OpenStore): Promise<number> {
  const flags = parseFlags('encoder', argv, {
    run: { type: 'string' },
    steps: { type: 'string' },
    checkpoint: { type: 'string' },
    db: { type: 'string' },
    json: { type: 'boolean' },
  });
  const runId = runFlag(flags, 'encoder');
  const steps = intFlag(flags, 'steps', 1, 100_000);
  const progress = new ProgressLine();
  const signals = abortOnSignals();
  try {
    const result = await withService(openStore, flags, (service) =>
      service.trainEncoder(
        { runId, checkpoint: checkpointFlag(flags), steps },
        {
          signal: signals.signal,
          onProgress: (p) => progress.update(`${bar(p.step, p.steps)} loss ${p.loss.toFixed(4)}`),
        },
      ),
    );
    progress.done();
    if (flags.json) out(JSON.stringify(result));
    else {
      out(
        `encoder for run ${runId} checkpoint ${result.checkpointStep}: ${result.steps} steps, final loss ${result.loss.toFixed(4)}, ${(result.elapsedMs / 1000).toFixed(0)} s; stored`,
      );
    }
    return 0;
  } catch (err) {
    if ((err as Error).name === 'AbortError') {
      progress.done();
      info('gan-studio encoder: aborted; nothing was stored');
      return 130;
    }
    throw err;
  } finally {
    progress.done();
    signals.release();
  }
}

export async function directionsCommand(argv: string[], openStore: OpenStore): Promise<number> {
  const flags = parseFlags('directions', argv, {
    run: { type: 'string' },
    method: { type: 'string' },
    k: { type: 'string' },
    attribute: { type: 'string' },
    list: { type: 'boolean' },
    checkpoint: { type: 'string' },
    db: { type: 'string' },
    json: { type: 'boolean' },
  });
  const runId = runFlag(flags, 'directions');
  const checkpoint = checkpointFlag(flags) ?? 'latest';
  const method = flags.method as string | undefined;
  if (!flags.list && !['pca', 'sefa', 'supervised'].includes(method ?? '')) {
    throw new UserError(
      `directions needs --method pca, sefa or supervised (or --list), got '${method ?? ''}'`,
    );
  }
  const k = intFlag(flags, 'k', 1, 64) ?? 8;
  const directions = await withService(openStore, flags, (service) =>
    flags.list
      ? service.listDirections({ runId, checkpoint })
      : service.computeDirections({
          runId,
          checkpoint,
          method: method as 'pca' | 'sefa' | 'supervised',
          k,
          attribute: flags.attribute as string | undefined,
        }),
  );
  if (flags.json) out(JSON.stringify(directions));
  else {
    out(['id', 'name', 'method', 'checkpoint', 'std'].join('\t'));
    for (const d of directions) out([d.id, d.name, d.method, d.checkpointStep, d.std.toFixed(4)].join('\t'));
  }
  return 0;
}

/** A latent from a JSON file: invert's latent.json ({latent, checkpointStep}) or a bare array. */
function readLatentFile(file: string): { latent: number[]; checkpointStep?: number } {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new UserError(`--latent ${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new UserError(`--latent ${file} is not JSON; give invert's latent.json or a JSON array of numbers`);
  }
  const obj = Array.isArray(value)
    ? { latent: value }
    : (value as { latent?: unknown; checkpointStep?: unknown });
  if (!Array.isArray(obj?.latent) || !obj.latent.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    throw new UserError(`--latent ${file} has no list of finite numbers under "latent"`);
  }
  const step = typeof obj.checkpointStep === 'number' ? obj.checkpointStep : undefined;
  return { latent: obj.latent as number[], checkpointStep: step };
}

export async function editCommand(argv: string[], openStore: OpenStore): Promise<number> {
  const flags = parseFlags('edit', argv, {
    run: { type: 'string' },
    latent: { type: 'string' },
    set: { type: 'string', multiple: true },
    out: { type: 'string' },
    checkpoint: { type: 'string' },
    db: { type: 'string' },
  });
  const runId = runFlag(flags, 'edit');
  const latentFile = requireFlag(flags, 'latent', 'edit');
  const file = requireFlag(flags, 'out', 'edit');
  if (path.extname(file).toLowerCase() !== '.png') throw new UserError(`--out ${file}: use a .png file name`);
  const dir = path.dirname(path.resolve(file));
  if (!fs.existsSync(dir)) throw new UserError(`--out ${file}: folder ${dir} does not exist`);
  const alphas: Record<string, number> = {};
  for (const setting of (flags.set as string[] | undefined) ?? []) {
    const m = /^([^=]+)=(.+)$/.exec(setting);
    const alpha = m ? Number(m[2]) : Number.NaN;
    if (!m || !Number.isFinite(alpha)) {
      throw new UserError(
        `--set ${setting}: write DIRECTION=ALPHA, e.g. --set pca-1=2.5 (ids from gan-studio directions)`,
      );
    }
    alphas[m[1]] = alpha;
  }
  const { latent, checkpointStep } = readLatentFile(latentFile);
  const png = await withService(openStore, flags, (service) =>
    service.edit({ runId, checkpoint: checkpointFlag(flags) ?? checkpointStep ?? 'latest', latent, alphas }),
  );
  writeFileAtomically(file, png);
  info(`wrote ${file}`);
  return 0;
}
