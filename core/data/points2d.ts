/** Picks the 2D point source a config names. */
import { csvPoints } from './csv-points';
import { grid25, moons, type PointSource, ring8, swissroll } from './toy2d';

export function pointSource(dataset: { name: string; path?: string }): PointSource {
  switch (dataset.name) {
    case 'grid25':
      return grid25();
    case 'ring8':
      return ring8();
    case 'swissroll':
      return swissroll();
    case 'moons':
      return moons();
    case 'csv':
      return csvPoints(dataset.path ?? '');
    default:
      throw new Error(`unknown 2D dataset '${dataset.name}'`);
  }
}
