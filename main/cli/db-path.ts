/** Where the CLI and server keep the run database unless told otherwise. */
import os from 'node:os';
import path from 'node:path';

export function defaultDbPath(): string {
  if (process.env.GAN_STUDIO_DB) return process.env.GAN_STUDIO_DB;
  const dataHome = process.env.XDG_DATA_HOME || path.join(os.homedir(), '.local', 'share');
  return path.join(dataHome, 'gan-studio', 'studio.db');
}
