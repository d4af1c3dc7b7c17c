import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import type { InversionInfo, RunSummary } from '../../../core/api/contract';
import { setClient } from '../../../renderer/src/lib/studio';
import Invert from '../../../renderer/src/pages/Invert.svelte';
import { ScriptedClient } from '../fake-client';

const PNG_1PX =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGNgAAAAAgABSK+kcQAAAABJRU5ErkJggg==';

const imageRun = {
  id: 4,
  name: 'shapes run',
  isImage: true,
  dataset: 'shapes',
  step: 200,
  status: 'completed',
} as unknown as RunSummary;

const inversion: InversionInfo = {
  id: 1,
  runId: 4,
  checkpointStep: 200,
  createdAt: '2026-11-22T10:00:00Z',
  latentSpace: 'z',
  latent: [0.1, -0.2, 0.3],
  steps: 30,
  psnr: 21.5,
  ssim: 0.8,
  elapsedMs: 900,
  targetPng: PNG_1PX,
  reconstructionPng: PNG_1PX,
  lossCurve: [0.5, 0.3],
};

describe('Invert & edit page', () => {
  it('follows an inversion job from its events, then edits with one slider per direction', async () => {
    let release: (() => void) | null = null;
    const client = new ScriptedClient({
      listRuns: () => [imageRun],
      checkpoints: () => [],
      listInversions: () => [],
      listDirections: () => [
        { id: 'pca-1', name: 'pca-1', method: 'pca', checkpointStep: 200, std: 2 },
        { id: 'pca-2', name: 'pca-2', method: 'pca', checkpointStep: 200, std: 1 },
      ],
      startInversion: () => ({ jobId: 'j1' }),
      edit: () =>
        new Promise((resolve) => {
          release = () => resolve({ mime: 'image/png', base64: PNG_1PX });
        }),
    });
    setClient(client);
    render(Invert, { props: { initialRun: '4' } });
    const file = new File([Uint8Array.from(atob(PNG_1PX), (c) => c.charCodeAt(0))], 'a.png', {
      type: 'image/png',
    });
    const input = (await screen.findByLabelText('Choose image…')) as HTMLInputElement;
    Object.defineProperty(input, 'files', { value: [file] });
    await fireEvent.change(input);
    const invert = screen.getByRole('button', { name: 'Invert' }) as HTMLButtonElement;
    await waitFor(() => expect(invert.disabled).toBe(false));
    await fireEvent.click(invert);
    await waitFor(() => expect(client.calls.some((c) => c.method === 'startInversion')).toBe(true));
    const started = client.calls.find((c) => c.method === 'startInversion')!.input as Record<string, unknown>;
    expect(started).toMatchObject({ runId: 4, checkpoint: 'latest', steps: 300, start: 'mean' });
    expect(typeof started.imageBase64).toBe('string');

    client.emit({ type: 'inversion', jobId: 'other', step: 1, steps: 30, loss: 9, psnr: 1 });
    client.emit({ type: 'inversion', jobId: 'j1', step: 10, steps: 30, loss: 0.4, psnr: 18 });
    expect((await screen.findByTestId('inversion-progress')).textContent).toContain('step 10 / 30');
    client.emit({ type: 'inversionDone', jobId: 'j1', inversion });
    const sliders = (await screen.findAllByRole('slider')).filter((s) => s.closest('.slider'));
    expect(sliders).toHaveLength(2);
    expect(sliders[0].getAttribute('min')).toBe('-6');
    expect(sliders[0].getAttribute('max')).toBe('6');

    // Dragging: the first value is sent, the rest collapse into the latest one.
    for (const v of ['1', '2', '3', '4']) await fireEvent.input(sliders[0], { target: { value: v } });
    const edits = () =>
      client.calls.filter((c) => c.method === 'edit').map((c) => (c.input as { alphas: unknown }).alphas);
    expect(edits()).toEqual([{ 'pca-1': 1, 'pca-2': 0 }]);
    release!();
    await waitFor(() => expect(edits()).toHaveLength(2));
    expect(edits()[1]).toEqual({ 'pca-1': 4, 'pca-2': 0 });
    release!();
  });

  it('shows the host error plainly when inversion is not available', async () => {
    setClient(
      new ScriptedClient({
        listRuns: () => [imageRun],
        checkpoints: () => [],
        listInversions: () => {
          throw new Error('inversion and editing are not part of this build of GAN Studio');
        },
      }),
    );
    render(Invert, { props: { initialRun: '4' } });
    expect((await screen.findByRole('alert')).textContent).toContain(
      'Could not list inversions: inversion and editing are not part of this build of GAN Studio',
    );
  });
});
