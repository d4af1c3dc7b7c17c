/**
 * `gan-studio serve [--port P] [--db PATH]`: browser mode. Prints the URL with the session
 * token on stdout (`GAN Studio: http://127.0.0.1:PORT/?token=TOKEN`; tests parse that line)
 * and runs until SIGINT/SIGTERM, which pauses training runs with a checkpoint before exiting.
 */
import { fileURLToPath } from 'node:url';
import { createStudioHost } from '../host/studio-host';
import { type StudioServer, startStudioServer } from '../server/server';
import { intFlag, parseFlags } from './args';
import { defaultDbPath } from './db-path';
import { rendererIsCurrent, runScript } from './renderer-build';

export const DEFAULT_PORT = 5180;
export const RENDERER_DIR = fileURLToPath(new URL('../../dist/renderer/', import.meta.url));

export interface ServeOptions {
  port: number;
  dbPath: string;
  rendererDir?: string;
  log?(line: string): void;
}

/** Starts host + server; `stop()` pauses runs and closes everything. */
export async function serveStudio(
  options: ServeOptions,
): Promise<{ server: StudioServer; stop(): Promise<void> }> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const host = createStudioHost({ dbPath: options.dbPath, log });
  if (host.interrupted.length) {
    log(`runs ${host.interrupted.join(', ')} were left running by a process that ended: marked interrupted`);
  }
  let server: StudioServer;
  try {
    server = await startStudioServer({
      host,
      port: options.port,
      rendererDir: options.rendererDir ?? RENDERER_DIR,
    });
  } catch (err) {
    await host.close();
    throw err;
  }
  return {
    server,
    async stop() {
      await server.close();
      await host.close();
    },
  };
}

export async function serve(argv: string[]): Promise<number> {
  const flags = parseFlags('serve', argv, { port: { type: 'string' }, db: { type: 'string' } });
  const port = intFlag(flags, 'port', 0, 65_535) ?? DEFAULT_PORT;
  const dbPath = typeof flags.db === 'string' ? flags.db : defaultDbPath();
  if (!rendererIsCurrent(RENDERER_DIR)) runScript('build:renderer');
  const { server, stop } = await serveStudio({ port, dbPath });
  process.stdout.write(`GAN Studio: ${server.url}\n`);
  process.stderr.write(`database ${dbPath}; Ctrl-C pauses training runs (with a checkpoint) and quits\n`);
  await untilSignal(stop);
  return 0;
}

/** Waits for SIGINT/SIGTERM, then runs `stop` (pausing runs); a second signal exits at once. */
export function untilSignal(stop: () => Promise<void>): Promise<void> {
  return new Promise<void>((resolve) => {
    let stopping = false;
    const onSignal = () => {
      if (stopping) process.exit(130);
      stopping = true;
      process.stderr.write('\nstopping: pausing training runs with a checkpoint (again to quit at once)\n');
      stop().then(resolve, resolve);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
