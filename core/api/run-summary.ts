/** A stored run row as the API shows it: without the host-internal pid, with `isImage`. */
import type { RunRow } from '../store';
import { isImageDataset } from '../train/config';
import type { RunSummary } from './contract';

export function toRunSummary(row: RunRow): RunSummary {
  const { pid: _pid, ...rest } = row;
  return { ...rest, isImage: isImageDataset(row.dataset) };
}
