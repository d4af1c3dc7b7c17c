// Worker-thread entry for source checkouts: registers the TypeScript loader the way
// bin/gan-studio.js does, then runs the training worker. Packaged builds bundle
// run-worker.ts to plain JavaScript instead and start that file directly.
import { register } from 'tsx/esm/api';

register();
await import('./run-worker.ts');
