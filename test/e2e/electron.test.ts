/**
 * The desktop app itself, driven by Playwright's Electron support. Runs where the Electron binary
 * is installed; here (installs skip its download) it skips and says why.
 */
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron as electron } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, RESULTS_DIR } from '../../scripts/ui-harness.js';

const APP_ENTRY = join(REPO_ROOT, 'dist', 'main', 'app', 'main.js');

function skipReason(): string | null {
  let binary: unknown;
  try {
    binary = createRequire(import.meta.url)('electron');
  } catch (error) {
    return `the Electron binary is not installed (${(error as Error).message.split('\n')[0]}); see npm start's message for how to get it`;
  }
  if (typeof binary !== 'string' || !existsSync(binary)) return 'the Electron binary is not installed';
  if (!existsSync(APP_ENTRY)) return `the app is not built (${APP_ENTRY} is missing): run \`npm run build\``;
  return null;
}

const reason = skipReason();
if (reason) console.log(`Electron e2e test skipped: ${reason}`);

describe.skipIf(reason !== null)('desktop app (Electron)', () => {
  it('starts one hardened window with only the contract exposed, and shows the workbench', { timeout: 120_000 }, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'custos-electron-data-'));
    const app = await electron.launch({ args: [APP_ENTRY], env: { ...process.env, CUSTOS_DATA_DIR: dataDir } as Record<string, string> });
    try {
      const page = await app.firstWindow();
      await page.getByRole('tab', { name: /Archives/ }).waitFor({ timeout: 60_000 });
      expect(page.url()).toMatch(/^app:\/\/custos\//);
      const exposure = await page.evaluate(() => ({
        nodeRequire: typeof (globalThis as Record<string, unknown>).require,
        nodeProcess: typeof (globalThis as Record<string, unknown>).process,
        apiKeys: Object.keys((globalThis as unknown as { custos: object }).custos).sort(),
      }));
      expect(exposure.nodeRequire).toBe('undefined');
      expect(exposure.nodeProcess).toBe('undefined');
      expect(exposure.apiKeys).toEqual(['host', 'invoke', 'on', 'pathForDroppedFile']);
      const refused = await page.evaluate(() =>
        (globalThis as unknown as { custos: { invoke: (c: string, r: unknown) => Promise<unknown> } }).custos.invoke('fs.readFile', { path: '/etc/passwd' }),
      );
      expect(refused).toMatchObject({ ok: false, error: { code: 'unknown-channel' } });
      const opened = await page.evaluate(() => (globalThis as unknown as { open: (url: string) => unknown }).open('https://example.com'));
      expect(opened).toBeNull();
      expect(app.windows()).toHaveLength(1);
      mkdirSync(RESULTS_DIR, { recursive: true });
      await page.screenshot({ path: join(RESULTS_DIR, 'e2e-electron.png') });
    } finally {
      await app.close();
    }
  });
});
