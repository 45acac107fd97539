/**
 * End to end: the export and signing workflow of a privacy officer, in Debian Chromium against the
 * built browser host on the bundled demo archive: create a self-signed identity, write the signed
 * integrity certificate from the Integrity view's Export panel, and check it in the Verify report
 * view. poppler's pdftotext and pdfsig judge the PDF independently. Skips (with the reason) when
 * dist/ or Chromium is missing.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWorkbench, RESULTS_DIR, uiUnavailableReason, type HostProcess } from '../../scripts/ui-harness.js';
import { PDF_TOOLS_MISSING, run } from '../pdf/pdf-tools.js';

const unavailable = uiUnavailableReason() ?? (PDF_TOOLS_MISSING.includes('pdftotext') ? 'poppler-utils (pdftotext) is not installed' : null);
if (unavailable) console.log(`e2e export tests skipped: ${unavailable}`);

describe.skipIf(unavailable !== null)('export and report verification in Chromium against npm run serve', () => {
  let host: HostProcess;
  let browser: Browser;
  let page: Page;
  const out = mkdtempSync(join(tmpdir(), 'custos-e2e-export-'));
  const p12 = join(out, 'privacy-office.p12');
  const certificate = join(out, 'integrity-certificate.pdf');
  const seal = join(out, 'archive.seal.json');
  const PASSWORD = 'e2e-identity-pass';
  const pageErrors: string[] = [];

  beforeAll(async () => {
    ({ host, browser, page } = await openWorkbench(pageErrors));
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await host?.stop();
  });

  it('creates a self-signed signing identity from the Verify report view', { timeout: 180_000 }, async () => {
    await page.getByTestId('archive-row').first().waitFor({ timeout: 60_000 });
    await expect.poll(() => page.locator('.status-busy').count(), { timeout: 90_000 }).toBe(0);
    await page.getByRole('tab', { name: /Verify report/ }).click();
    const form = page.getByRole('region', { name: 'Create signing identity' });
    await form.getByLabel('New identity file').fill(p12);
    await form.getByLabel('Signer name').fill('Privacy Office');
    await form.getByLabel('Organization').fill('Klinik Nord');
    await form.getByLabel('New identity password', { exact: true }).fill(PASSWORD);
    await form.getByLabel('New identity password again').fill(PASSWORD);
    await form.getByRole('button', { name: 'Create identity' }).click();
    await form.getByTestId('identity-created').waitFor({ timeout: 30_000 });
    expect(existsSync(p12)).toBe(true);
    expect(await form.getByTestId('self-signed-note').count()).toBe(1);
  });

  it('seals the open demo archives and shows the check against the seal', { timeout: 120_000 }, async () => {
    const panel = page.getByRole('region', { name: 'Seal open archives' });
    await panel.getByLabel('Seal file').fill(seal);
    await panel.getByLabel('Seal signing identity').fill(p12);
    await panel.getByLabel('Seal identity password').fill(PASSWORD);
    await panel.getByRole('button', { name: 'Seal open archives' }).click();
    const check = panel.getByTestId('seal-check');
    await check.waitFor({ timeout: 90_000 });
    expect(await panel.getByTestId('seal-created').textContent()).toMatch(/Sealed \d+ files into .*archive\.seal\.json, signed by Privacy Office \(self-signed\)/);
    expect(await check.textContent()).toMatch(/Seal signature valid/);
    expect(await check.textContent()).toMatch(/completeness: confirmed/);
    const statuses = await check.getByTestId('sealed-file').locator('.pill').allTextContents();
    expect(statuses.length).toBeGreaterThan(0);
    expect(statuses.every((status) => status === 'unchanged')).toBe(true);
    expect(existsSync(seal)).toBe(true);
  });

  it('refuses a wrong password with a clear message and writes nothing', { timeout: 60_000 }, async () => {
    await page.getByRole('tab', { name: /Integrity/ }).click();
    const panel = page.getByRole('region', { name: 'Export' });
    await panel.getByLabel('Save to').fill(certificate);
    await panel.getByLabel(/Sign \(PAdES\)/).check();
    await panel.getByLabel('Signing identity (PKCS#12)').fill(p12);
    await panel.getByLabel('Identity password').fill('not-the-password');
    await panel.getByLabel('Location').fill('Hamburg');
    await panel.getByRole('button', { name: 'Export' }).click();
    await expect.poll(() => panel.getByTestId('export-error').textContent(), { timeout: 30_000 }).toMatch(/Wrong password/);
    expect(existsSync(certificate)).toBe(false);
  });

  it('writes the signed integrity certificate of the demo and shows where', { timeout: 120_000 }, async () => {
    const panel = page.getByRole('region', { name: 'Export' });
    await panel.getByLabel('Compare with seal').fill(seal);
    await panel.getByLabel('Identity password').fill(PASSWORD);
    await panel.getByRole('button', { name: 'Export' }).click();
    await expect.poll(() => panel.getByTestId('last-export').textContent({ timeout: 1000 }).catch(() => ''), { timeout: 90_000 }).toContain(certificate);
    expect(await panel.getByTestId('last-export').textContent()).toMatch(/signed by Privacy Office \(self-signed\)/);
    expect(await panel.getByLabel('Identity password').inputValue()).toBe('');
    expect(existsSync(certificate)).toBe(true);
    const text = run('pdftotext', [certificate, '-']);
    expect(text.stdout).toContain('Integrity');
    expect(text.stdout).toContain('archive.seal.json');
    if (!PDF_TOOLS_MISSING.includes('pdfsig')) {
      const sig = run('pdfsig', [certificate]);
      expect(sig.stdout).toMatch(/Signature Validation: Signature is Valid/);
      expect(sig.stdout).toMatch(/The signature form field is signed by the signer\(s\)|Total document signed/);
    }
    await page.screenshot({ path: join(RESULTS_DIR, 'e2e-export-integrity.png') });
  });

  it('exports FHIR AuditEvents as NDJSON, and says plainly that a CSV of no findings has no rows', { timeout: 120_000 }, async () => {
    await page.getByRole('tab', { name: /Integrity/ }).click();
    const panel = page.getByRole('region', { name: 'Export' });
    const ndjson = join(out, 'events.ndjson');
    await panel.getByLabel('Export format').selectOption('fhir-ndjson');
    await panel.getByLabel('Save to').fill(ndjson);
    await panel.getByRole('button', { name: 'Export' }).click();
    await expect.poll(() => panel.getByTestId('last-export').textContent({ timeout: 1000 }).catch(() => ''), { timeout: 90_000 }).toContain(ndjson);
    const events = readFileSync(ndjson, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { resourceType: string });
    expect(events.length).toBeGreaterThan(0);
    expect(events.every((event) => event.resourceType === 'AuditEvent')).toBe(true);
    expect(await panel.getByTestId('last-export').textContent()).toContain(`${events.length.toLocaleString('en-US')} AuditEvent`);

    const findingsShown = await page.getByTestId('finding-item').count();
    await panel.getByLabel('Export format').selectOption('csv');
    await panel.getByLabel('Save to').fill(join(out, 'findings.csv'));
    await panel.getByRole('button', { name: 'Export' }).click();
    if (findingsShown === 0) {
      await expect.poll(() => panel.getByTestId('export-error').textContent({ timeout: 1000 }).catch(() => ''), { timeout: 30_000 }).toMatch(/shows no rows/);
      expect(existsSync(join(out, 'findings.csv'))).toBe(false);
    } else {
      await expect.poll(() => panel.getByTestId('last-export').textContent({ timeout: 1000 }).catch(() => ''), { timeout: 30_000 }).toContain('findings.csv');
      expect(readFileSync(join(out, 'findings.csv'), 'utf8').trim().split('\r\n')).toHaveLength(findingsShown + 1);
    }
  });

  it('verifies the certificate in the Verify report view against the open archives', { timeout: 120_000 }, async () => {
    await page.getByRole('tab', { name: /Verify report/ }).click();
    await page.getByLabel('Signed PDF report').fill(certificate);
    await page.getByRole('button', { name: 'Verify' }).click();
    const result = page.getByTestId('verify-result');
    await result.waitFor({ timeout: 60_000 });
    expect(await result.getByTestId('verify-headline').textContent()).toBe('The signature is valid and covers the whole document.');
    expect(await result.textContent()).toContain('Privacy Office');
    expect(await result.getByTestId('self-signed-note').count()).toBe(1);
    const statuses = await result.getByTestId('evidence-file').locator('.pill').allTextContents();
    expect(statuses.length).toBeGreaterThan(0);
    expect(statuses.every((status) => status === 'matches')).toBe(true);
    await page.screenshot({ path: join(RESULTS_DIR, 'e2e-verify-report.png') });
    expect(pageErrors).toEqual([]);
  });
});
