import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../../../core/api/contract';
import { setClient } from '../../../renderer/src/lib/studio';
import Runs from '../../../renderer/src/pages/Runs.svelte';
import { ScriptedClient } from '../fake-client';

function run(id: number, status: RunSummary['status'], name: string): RunSummary {
  return {
    id,
    name,
    preset: 'grid25',
    model: 'diffusion-gan',
    dataset: 'grid25',
    config: {},
    status,
    step: 100 * id,
    totalSteps: 1000,
    backend: 'wasm',
    seed: 1,
    tags: [],
    notes: '',
    error: null,
    bestMetric: null,
    bestMetricName: null,
    createdAt: '2026-11-22T10:00:00Z',
    updatedAt: '2026-11-22T10:00:00Z',
    startedAt: null,
    finishedAt: null,
    elapsedMs: 0,
    isImage: false,
  };
}

describe('Runs page', () => {
  it('says how to start when there are no runs', async () => {
    setClient(new ScriptedClient({ listRuns: () => [] }));
    render(Runs);
    expect((await screen.findByText('No runs yet.')).closest('p')?.textContent).toContain('grid25');
  });

  it('offers Resume only on paused/stopped/interrupted runs and deletes only after confirmation', async () => {
    let runs = [run(1, 'running', 'alpha'), run(2, 'paused', 'beta'), run(3, 'interrupted', 'gamma')];
    const client = new ScriptedClient({
      listRuns: () => runs,
      deleteRun: ({ runId }) => {
        runs = runs.filter((r) => r.id !== runId);
        return { deleted: true };
      },
    });
    setClient(client);
    render(Runs);
    const table = await screen.findByTestId('runs-table');
    const rows = () => within(table).getAllByRole('row').slice(1);
    expect(rows()).toHaveLength(3);
    expect(within(rows()[0]).queryByRole('button', { name: 'Resume' })).toBeNull();
    expect(within(rows()[1]).getByRole('button', { name: 'Resume' })).toBeTruthy();
    expect(within(rows()[2]).getByRole('button', { name: 'Resume' })).toBeTruthy();
    expect((within(rows()[0]).getByRole('button', { name: 'Delete' }) as HTMLButtonElement).disabled).toBe(
      true,
    );

    await fireEvent.click(within(rows()[1]).getByRole('button', { name: 'Delete' }));
    expect(client.calls.some((c) => c.method === 'deleteRun')).toBe(false);
    const dialog = screen.getByRole('dialog', { hidden: true });
    expect(dialog.textContent).toContain('Delete run “beta” (#2)');
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Delete', hidden: true }));
    await waitFor(() => expect(rows()).toHaveLength(2));
    expect(client.calls.filter((c) => c.method === 'deleteRun').map((c) => c.input)).toEqual([{ runId: 2 }]);
  });

  it("applies a 'run' event to its row", async () => {
    const client = new ScriptedClient({ listRuns: () => [run(1, 'running', 'alpha')] });
    setClient(client);
    render(Runs);
    await screen.findByTestId('runs-table');
    client.emit({ type: 'run', run: { ...run(1, 'completed', 'alpha'), step: 1000 } });
    await waitFor(() => expect(screen.getByText('completed')).toBeTruthy());
    expect(screen.getByText('1,000 / 1,000')).toBeTruthy();
  });
});
