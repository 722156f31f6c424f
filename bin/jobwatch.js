#!/usr/bin/env node
// The jobwatch CLI is TypeScript run through tsx, so the repository needs no build step.
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

// Pin the project's tsconfig: tsx would otherwise pick up one from the caller's directory.
register({ tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) });
const { runCli } = await import('../cli/main.ts');
const exitCode = await runCli(process.argv);

// Wait until stdout and stderr have taken everything written, then leave even if an idle
// keep-alive socket would hold the event loop open a while longer.
await Promise.all(
  [process.stdout, process.stderr].map((stream) => new Promise((resolve) => stream.write('', resolve))),
);
process.exit(exitCode);
