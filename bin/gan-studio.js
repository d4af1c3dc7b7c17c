#!/usr/bin/env node
// gan-studio command-line entry: registers the TypeScript loader, then runs main/cli.
//   gan-studio train --preset grid25 --seed 1
//   gan-studio runs
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../main/cli/index.ts');
process.exitCode = await main(process.argv.slice(2));
