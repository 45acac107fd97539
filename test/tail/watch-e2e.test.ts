/**
 * End to end: "Watch folder" in the real renderer (Debian Chromium) against the built browser host,
 * while a separate writer process appends to the folder. Skips (with the reason) when dist/ or
 * Chromium is missing; `npm test` builds first.
 */
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWorkbench, RESULTS_DIR, uiUnavailableReason, type HostProcess } from '../../scripts/ui-harness.js';
import { runWriter, tempDir } from './helpers.js';

const unavailable = uiUnavailableReason();
if (unavailable) console.log(`e2e watch-folder tests skipped: ${unavailable}`);

describe.skipIf(unavailable !== null)('Watch folder in Chromium against npm run serve', () => {
  let host: HostProcess;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    ({ host, browser, page } = await openWorkbench(pageErrors));
  });

  afterAll(async () => {
    await browser?.close();
    await host?.stop();
  });

  it('watches a folder being written: entries reach the index, a planted burst becomes a toast, tampering is shown on the file', { timeout: 180_000 }, async () => {
    const dir = tempDir('e2e');
    await page.getByRole('tab', { name: /Archives/ }).click();
    const panel = page.getByRole('region', { name: 'Watch folder' });
    await panel.getByLabel(/Folder the audit logs are being written to/).fill(dir);
    await panel.getByRole('button', { name: 'Watch' }).click();
    await panel.getByText(dir, { exact: true }).waitFor({ timeout: 30_000 });

    await runWriter(dir, [
      { append: { day: '2026-03-20', count: 5, startMs: Date.parse('2026-03-20T09:00:00Z') } },
      { append: { day: '2026-03-20', count: 10, user: 'dr_burst', patient: 'P-314', startMs: Date.parse('2026-03-20T10:00:00Z'), stepMs: 120_000 } },
    ]);
    const toast = page.getByLabel('New alerts').getByRole('alert').filter({ hasText: 'Burst of accesses to one patient' });
    await toast.first().waitFor({ timeout: 60_000 });
    expect(await toast.first().textContent()).toContain('P-314');
    await expect.poll(() => panel.locator('.watch-file').first().textContent(), { timeout: 30_000 }).toContain('15 entries');
    // The file is in the index with its 15 entries and an intact chain (the Archives table refreshes about once a second).
    const row = page.getByTestId('archive-row').filter({ hasText: dir });
    await expect.poll(() => row.locator('td').nth(2).textContent(), { timeout: 30_000 }).toBe('15');
    await expect.poll(() => row.textContent(), { timeout: 30_000 }).toContain('Intact');

    // Cut the file short: the file's state says so and a critical toast appears.
    const { truncateSync } = await import('node:fs');
    truncateSync(join(dir, 'audit-2026-03-20.jsonl'), 100);
    await page.getByLabel('New alerts').getByRole('alert').filter({ hasText: 'Evidence file cut short' }).first().waitFor({ timeout: 60_000 });
    await expect.poll(() => panel.locator('.watch-file').first().textContent(), { timeout: 30_000 }).toContain('Cut short');
    // The index marks the file: its chain is no longer intact.
    await expect.poll(() => row.textContent(), { timeout: 30_000 }).toContain('Broken');
    await page.screenshot({ path: join(RESULTS_DIR, 'e2e-watch-folder.png') });
    expect(pageErrors).toEqual([]);
  });
});
