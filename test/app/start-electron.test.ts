import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

function electronBinaryPresent(): boolean {
  try {
    const path: unknown = createRequire(import.meta.url)('electron');
    return typeof path === 'string' && existsSync(path);
  } catch {
    return false;
  }
}

const present = electronBinaryPresent();
if (present) console.log('start-electron: the Electron binary is installed here, so the missing-binary message is not tested.');

describe('npm start without the Electron binary', () => {
  it.skipIf(present)('explains how to get Electron, suggests npm run serve, and exits non-zero without a stack trace', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'main/cli/start-electron.ts'], { encoding: 'utf8', timeout: 60_000 });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('the Electron binary is not installed');
    expect(run.stderr).toContain('node node_modules/electron/install.js');
    expect(run.stderr).toContain('npm run serve');
    expect(run.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
    expect(run.stdout).toBe('');
  });
});
