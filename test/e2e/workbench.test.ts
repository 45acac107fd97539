/**
 * End to end: the built browser host and the real renderer in Debian Chromium, with the real
 * backend behind them. Skips (with the reason) when dist/ or Chromium is missing; `npm test` builds first.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeArchive, type Manifest } from '../../main/core/fixtures/index.js';
import { openWorkbench, RESULTS_DIR, uiUnavailableReason, type HostProcess } from '../../scripts/ui-harness.js';

const unavailable = uiUnavailableReason();
if (unavailable) console.log(`e2e workbench tests skipped: ${unavailable}`);

describe.skipIf(unavailable !== null)('workbench in Chromium against npm run serve', () => {
  let host: HostProcess;
  let browser: Browser;
  let page: Page;
  let tamperedDir: string;
  let manifest: Manifest;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    tamperedDir = mkdtempSync(join(tmpdir(), 'custos-e2e-tampered-'));
    manifest = await writeArchive(tamperedDir, { format: 'chained', seed: 11, entries: 400, tamper: 'modify-field' });
    ({ host, browser, page } = await openWorkbench(pageErrors));
  });

  /** Opens a path through the Archives view's path field and waits until its files are listed. */
  async function openThroughPathField(path: string): Promise<void> {
    await page.getByRole('tab', { name: /Archives/ }).click();
    await page.getByLabel(/Path to an audit log file/).fill(path);
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    await page.getByTestId('archive-row').filter({ hasText: path }).first().waitFor({ timeout: 30_000 });
    await expect.poll(() => page.locator('.status-busy').count(), { timeout: 60_000 }).toBe(0);
  }

  afterAll(async () => {
    await browser?.close();
    await host?.stop();
  });

  it('opens the bundled demo archive on first start', { timeout: 120_000 }, async () => {
    await page.getByTestId('archive-row').first().waitFor({ timeout: 30_000 });
    await expect.poll(() => page.locator('.status-busy').count(), { timeout: 60_000 }).toBe(0);
    const rows = await page.getByTestId('archive-row').count();
    expect(rows).toBeGreaterThan(0);
    await expect.poll(() => page.locator('.statusbar').textContent(), { timeout: 30_000 }).toMatch(/\d+ files? open · [\d,]+ entries/);
    expect(await page.getByTestId('status-integrity').textContent()).toMatch(/Integrity: (Intact|Broken|Unchained)/);
    await page.screenshot({ path: join(RESULTS_DIR, 'e2e-archives-demo.png') });
  });

  it('opens a tampered archive and shows the finding at the right line with its neighbours', { timeout: 120_000 }, async () => {
    const expected = manifest.tamper!.expected[0]!;
    const filePath = join(tamperedDir, expected.file);
    await openThroughPathField(tamperedDir);
    await expect.poll(() => page.getByTestId('status-integrity').textContent(), { timeout: 30_000 }).toBe('Integrity: Broken');

    await page.getByRole('tab', { name: /Integrity/ }).click();
    const item = page.getByTestId('finding-item').filter({ hasText: `${expected.file.split('/').pop()}:${expected.line}` }).filter({ hasText: expected.kind });
    await item.first().click();
    const detail = page.getByTestId('finding-detail');
    await expect.poll(() => detail.getByTestId('finding-line').textContent()).toBe(String(expected.line));
    expect(await detail.textContent()).toContain(filePath);
    const highlighted = detail.locator('.context-line--finding');
    await highlighted.waitFor({ timeout: 15_000 });
    const lines = readFileSync(filePath, 'utf8').split('\n');
    expect(await highlighted.locator('th').textContent()).toBe(String(expected.line));
    expect(await highlighted.locator('td').textContent()).toBe(lines[expected.line! - 1]);
    expect(await detail.locator('.context-lines tr').count()).toBeGreaterThan(1);
    await page.screenshot({ path: join(RESULTS_DIR, 'e2e-integrity-tampered.png') });
  });

  it('filters the Explorer by patient and opens the entry detail re-read from disk', { timeout: 120_000 }, async () => {
    const patient = manifest.planted.find((plant) => plant.kind === 'burst' && plant.patient)?.patient;
    expect(patient).toBeTruthy();
    await openThroughPathField(tamperedDir);
    await page.getByRole('tab', { name: /Explorer/ }).click();
    const totalText = page.getByTestId('explorer-total');
    await expect.poll(() => totalText.textContent(), { timeout: 30_000 }).toMatch(/^[\d,]+ matching entries$/);
    const unfiltered = Number((await totalText.textContent())!.replace(/\D/g, ''));

    await page.getByLabel('Patient', { exact: true }).fill(patient!);
    await page.getByLabel('Patient', { exact: true }).press('Enter');
    // "Querying…" shows while the filtered count is on its way: wait for an actual count.
    const shownTotal = async () => {
      const match = /^([\d,]+) matching entries$/.exec((await totalText.textContent()) ?? '');
      return match ? Number(match[1]!.replace(/,/g, '')) : Number.NaN;
    };
    // The planted burst has at least 10 accesses; the filtered count must settle below the total.
    await expect.poll(async () => { const shown = await shownTotal(); return shown >= 10 && shown < unfiltered; }, { timeout: 30_000 }).toBe(true);
    await page.getByTestId('entry-row').first().waitFor();
    const patients = await page.getByTestId('entry-row').evaluateAll((rows) => rows.map((row) => row.children[3]?.textContent));
    expect(patients.length).toBeGreaterThan(0);
    expect(new Set(patients)).toEqual(new Set([patient]));

    await page.getByTestId('entry-row').first().click();
    const drawer = page.getByTestId('detail-drawer');
    await expect.poll(() => drawer.getByTestId('detail-patient').textContent(), { timeout: 15_000 }).toBe(patient);
    expect(await drawer.locator('.code-block--raw').textContent()).toContain(patient!);
    await page.screenshot({ path: join(RESULTS_DIR, 'e2e-explorer-detail.png') });
    await page.keyboard.press('Escape');
    await expect.poll(() => drawer.count()).toBe(0);
  });

  it('zooms the time filter by dragging across the histogram', { timeout: 120_000 }, async () => {
    await page.getByRole('tab', { name: /Explorer/ }).click();
    await page.getByRole('button', { name: 'Clear filters' }).click();
    const totalText = page.getByTestId('explorer-total');
    const shownTotal = async () => {
      const match = /^([\d,]+) matching entries$/.exec((await totalText.textContent()) ?? '');
      return match ? Number(match[1]!.replace(/,/g, '')) : Number.NaN;
    };
    await expect.poll(shownTotal, { timeout: 30_000 }).toBeGreaterThan(0);
    const unfiltered = await shownTotal();
    const plot = page.locator('.histogram-chart .u-over');
    await plot.waitFor({ timeout: 30_000 });
    const box = (await plot.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.05, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height / 2, { steps: 8 });
    await page.mouse.up();
    await expect.poll(() => page.getByLabel('From (UTC)').inputValue(), { timeout: 15_000 }).not.toBe('');
    expect(await page.getByLabel('To (UTC)').inputValue()).not.toBe('');
    await expect.poll(async () => { const shown = await shownTotal(); return shown > 0 && shown < unfiltered; }, { timeout: 30_000 }).toBe(true);
    await page.screenshot({ path: join(RESULTS_DIR, 'e2e-explorer-zoomed.png') });
    await page.getByRole('button', { name: 'Reset time range' }).click();
    await expect.poll(shownTotal, { timeout: 30_000 }).toBe(unfiltered);
  });

  it('reports a path that does not exist and keeps the other archives open', { timeout: 120_000 }, async () => {
    await page.getByRole('tab', { name: /Archives/ }).click();
    const before = await page.getByTestId('archive-row').count();
    const missing = join(tamperedDir, 'vanished', 'audit-2026-07-13.jsonl');
    await page.getByLabel(/Path to an audit log file/).fill(missing);
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    const failure = page.getByRole('alert').filter({ hasText: 'vanished' });
    await failure.first().waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('archive-row').count()).toBe(before);
    await page.screenshot({ path: join(RESULTS_DIR, 'e2e-bad-path.png') });
    expect(pageErrors).toEqual([]);
  });
});
