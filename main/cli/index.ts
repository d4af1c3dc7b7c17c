/**
 * gan-studio: train, resume, inspect and sample GAN runs from a terminal.
 *
 *   gan-studio train --preset grid25 --seed 1 [--set key=value ...] [--steps N] [--json]
 *   gan-studio resume --run 3 [--steps N]
 *   gan-studio runs [--json]
 *   gan-studio sample --run 3 --n 2500 --out points.csv      (.csv | .png | .json)
 *   gan-studio invert --run 3 --image photo.png --out inv/   (then edit inv/latent.json)
 *   gan-studio bench [--json]
 *   gan-studio config            every --set key with its default and range
 *
 * Errors print one line on stderr and exit non-zero; --json prints one JSON object on the
 * last line of stdout.
 */
import fs from 'node:fs';
import path from 'node:path';
import { useBackend } from '../../core/api/backend';
import { UserError } from '../../core/api/errors';
import { type ProgressHooks, TrainingService, type TrainResult } from '../../core/api/training-service';
import { runBench } from '../../core/bench/bench';
import { encodeGridPng } from '../../core/data/images/png-encode';
import { pointSource } from '../../core/data/points2d';
import { scatterPng } from '../../core/render/scatter-png';
import { RunStore, StoreError } from '../../core/store';
import { configFields, parseConfig } from '../../core/train/config';
import { PRESETS } from '../../core/train/presets';
import { sampleCheckpoint } from '../../core/train/sampling';
import { decodeState } from '../../core/train/state-codec';
import type { TrainingState } from '../../core/train/trainer';
import { type Flags, intFlag, parseFlags, requireFlag } from './args';
import { defaultDbPath } from './db-path';
import { directionsCommand, editCommand, encoderCommand, invertCommand } from './invert-commands';
import { formatProgress, ProgressLine } from './progress';
import { serve } from './serve';
import { start } from './start';

const HELP = `gan-studio — train GANs (Diffusion-GAN first), inspect runs, sample, invert and edit images

  train   --preset NAME [--set key=value ...] [--steps N] [--seed S] [--db PATH] [--json]
  resume  --run ID [--steps N] [--db PATH] [--json]
  runs    [--db PATH] [--json]
  sample  --run ID [--checkpoint latest|best|STEP] --n N [--seed S] --out FILE(.csv|.png|.json) [--db PATH]
  invert  --run ID --image FILE --out DIR [--steps N] [--checkpoint latest|best|STEP]
          [--start mean|encoder|random-best] [--db PATH] [--json]
          writes target.png, reconstruction.png, latent.json, loss.csv; prints PSNR / SSIM
  encoder --run ID [--steps N] [--checkpoint ...] [--db PATH] [--json]   train and store the
          checkpoint's inversion encoder (for invert --start encoder)
  directions --run ID --method pca|sefa|supervised [--k N] [--attribute factor=x|y|scale|class=K]
          [--checkpoint ...] [--db PATH] [--json]    compute and store edit directions
  directions --run ID --list [--checkpoint ...]    the checkpoint's directions and class/code sliders
  edit    --run ID --latent FILE --set DIR=ALPHA ... --out FILE.png [--checkpoint ...] [--db PATH]
          G(latent + sum ALPHA * direction); DIR is an id or name from \`directions\`, ALPHA in
          latent units (a slider spans +-3 std)
  bench   [--rounds N] [--json]   (median of N timed rounds; default 9)
  serve   [--port P] [--db PATH]  the studio in your browser (127.0.0.1 only; port 0 = any free one)
  start   [--port P] [--db PATH] [--browser]  the desktop app, or browser mode without Electron
  config  list every config key (--set) with its default and allowed values
  presets list the presets

The database defaults to $GAN_STUDIO_DB or ~/.local/share/gan-studio/studio.db.
The compute backend is chosen automatically; override with --set backend=wasm or GAN_STUDIO_BACKEND.`;

const out = (line: string) => process.stdout.write(`${line}\n`);
const info = (line: string) => process.stderr.write(`${line}\n`);

function openStore(flags: Flags): RunStore {
  const dbPath = typeof flags.db === 'string' ? flags.db : defaultDbPath();
  return RunStore.open(dbPath);
}

/** SIGINT/SIGTERM ask the loop to checkpoint and stop; a second signal exits at once. */
function stopOnSignals(): { requested: () => boolean; release: () => void } {
  let stop = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stop) process.exit(130);
    stop = true;
    info(`\n${signal}: saving a checkpoint and stopping (again to quit at once)`);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    requested: () => stop,
    release: () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}

function reportTraining(result: TrainResult, json: boolean): number {
  const m = result.metrics;
  const fmt = (v: number | null | undefined, digits = 3) =>
    v === null || v === undefined ? '-' : v.toFixed(digits);
  if (json) {
    out(
      JSON.stringify({
        runId: result.runId,
        status: result.status,
        step: result.step,
        backend: result.backend,
        metrics: m,
        ...(result.cause ? { cause: result.cause } : {}),
      }),
    );
  } else {
    const modes =
      m.modes !== undefined
        ? ` modes ${fmt(m.modes, 0)} high-quality ${fmt((m.hqFraction ?? 0) * 100, 1)}%`
        : '';
    out(
      `run ${result.runId} ${result.status} at step ${result.step} on ${result.backend}:${modes} energy distance ${fmt(m.energyDistance, 4)}`,
    );
    if (result.cause) out(result.cause);
  }
  return result.status === 'diverged' ? 3 : 0;
}

/** Runs train or resume with a progress line and Ctrl-C handling, then reports the result. */
async function runTraining(
  flags: Flags,
  start: (service: TrainingService, hooks: ProgressHooks) => Promise<TrainResult>,
): Promise<number> {
  const store = openStore(flags);
  const signals = stopOnSignals();
  const progress = new ProgressLine();
  try {
    const result = await start(new TrainingService(store), {
      onProgress: (p) => progress.update(formatProgress(p)),
      control: () => (signals.requested() ? 'stop' : 'run'),
      onStatus: (message) => info(message),
    });
    progress.done();
    return reportTraining(result, Boolean(flags.json));
  } finally {
    progress.done();
    signals.release();
    store.close();
  }
}

async function train(argv: string[]): Promise<number> {
  const flags = parseFlags('train', argv, {
    preset: { type: 'string' },
    set: { type: 'string', multiple: true },
    steps: { type: 'string' },
    seed: { type: 'string' },
    name: { type: 'string' },
    db: { type: 'string' },
    json: { type: 'boolean' },
  });
  const preset = requireFlag(flags, 'preset', 'train');
  const request = {
    preset,
    settings: (flags.set as string[] | undefined) ?? [],
    steps: intFlag(flags, 'steps', 1, 10_000_000),
    seed: intFlag(flags, 'seed', 0, 2 ** 31 - 1),
    name: flags.name as string | undefined,
  };
  return runTraining(flags, (service, hooks) => service.train(request, hooks));
}

async function resume(argv: string[]): Promise<number> {
  const flags = parseFlags('resume', argv, {
    run: { type: 'string' },
    steps: { type: 'string' },
    db: { type: 'string' },
    json: { type: 'boolean' },
  });
  const runId = intFlag(flags, 'run', 1);
  if (runId === undefined) throw new UserError('resume needs --run ID (see `gan-studio runs`)');
  const steps = intFlag(flags, 'steps', 1, 10_000_000);
  return runTraining(flags, (service, hooks) => service.resume(runId, { steps }, hooks));
}

function runs(argv: string[]): number {
  const flags = parseFlags('runs', argv, { db: { type: 'string' }, json: { type: 'boolean' } });
  const store = openStore(flags);
  try {
    store.markInterruptedRuns((pid) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch (err) {
        return (err as NodeJS.ErrnoException).code === 'EPERM';
      }
    });
    const rows = store.listRuns();
    if (flags.json) {
      out(
        JSON.stringify(
          rows.map((r) => ({
            id: r.id,
            name: r.name,
            status: r.status,
            step: r.step,
            totalSteps: r.totalSteps,
            model: r.model,
            dataset: r.dataset,
            backend: r.backend,
            seed: r.seed,
            createdAt: r.createdAt,
            bestMetric: r.bestMetric,
            bestMetricName: r.bestMetricName,
          })),
        ),
      );
      return 0;
    }
    if (!rows.length) {
      out('no runs yet: start one with `gan-studio train --preset grid25`');
      return 0;
    }
    out(['id', 'status', 'step', 'model', 'dataset', 'backend', 'created', 'name'].join('\t'));
    for (const r of rows) {
      out(
        [
          r.id,
          r.status,
          `${r.step}/${r.totalSteps}`,
          r.model,
          r.dataset,
          r.backend ?? '-',
          r.createdAt.slice(0, 16),
          r.name,
        ].join('\t'),
      );
    }
    return 0;
  } finally {
    store.close();
  }
}

/** Writes through a temporary file and a rename, so a failure never leaves half a file. */
function writeAtomically(file: string, data: string | Uint8Array): void {
  const dir = path.dirname(path.resolve(file));
  if (!fs.existsSync(dir)) throw new UserError(`--out ${file}: folder ${dir} does not exist`);
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    fs.writeFileSync(tmp, data);
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw new UserError(
      `--out ${file}: cannot write (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
    );
  }
}

async function sample(argv: string[]): Promise<number> {
  const flags = parseFlags('sample', argv, {
    run: { type: 'string' },
    checkpoint: { type: 'string' },
    n: { type: 'string' },
    seed: { type: 'string' },
    out: { type: 'string' },
    raw: { type: 'boolean' },
    db: { type: 'string' },
  });
  const runId = intFlag(flags, 'run', 1);
  if (runId === undefined) throw new UserError('sample needs --run ID (see `gan-studio runs`)');
  const n = intFlag(flags, 'n', 1, 1_000_000);
  if (n === undefined) throw new UserError('sample needs --n N (how many samples)');
  const seed = intFlag(flags, 'seed', 0, 2 ** 31 - 1) ?? 0;
  const file = requireFlag(flags, 'out', 'sample');
  const ext = path.extname(file).toLowerCase();
  if (!['.csv', '.png', '.json'].includes(ext))
    throw new UserError(`--out ${file}: use a .csv, .png or .json file name`);
  const which = (flags.checkpoint as string | undefined) ?? 'latest';
  let selector: 'latest' | 'best' | number;
  if (which === 'latest' || which === 'best') selector = which;
  else if (/^\d+$/.test(which)) selector = Number(which);
  else throw new UserError(`--checkpoint must be latest, best or a step number, got '${which}'`);

  const store = openStore(flags);
  try {
    const run = store.getRun(runId);
    if (!run) throw new UserError(`run ${runId} does not exist (see \`gan-studio runs\`)`);
    const checkpoint = store.loadCheckpoint(runId, selector);
    if (!checkpoint) {
      const steps = store.listCheckpoints(runId).map((c) => c.step);
      throw new UserError(
        steps.length
          ? `run ${runId} has no checkpoint ${which}; it has steps ${steps.join(', ')}`
          : `run ${runId} has no checkpoint yet (it saves one every ${String((run.config as { checkpointEvery?: number }).checkpointEvery ?? '?')} steps)`,
      );
    }
    const config = parseConfig(run.config);
    await useBackend(config.backend);
    const state = decodeState<TrainingState>(checkpoint.state);
    const { values, sampleShape } = sampleCheckpoint(config, state, n, seed, !flags.raw);
    const perSample = sampleShape.reduce((a, b) => a * b, 1);
    const isImage = sampleShape.length === 3;
    if (ext === '.csv') {
      // Points as x,y; images as their H*W*C pixel values, row-major, in [0, 1].
      const lines = isImage ? [] : ['x,y'];
      for (let i = 0; i < n; i++) {
        const row = values.subarray(i * perSample, (i + 1) * perSample);
        lines.push(Array.from(row, (v) => (isImage ? ((v + 1) / 2).toFixed(4) : String(v))).join(','));
      }
      writeAtomically(file, `${lines.join('\n')}\n`);
    } else if (ext === '.json') {
      const rows = Array.from({ length: n }, (_, i) =>
        Array.from(values.subarray(i * perSample, (i + 1) * perSample)),
      );
      writeAtomically(
        file,
        JSON.stringify({ runId, step: checkpoint.step, seed, sampleShape, samples: rows }),
      );
    } else if (isImage) {
      const [height, width, channels] = sampleShape;
      writeAtomically(file, encodeGridPng(values, { count: n, height, width, channels: channels as 1 | 3 }));
    } else {
      const source = config.dataset.name === 'csv' ? null : pointSource(config.dataset);
      let extent = source?.extent ?? 0;
      if (!source) for (const v of values) extent = Math.max(extent, Math.abs(v) * 1.1);
      writeAtomically(file, scatterPng(values, { extent, centers: source?.modes?.centers }));
    }
    info(`wrote ${n} samples from run ${runId} step ${checkpoint.step} to ${file}`);
    return 0;
  } finally {
    store.close();
  }
}

async function bench(argv: string[]): Promise<number> {
  const flags = parseFlags('bench', argv, {
    json: { type: 'boolean' },
    rounds: { type: 'string' },
    set: { type: 'string', multiple: true },
  });
  const rounds = intFlag(flags, 'rounds', 1, 1000);
  const backendSetting = ((flags.set as string[] | undefined) ?? []).find((s) => s.startsWith('backend='));
  const backend = await useBackend(parseConfig({ backend: backendSetting?.slice(8) ?? 'auto' }).backend);
  const progress = new ProgressLine();
  const result = runBench({
    rounds,
    onStage: (stage) => progress.update(`bench: ${stage} on ${backend.provider}...`),
  });
  progress.done();
  if (flags.json) {
    out(JSON.stringify(result));
  } else {
    out(`backend                       ${result.backend}`);
    out(`matmul 256x256x256            ${result.matmulGflops.toFixed(1)} GFLOP/s`);
    out(`Diffusion-GAN 2D step (b=256) ${result.step2dMs.toFixed(2)} ms (median step; D + G)`);
    out(`  throughput                  ${result.step2dMeanMs.toFixed(2)} ms a step (round mean)`);
    out(`  with the preset's lazy R1   ${result.step2dPresetMs.toFixed(2)} ms a step (round mean)`);
    out(`DCGAN step (b=64, 28x28)      ${result.dcganStepMs.toFixed(1)} ms`);
    out(`edit: G forward, 1 latent 64x64 ${result.editMs.toFixed(2)} ms`);
    out(`inversion, 300 steps, 28x28    ${result.invert300Ms.toFixed(0)} ms`);
    out(`tensors before/after          ${result.tensorsBefore}/${result.tensorsAfter}`);
  }
  return 0;
}

function config(): number {
  for (const { key, node } of configFields()) {
    const allowed = node.enum
      ? node.enum.join('|')
      : node.minimum !== undefined || node.maximum !== undefined
        ? `${node.type} ${node.minimum ?? ''}..${node.maximum ?? ''}`
        : (node.type ?? 'string');
    out(
      `${key.padEnd(26)} ${String(node.default ?? '-').padEnd(14)} ${allowed.padEnd(28)} ${node.description ?? ''}`,
    );
  }
  return 0;
}

function presets(): number {
  for (const [name, p] of Object.entries(PRESETS)) out(`${name.padEnd(12)} ${p.description}`);
  return 0;
}

const COMMANDS: Record<string, (argv: string[]) => number | Promise<number>> = {
  train,
  resume,
  runs,
  sample,
  invert: (argv) => invertCommand(argv, openStore),
  encoder: (argv) => encoderCommand(argv, openStore),
  directions: (argv) => directionsCommand(argv, openStore),
  edit: (argv) => editCommand(argv, openStore),
  bench,
  config,
  presets,
  serve,
  start,
};

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    out(HELP);
    return command ? 0 : 2;
  }
  const handler = COMMANDS[command];
  if (!handler) {
    info(`gan-studio: unknown command '${command}'; commands: ${Object.keys(COMMANDS).join(', ')}`);
    return 2;
  }
  try {
    return await handler(rest);
  } catch (err) {
    if (err instanceof UserError || err instanceof StoreError) {
      info(`gan-studio ${command}: ${err.message}`);
      return 2;
    }
    info(`gan-studio ${command}: unexpected error: ${(err as Error).stack ?? String(err)}`);
    return 1;
  }
}
