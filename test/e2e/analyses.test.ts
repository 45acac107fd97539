/**
 * End to end: the analysis views in Debian Chromium against the built browser host, on the bundled
 * demo archive that the first start opens. The planted burst (assets/demo/clinic-chained/manifest.json)
 * must show as an alert, and the patient report must list its accesses with file:line links that
 * open the entry re-read from disk. Skips (with the reason) when dist/ or Chromium is missing.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWorkbench, RESULTS_DIR, uiUnavailableReason, type HostProcess } from '../../scripts/ui-harness.js';

const unavailable = uiUnavailableReason();
if (unavailable) console.log(`e2e analysis tests skipped: ${unavailable}`);

interface Planted {
  id: string;
  user?: string;
  patient?: string;
  lines: Array<{ file: string; line: number }>;
}
const manifest = JSON.parse(readFileSync(resolve('assets/demo/clinic-chained/manifest.json'), 'utf8')) as { planted: Planted[] };
const burst = manifest.planted.find((plant) => plant.id === 'burst-1')!;

describe.skipIf(unavailable !== null)('analysis views in Chromium against npm run serve', () => {
  let host: HostProcess;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    ({ host, browser, page } = await openWorkbench(pageErrors));
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await host?.stop();
  });

  it('opens all three demo archives and shows the planted burst on the Alerts view, with a count on the navigation', { timeout: 180_000 }, async () => {
    await page.getByTestId('archive-row').first().waitFor({ timeout: 60_000 });
    await expect.poll(() => page.locator('.status-busy').count(), { timeout: 90_000 }).toBe(0);
    const paths = await page.getByTestId('archive-row').allTextContents();
    for (const folder of ['clinic-chained', 'clinic-hipaa', 'assistant-selectools']) expect(paths.some((text) => text.includes(folder))).toBe(true);
    const badge = page.getByTestId('alerts-badge');
    await expect.poll(async () => Number((await badge.textContent({ timeout: 60_000 })) ?? 0), { timeout: 60_000 }).toBeGreaterThan(0);

    await page.getByRole('tab', { name: /Alerts/ }).click();
    const row = page.getByTestId('alert-row').filter({ hasText: burst.patient! }).filter({ hasText: burst.user! }).and(page.locator('[data-rule="burst"]'));
    await row.first().waitFor({ timeout: 60_000 });
    const first = burst.lines[0]!;
    expect(await row.first().getByTestId('evidence-link').first().textContent()).toBe(`${first.file}:${first.line}`);
    await page.screenshot({ path: join(RESULTS_DIR, 'e2e-alerts-demo.png') });
  });

  it('reports the planted patient with rows at the planted lines, and opens a line re-read from disk', { timeout: 120_000 }, async () => {
    await page.getByRole('tab', { name: /Patient report/ }).click();
    await page.getByLabel('Patient ids').fill(burst.patient!);
    await page.getByRole('button', { name: 'Build report' }).click();
    await page.getByTestId('access-row').first().waitFor({ timeout: 60_000 });
    const links = await page.getByTestId('access-row').getByTestId('evidence-link').allTextContents();
    for (const planted of burst.lines) expect(links).toContain(`${planted.file}:${planted.line}`);
    expect(await page.getByTestId('report-banner').textContent()).toMatch(/Completeness is unconfirmed/);
    await page.getByTestId('access-timeline').locator('canvas').waitFor();

    const first = burst.lines[0]!;
    await page.getByTestId('access-row').getByRole('button', { name: `${first.file}:${first.line}` }).first().click();
    const drawer = page.getByTestId('detail-drawer');
    await expect.poll(() => drawer.getByTestId('detail-patient').textContent(), { timeout: 15_000 }).toBe(burst.patient);
    expect(await drawer.locator('h2').textContent()).toBe(`Line ${first.line} of ${first.file}`);
    await page.screenshot({ path: join(RESULTS_DIR, 'e2e-patient-report.png') });
    await page.keyboard.press('Escape');

    const pdf = join(mkdtempSync(join(tmpdir(), 'custos-e2e-pdf-')), 'access-report.pdf');
    const panel = page.getByRole('form', { name: 'Export report' });
    await panel.getByLabel('Save to').fill(pdf);
    await panel.getByRole('button', { name: 'Export', exact: true }).click();
    await expect.poll(() => page.getByTestId('last-export').textContent(), { timeout: 60_000 }).toMatch(/access-report\.pdf.*PDF, \d+ KB, not signed/s);
    expect(readFileSync(pdf).subarray(0, 5).toString('latin1')).toBe('%PDF-');
  });

  it('closes a planted break-the-glass access with a review, and reviews retention per file', { timeout: 120_000 }, async () => {
    const btg = manifest.planted.find((plant) => plant.id === 'btg-1')!;
    const where = `${btg.lines[0]!.file}:${btg.lines[0]!.line}`;
    await page.getByRole('tab', { name: /Break-the-glass/ }).click();
    const row = page.getByTestId('btg-row').filter({ has: page.getByRole('button', { name: where, exact: true }) }).filter({ hasText: btg.patient! });
    await row.first().waitFor({ timeout: 60_000 });
    await row.first().getByRole('button', { name: 'Review' }).click();
    const dialog = page.getByRole('dialog', { name: 'Review break-the-glass access' });
    await dialog.getByLabel('Appropriate').check();
    await dialog.getByLabel('Reviewer').fill('Dana Privacy');
    await dialog.getByLabel('Review note').fill('Night emergency, documented in the chart.');
    await page.screenshot({ path: join(RESULTS_DIR, 'e2e-btg-review.png') });
    await dialog.getByRole('button', { name: 'Record review' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByLabel('Reviewed', { exact: true }).check();
    await expect.poll(() => row.first().textContent(), { timeout: 15_000 }).toMatch(/Appropriate by Dana Privacy/);
    const journal = readFileSync(join(host.dataDir, 'journal', 'evidence-journal.jsonl'), 'utf8');
    expect(journal).toContain('Dana Privacy');

    await page.getByRole('tab', { name: /Retention/ }).click();
    await expect.poll(() => page.getByTestId('retention-file').count(), { timeout: 60_000 }).toBe(10);
    expect(await page.getByTestId('retention-category').count()).toBeGreaterThan(1);
    expect(await page.getByText(/Custos never deletes or changes an archive/).count()).toBe(1);
    await page.screenshot({ path: join(RESULTS_DIR, 'e2e-retention.png'), fullPage: true });
    expect(pageErrors).toEqual([]);
  });
});
