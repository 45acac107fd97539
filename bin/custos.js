#!/usr/bin/env node
// The CLI runs the compiled core: `npm run build` first (README).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/main/cli/custos.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write('custos: not built yet. Run `npm run build` in the repository first.\n');
  process.exit(2);
}
await import(entry.href);
