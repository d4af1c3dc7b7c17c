/**
 * The IPC channel names shared by the Electron main process and the preload (one registry, so
 * the two sides cannot drift apart), and the reply envelope of a call: errors travel as data so
 * the renderer sees the one-line message itself, not Electron's "Error invoking remote method".
 */
import type { ApiErrorBody } from '../core/api/contract';

export const IPC = {
  /** renderer → main: invoke(method, input) → CallReply */
  call: 'studio:call',
  /** main → renderer: one StudioEvent per message */
  event: 'studio:event',
} as const;

export type CallReply = { ok: true; result: unknown } | { ok: false; error: ApiErrorBody };
