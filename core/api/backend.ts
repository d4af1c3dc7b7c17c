/**
 * The tfjs backend a request runs on. initBackend's failures (an explicit backend that is not
 * available here, a bad GAN_STUDIO_BACKEND or GAN_STUDIO_WASM_THREADS) are the user's to fix, so
 * they come back as one-line UserErrors to every caller: CLI commands, the services, the server.
 */
import { type ActiveBackend, type BackendChoice, initBackend } from '../engine/backend';
import { UserError } from './errors';

export async function useBackend(choice: BackendChoice): Promise<ActiveBackend> {
  try {
    return await initBackend(choice);
  } catch (err) {
    throw new UserError(err instanceof Error ? err.message : String(err));
  }
}
