/**
 * `npm start`: launch the desktop app with the Electron binary, or explain plainly how to get it.
 * The electron package's main export is the binary's path and throws when the download was skipped.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const MISSING_MESSAGE = `Custos: the Electron binary is not installed, so the desktop window cannot start.

This checkout skips Electron's download (package.json "allowScripts": electron is false).
To fetch it, on a machine that can reach Electron's release downloads:
  node node_modules/electron/install.js       (runs Electron's own download once)
or allow it for good: set "electron": true under "allowScripts", then  npm rebuild electron
or, without installing:  npx electron dist/main/app/main.js
Then run  npm start  again.

Meanwhile the same workbench runs in your browser:
  npm run serve      (prints a one-time http://127.0.0.1 link)
`;

/** The Electron executable's path, or null when the package or its binary is missing. */
export function findElectronBinary(): string | null {
  try {
    const require = createRequire(import.meta.url);
    const path: unknown = require('electron');
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

function main(): void {
  const binary = findElectronBinary();
  if (!binary) {
    process.stderr.write(MISSING_MESSAGE);
    process.exit(1);
  }
  const appEntry = join(dirname(fileURLToPath(import.meta.url)), '..', 'app', 'main.js');
  const child = spawn(binary, [appEntry, ...process.argv.slice(2)], { stdio: 'inherit', env: { ...process.env, ELECTRON_RUN_AS_NODE: undefined } });
  child.on('error', (error) => {
    process.stderr.write(`Custos: could not start Electron (${binary}): ${error.message}\n`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

main();
