/**
 * The CLI contract, end to end: real `node bin/gan-studio.js` processes on the wasm backend,
 * each with its own SQLite file in a temp folder, killed and interrupted for real.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeState } from '../../core/train/state-codec';
import type { TrainingState } from '../../core/train/trainer';
import {
  type CliResult,
  checkpointSteps,
  cli,
  eventRows,
  expectOk,
  expectSameMetrics,
  lastJson,
  type MetricRow,
  metricRows,
  runCount,
  runRow,
  SMALL,
  startCli,
  waitFor,
  withDb,
} from './cli-helpers';

interface TrainJson {
  runId: number;
  status: string;
  step: number;
  backend: string;
  metrics: Record<string, number | null>;
  cause?: string;
}

interface RunsJsonRow {
  id: number;
  status: string;
  step: number;
  totalSteps: number;
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gan-cli-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const TICK_METRICS = ['T', 'dFake', 'dReal', 'lossD', 'lossG', 'p', 'rd'];
const EVAL_METRICS = ['energyDistance', 'hqFraction', 'modes', 'reverseKl'];

const multiples = (every: number, upTo: number) =>
  Array.from({ length: upTo / every }, (_, i) => (i + 1) * every);

function oneLine(result: CliResult): string {
  const lines = result.stderr.split('\n').filter((l) => l.trim() !== '');
  expect(lines, `stderr: ${result.stderr}`).toHaveLength(1);
  expect(result.stderr).not.toMatch(/^\s+at /m);
  return lines[0];
}

function latestState(file: string, runId: number): { step: number; state: Buffer } {
  return withDb(
    file,
    (db) =>
      db
        .prepare('SELECT step, state FROM checkpoints WHERE run_id = ? ORDER BY step DESC LIMIT 1')
        .get(runId) as { step: number; state: Buffer },
  );
}

describe('train, runs and sample on one finished run', () => {
  const db = path.join(tmp, 'base.db');
  const args = (seed: number, file: string) => [
    'train',
    '--preset',
    'grid25',
    '--steps',
    '300',
    '--seed',
    String(seed),
    ...SMALL,
    '--db',
    file,
    '--json',
  ];
  let trained: CliResult;

  beforeAll(async () => {
    trained = await cli(args(11, db));
  });

  it('train --json exits 0 and ends stdout with one JSON object: runId, completed at the budget, backend, final metrics', () => {
    expectOk(trained);
    const json = lastJson<TrainJson>(trained);
    expect(json.runId).toBe(1);
    expect(json.status).toBe('completed');
    expect(json.step).toBe(300);
    expect(json.backend).toMatch(/^wasm/);
    for (const name of ['modes', 'hqFraction', 'energyDistance', 'T', 'p', 'lossD', 'lossG']) {
      expect(Number.isFinite(json.metrics[name]), `metrics.${name} = ${json.metrics[name]}`).toBe(true);
    }
    // The final metrics are the stored values at the last step.
    withDb(db, (d) => {
      const last = metricRows(d, 1).filter((r) => r.step === 300);
      for (const name of ['energyDistance', 'T', 'lossD']) {
        expect(json.metrics[name]).toBe(last.find((r) => r.name === name)?.value);
      }
      expect(runRow(d, 1)).toMatchObject({ status: 'completed', step: 300, total_steps: 300, pid: null });
      expect(checkpointSteps(d, 1)).toEqual([100, 200, 300]);
    });
  });

  it('runs --json prints an array with the run: id, status and step', async () => {
    const result = await cli(['runs', '--db', db, '--json']);
    expectOk(result);
    const rows = lastJson<RunsJsonRow[]>(result);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id: 1, status: 'completed', step: 300, totalSteps: 300 });
  });

  it('the same seed reproduces every metric row exactly, and another seed gives different metrics', async () => {
    const same = path.join(tmp, 'same-seed.db');
    const other = path.join(tmp, 'other-seed.db');
    const [a, b] = await Promise.all([cli(args(11, same)), cli(args(12, other))]);
    expectOk(a);
    expectOk(b);
    const base = withDb(db, (d) => metricRows(d, 1));
    expect(base.length).toBeGreaterThan(50);
    expectSameMetrics(
      withDb(same, (d) => metricRows(d, 1)),
      base,
    );
    expect(latestState(same, 1).state.equals(latestState(db, 1).state), 'final checkpoints differ').toBe(
      true,
    );
    const different = withDb(other, (d) => metricRows(d, 1));
    const differing = different.filter((r) => {
      const mate = base.find((m) => m.name === r.name && m.step === r.step);
      return mate !== undefined && mate.value !== r.value;
    });
    // Not just a few: the losses at every tick depend on the seed.
    expect(differing.filter((r) => r.name === 'lossD')).toHaveLength(300 / 50);
  });

  describe.concurrent('sample', () => {
    const sample = (file: string, ...extra: string[]) =>
      cli(['sample', '--run', '1', '--n', '2500', '--out', path.join(tmp, file), ...extra, '--db', db]);
    const readJson = (file: string) =>
      JSON.parse(fs.readFileSync(path.join(tmp, file), 'utf8')) as { step: number; samples: number[][] };

    it('--out FILE.csv writes a header x,y and one finite point per line', async ({ expect }) => {
      const result = await sample('points.csv');
      expectOk(result);
      const lines = fs.readFileSync(path.join(tmp, 'points.csv'), 'utf8').trimEnd().split('\n');
      expect(lines).toHaveLength(2501);
      expect(lines[0]).toBe('x,y');
      const bad = lines.slice(1).filter((l) => {
        const cells = l.split(',');
        return cells.length !== 2 || !cells.every((c) => c.trim() !== '' && Number.isFinite(Number(c)));
      });
      expect(bad).toEqual([]);
    });

    it('--out FILE.png writes a valid PNG scatter', async ({ expect }) => {
      const result = await sample('points.png');
      expectOk(result);
      const bytes = fs.readFileSync(path.join(tmp, 'points.png'));
      expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
      const png = PNG.sync.read(bytes);
      expect([png.width, png.height]).toEqual([512, 512]);
    });

    it('--out FILE.json writes the requested number of samples from the latest checkpoint', async ({
      expect,
    }) => {
      const result = await sample('points.json');
      expectOk(result);
      const json = readJson('points.json');
      expect(json.step).toBe(300);
      expect(json.samples).toHaveLength(2500);
      expect(json.samples.every((p) => p.length === 2 && p.every(Number.isFinite))).toBe(true);
    });

    it('--checkpoint best samples the checkpoint with the lowest energy distance', async ({ expect }) => {
      const result = await sample('best.json', '--checkpoint', 'best');
      expectOk(result);
      const bestStep = withDb(
        db,
        (d) =>
          (
            d
              .prepare(
                'SELECT step FROM checkpoints WHERE run_id = 1 ORDER BY metric_value ASC, step DESC LIMIT 1',
              )
              .get() as { step: number }
          ).step,
      );
      expect(readJson('best.json').step).toBe(bestStep);
    });

    it('--checkpoint STEP samples that checkpoint', async ({ expect }) => {
      const result = await sample('step200.json', '--checkpoint', '200');
      expectOk(result);
      expect(readJson('step200.json').step).toBe(200);
    });

    it('--checkpoint with a step that has no checkpoint is a one-line error listing the steps there are', async ({
      expect,
    }) => {
      const result = await sample('step250.json', '--checkpoint', '250');
      expect(result.code).not.toBe(0);
      const line = oneLine(result);
      expect(line).toMatch(/250/);
      expect(line).toMatch(/100, 200, 300/);
      expect(fs.existsSync(path.join(tmp, 'step250.json'))).toBe(false);
    });

    it('an --out extension other than .csv, .png or .json is refused and no file is created', async ({
      expect,
    }) => {
      const result = await sample('points.txt');
      expect(result.code).not.toBe(0);
      expect(oneLine(result)).toMatch(/\.csv.*\.png.*\.json/);
      expect(
        fs.readdirSync(tmp).filter((f) => f.startsWith('points.txt') || f.startsWith('.points.txt')),
      ).toEqual([]);
    });
  });
});

describe.concurrent('bad input: one line on stderr, non-zero exit, no run row', () => {
  const dir = fs.mkdtempSync(path.join(tmp, 'bad-'));
  const csv = (name: string, text: string) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    return file;
  };
  const nonNumeric = csv('non-numeric.csv', 'x,y\n0.5,1\n0.25,abc\n1,2\n');
  const wideRow = csv('wide.csv', '0.5,1\n1,2\n3,4,5\n');
  const nanCell = csv('nan.csv', '0.5,1\nNaN,2\n');
  const infCell = csv('inf.csv', '0.5,1\n1,-Infinity\n');
  const empty = csv('empty.csv', '');
  const missing = path.join(dir, 'missing.csv');
  const train = (...args: string[]) => ['train', '--preset', 'grid25', '--steps', '50', ...args];
  const csvTrain = (file: string) => [
    'train',
    '--preset',
    'csv',
    '--steps',
    '50',
    '--set',
    `dataset.path=${file}`,
  ];

  const cases: { name: string; args: string[]; message: RegExp }[] = [
    { name: 'unknown preset', args: ['train', '--preset', 'nope'], message: /unknown preset 'nope'.*grid25/ },
    {
      name: 'unknown --set key',
      args: train('--set', 'generator.colour=3'),
      message: /unknown config key generator\.colour/,
    },
    {
      name: '--set value of the wrong type',
      args: train('--set', 'batch=lots'),
      message: /batch.*'lots' is not a number/,
    },
    { name: '--set value out of range', args: train('--set', 'optD.lr=5'), message: /optD\.lr/ },
    { name: '--set enum value not allowed', args: train('--set', 'loss=magic'), message: /loss.*'magic'/ },
    {
      name: 'tMin above tMax',
      args: train('--set', 'diffusion.tMin=600'),
      message: /diffusion\.tMin.*diffusion\.tMax/,
    },
    { name: 'missing --preset', args: ['train', '--steps', '50'], message: /--preset/ },
    { name: '--steps -5', args: ['train', '--preset', 'grid25', '--steps', '-5'], message: /--steps/ },
    { name: '--steps=-5', args: ['train', '--preset', 'grid25', '--steps=-5'], message: /--steps.*-5/ },
    {
      name: 'resume of a run that does not exist',
      args: ['resume', '--run', '999'],
      message: /run 999 does not exist/,
    },
    {
      name: 'sample of a run that does not exist',
      args: ['sample', '--run', '999', '--n', '10', '--out', path.join(dir, 'never.csv')],
      message: /run 999 does not exist/,
    },
    {
      name: 'CSV with a non-numeric cell names the file and line',
      args: csvTrain(nonNumeric),
      message: /non-numeric\.csv:3.*'abc'/,
    },
    {
      name: 'CSV with three columns names the file and line',
      args: csvTrain(wideRow),
      message: /wide\.csv:3.*2 columns/,
    },
    {
      name: 'CSV with NaN names the file and line',
      args: csvTrain(nanCell),
      message: /nan\.csv:2.*NaN.*finite/,
    },
    {
      name: 'CSV with -Infinity names the file and line',
      args: csvTrain(infCell),
      message: /inf\.csv:2.*Infinity.*finite/,
    },
    { name: 'empty CSV', args: csvTrain(empty), message: /empty\.csv.*no points/ },
    { name: 'missing CSV', args: csvTrain(missing), message: /missing\.csv.*no such file/ },
  ];

  it.for(cases)('$name', async ({ name, args, message }, { expect }) => {
    const db = path.join(dir, `${name.replace(/\W+/g, '-')}.db`);
    const result = await cli([...args, '--db', db]);
    expect(result.code).not.toBe(0);
    expect(result.code).not.toBeNull();
    expect(oneLine(result)).toMatch(message);
    expect(result.stdout).toBe('');
    if (fs.existsSync(db)) expect(runCount(db)).toBe(0);
    expect(fs.existsSync(path.join(dir, 'never.csv'))).toBe(false);
  });
});

describe('interrupting and resuming a run', () => {
  const N = 800;
  const SEED = 5;
  const LOG_EVERY = 50;
  const EVAL_EVERY = 100;
  const trainArgs = (file: string) => [
    'train',
    '--preset',
    'grid25',
    '--steps',
    String(N),
    '--seed',
    String(SEED),
    ...SMALL,
    // D calls most diffused reals real, so p (and T) climb steadily: a reset would show.
    '--set',
    'diffusion.dTarget=0',
    '--db',
    file,
    '--json',
  ];
  interface Finished {
    metrics: MetricRow[];
    samples: { step: number; data: Buffer }[];
    finalState: Buffer;
  }
  const finished = (file: string): Finished =>
    withDb(file, (d) => ({
      metrics: metricRows(d, 1),
      samples: d
        .prepare("SELECT step, data FROM samples WHERE run_id = 1 AND kind = 'points' ORDER BY step")
        .all() as {
        step: number;
        data: Buffer;
      }[],
      finalState: latestState(file, 1).state,
    }));

  // The uninterrupted run both interrupted runs must reproduce; trained alongside the first test.
  let reference: Promise<Finished>;
  beforeAll(() => {
    const file = path.join(tmp, 'reference.db');
    reference = cli(trainArgs(file)).then((result) => {
      expectOk(result);
      expect(lastJson<TrainJson>(result)).toMatchObject({ status: 'completed', step: N });
      return finished(file);
    });
    reference.catch(() => {}); // awaited (and reported) by the tests
  });

  it('SIGKILL mid-training, then resume: completes the budget with a sound database, every logged step once, T and p carried over, and the same metrics and weights as an uninterrupted run', async () => {
    const db = path.join(tmp, 'killed.db');
    const running = startCli(trainArgs(db));
    const seen = await waitFor('a checkpoint at step 400 or later', () =>
      withDb(db, (d) => {
        const steps = checkpointSteps(d, 1);
        return steps.length && steps[steps.length - 1] >= 400 ? steps : undefined;
      }),
    );
    running.child.kill('SIGKILL');
    const killed = await running.done;
    expect(killed.signal, `the run finished before the kill (checkpoints ${seen})`).toBe('SIGKILL');

    const before = withDb(db, (d) => {
      const steps = checkpointSteps(d, 1);
      const at = steps[steps.length - 1];
      const value = (name: string, step: number) =>
        (
          d.prepare('SELECT value FROM metrics WHERE run_id = 1 AND name = ? AND step = ?').get(name, step) as
            | { value: number }
            | undefined
        )?.value;
      return { run: runRow(d, 1), checkpoint: at, T: value('T', at), p: value('p', at) };
    });
    expect(before.run?.status).toBe('running'); // the killed process could not say otherwise
    expect(before.checkpoint).toBeLessThan(N);

    const listed = await cli(['runs', '--db', db, '--json']);
    expectOk(listed);
    expect(lastJson<RunsJsonRow[]>(listed)[0]).toMatchObject({ id: 1, status: 'interrupted' });

    const resumed = await cli(['resume', '--run', '1', '--db', db, '--json']);
    expectOk(resumed);
    expect(lastJson<TrainJson>(resumed)).toMatchObject({ runId: 1, status: 'completed', step: N });

    const after = withDb(db, (d) => ({
      integrity: d.pragma('integrity_check', { simple: true }),
      duplicates: d
        .prepare(
          'SELECT run_id, name, step, COUNT(*) AS n FROM metrics GROUP BY run_id, name, step HAVING n > 1',
        )
        .all(),
      metrics: metricRows(d, 1),
      sampleSteps: (
        d.prepare('SELECT step FROM samples WHERE run_id = 1 ORDER BY step').all() as { step: number }[]
      ).map((r) => r.step),
      run: runRow(d, 1),
      events: eventRows(d, 1),
    }));
    expect(after.integrity).toBe('ok');
    expect(after.duplicates).toEqual([]);
    expect(after.run).toMatchObject({ status: 'completed', step: N, pid: null });
    expect(after.events.map((e) => e.kind)).toEqual(['start', 'interrupted', 'resume']);
    expect(after.events[2].step).toBe(before.checkpoint);

    // Each tick metric at every multiple of logEvery exactly once; eval metrics at every evalEvery.
    const stepsOf = (name: string) => after.metrics.filter((r) => r.name === name).map((r) => r.step);
    for (const name of TICK_METRICS) expect(stepsOf(name), name).toEqual(multiples(LOG_EVERY, N));
    for (const name of EVAL_METRICS) expect(stepsOf(name), name).toEqual(multiples(EVAL_EVERY, N));
    expect(after.sampleSteps).toEqual(multiples(EVAL_EVERY, N));
    expect(after.metrics.filter((r) => r.value === null)).toEqual([]);

    // T and p continue from the checkpoint: between two ticks the controller makes at most
    // ceil(logEvery / adaInterval) adjustments of batch * adaInterval / (adaKimg * 1000) in p.
    const { tMin, tMax, adaInterval, adaKimg } = { tMin: 5, tMax: 500, adaInterval: 4, adaKimg: 100 };
    const maxDp = Math.ceil(LOG_EVERY / adaInterval) * ((64 * adaInterval) / (adaKimg * 1000));
    const maxDT = Math.ceil(maxDp * (tMax - tMin)) + 1;
    const next = (name: string) =>
      after.metrics.find((r) => r.name === name && r.step === before.checkpoint + LOG_EVERY)?.value as number;
    expect(
      before.T,
      'T at the checkpoint must be far from T_min for this check to mean anything',
    ).toBeGreaterThan(tMin + 2 * maxDT);
    expect(Math.abs(next('T') - (before.T as number))).toBeLessThanOrEqual(maxDT);
    expect(Math.abs(next('p') - (before.p as number))).toBeLessThanOrEqual(maxDp + 1e-9);

    // Resume equivalence: a periodic checkpoint is taken right after a tick, so this is exact.
    const ref = await reference;
    expectSameMetrics(after.metrics, ref.metrics);
    const samples = finished(db).samples;
    expect(samples.map((s) => s.step)).toEqual(ref.samples.map((s) => s.step));
    expect(samples.every((s, i) => s.data.equals(ref.samples[i].data))).toBe(true);
    expect(latestState(db, 1).state.equals(ref.finalState), 'final checkpoint state differs').toBe(true);
  });

  it('SIGINT during train: exits 0 within seconds as stopped with a checkpoint at that step, and resume finishes with the same metrics and weights as an uninterrupted run', async () => {
    const db = path.join(tmp, 'interrupted.db');
    const running = startCli(trainArgs(db));
    await waitFor('the run to pass step 150', () =>
      withDb(db, (d) => ((runRow(d, 1)?.step ?? 0) >= 150 ? true : undefined)),
    );
    const signalled = performance.now();
    running.child.kill('SIGINT');
    const stopped = await running.done;
    const exitMs = performance.now() - signalled;
    expectOk(stopped);
    expect(exitMs).toBeLessThan(5000);
    const json = lastJson<TrainJson>(stopped);
    expect(json).toMatchObject({ runId: 1, status: 'stopped' });
    expect(json.step).toBeGreaterThanOrEqual(150);
    expect(json.step).toBeLessThan(N);
    withDb(db, (d) => {
      expect(runRow(d, 1)).toMatchObject({ status: 'stopped', step: json.step, pid: null });
      const steps = checkpointSteps(d, 1);
      expect(steps[steps.length - 1], `checkpoints ${steps}`).toBe(json.step);
      expect(eventRows(d, 1).at(-1)).toMatchObject({ kind: 'stop', step: json.step });
    });
    // The saved state decodes and sits at the stop step.
    expect(decodeState<TrainingState>(latestState(db, 1).state).step).toBe(json.step);

    const resumed = await cli(['resume', '--run', '1', '--db', db, '--json']);
    expectOk(resumed);
    expect(lastJson<TrainJson>(resumed)).toMatchObject({ runId: 1, status: 'completed', step: N });
    expect(withDb(db, (d) => d.pragma('integrity_check', { simple: true }))).toBe('ok');

    // Stopping between ticks splits a tick's running sums across two processes; float32 sums
    // in another order may differ in the last bits, so the losses get a 1e-6 tolerance.
    const ref = await reference;
    const got = finished(db);
    expectSameMetrics(got.metrics, ref.metrics, 1e-6);
    expectSameMetrics(
      got.metrics.filter((r) => r.name === 'T' || r.name === 'p'),
      ref.metrics.filter((r) => r.name === 'T' || r.name === 'p'),
    );
    expect(
      got.finalState.equals(ref.finalState),
      `final checkpoint state differs (stopped at ${json.step})`,
    ).toBe(true);
  });
});

describe('divergence', () => {
  it('a run whose losses become non-finite stops as diverged (exit 3) with the step and cause in an event, and keeps its last good checkpoint', async () => {
    const db = path.join(tmp, 'diverged.db');
    // Adam with beta2 = 0 and lr = 1 moves every weight by about 1 per step: the MLP's output
    // grows geometrically and overflows float32 within a few steps, for any seed. A checkpoint
    // every step makes sure there is a good one before the blow-up.
    const result = await cli([
      'train',
      '--preset',
      'grid25',
      '--seed',
      '3',
      '--steps',
      '400',
      ...SMALL,
      '--set',
      'optD.lr=1',
      '--set',
      'optG.lr=1',
      '--set',
      'optD.beta2=0',
      '--set',
      'optG.beta2=0',
      '--set',
      'logEvery=1',
      '--set',
      'evalEvery=1',
      '--set',
      'checkpointEvery=1',
      '--set',
      'evalSamples=100',
      '--db',
      db,
      '--json',
    ]);
    expect(result.code, result.stderr).toBe(3);
    const json = lastJson<TrainJson>(result);
    expect(json.status).toBe('diverged');
    expect(json.cause).toMatch(/non-finite/);
    expect(json.step).toBeLessThan(400);
    withDb(db, (d) => {
      expect(runRow(d, 1)).toMatchObject({ status: 'diverged', pid: null, error: json.cause });
      const diverged = eventRows(d, 1).filter((e) => e.kind === 'diverged');
      expect(diverged).toHaveLength(1);
      expect(diverged[0].step).toBe(json.step);
      expect(diverged[0].message).toMatch(new RegExp(`step ${json.step}.*non-finite`));
      const steps = checkpointSteps(d, 1);
      expect(steps.length, 'no checkpoint before the divergence').toBeGreaterThan(0);
      expect(steps[steps.length - 1]).toBeLessThan(json.step);
    });
    const last = decodeState<TrainingState>(latestState(db, 1).state);
    for (const net of [last.g, last.d, last.ema]) {
      for (const [name, { data }] of Object.entries(net))
        expect(data.every(Number.isFinite), name).toBe(true);
    }
  });
});
