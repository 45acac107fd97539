// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import type { CustosApi, RequestOf } from '../../shared/contract';
import type { ReportWritten } from '../../shared/report';
import { fail, ok, type Result } from '../../shared/result';
import type { SignerSummary } from '../../shared/signing';
import { createCustosStore, StoreContext } from '../store/store';
import { ApiContext } from './ApiContext';
import { ExportPanel, type ExportPanelProps } from './ExportPanel';
import { fakeApi } from '../test-support/fake-api';


function renderPanel(api: CustosApi, props: Partial<ExportPanelProps> = {}) {
  const store = createCustosStore(api);
  render(
    <ApiContext.Provider value={api}>
      <StoreContext.Provider value={store}>
        <ExportPanel target="integrity-certificate" baseName="integrity-certificate" {...props} />
      </StoreContext.Provider>
    </ApiContext.Provider>,
  );
  return { store, panel: screen.getByRole('region', { name: 'Export' }) };
}

const signer: SignerSummary = {
  commonName: 'Privacy Office',
  organization: 'Klinik Nord',
  subject: 'CN=Privacy Office, O=Klinik Nord',
  issuer: 'CN=Privacy Office, O=Klinik Nord',
  serialNumber: '01',
  fingerprintSha256: 'AA:BB',
  validFrom: '2026-01-01T00:00:00Z',
  validTo: '2029-01-01T00:00:00Z',
  selfSigned: true,
  certificatePem: '-----BEGIN CERTIFICATE-----',
};

const written = (path: string, signed: boolean): ReportWritten => ({ path, bytes: 48_000, signed, signer: signed ? signer : null });
const SECRET = 'correct horse battery staple';
/** Every PDF and FHIR request names its export, for progress events and cancel. */
const EXPORT_ID = expect.stringMatching(/^[A-Za-z0-9-]{1,64}$/);

function fillSigning(panel: HTMLElement, password: string) {
  fireEvent.click(within(panel).getByLabelText(/Sign \(PAdES\)/));
  fireEvent.change(within(panel).getByLabelText('Signing identity (PKCS#12)'), { target: { value: '/keys/office.p12' } });
  fireEvent.change(within(panel).getByLabelText('Identity password'), { target: { value: password } });
  fireEvent.change(within(panel).getByLabelText('Location'), { target: { value: 'Hamburg' } });
}

afterEach(cleanup);

describe('Export panel', () => {
  it('signs the integrity certificate, sends the password once and keeps it nowhere, then shows the last export path', async () => {
    const { api, invoke } = fakeApi({ 'reports.certify': (request) => ok(written(request.path, true)) });
    const { store, panel } = renderPanel(api);
    fireEvent.change(within(panel).getByLabelText('Save to'), { target: { value: '/out/certificate.pdf' } });
    fillSigning(panel, SECRET);
    fireEvent.click(within(panel).getByRole('button', { name: 'Export' }));

    const last = await within(panel).findByTestId('last-export');
    expect(last.textContent).toContain('Last export: /out/certificate.pdf');
    expect(last.textContent).toContain('signed by Privacy Office (self-signed)');
    expect(invoke).toHaveBeenCalledWith('reports.certify', {
      path: '/out/certificate.pdf',
      exportId: EXPORT_ID,
      signing: { p12Path: '/keys/office.p12', password: SECRET, reason: 'Compliance report', location: 'Hamburg' },
    });
    expect((within(panel).getByLabelText('Identity password') as HTMLInputElement).value).toBe('');
    expect(JSON.stringify(store.getState())).not.toContain(SECRET);
    expect(document.body.innerHTML).not.toContain(SECRET);
  });

  it('shows a wrong password as an error with what to do, and is ready again', async () => {
    const { api } = fakeApi({
      'reports.certify': () => fail('invalid-request', 'Wrong password for the signing identity /keys/office.p12.', { file: '/keys/office.p12' }),
    });
    const { store, panel } = renderPanel(api);
    fireEvent.change(within(panel).getByLabelText('Save to'), { target: { value: '/out/certificate.pdf' } });
    fillSigning(panel, 'not-it');
    fireEvent.click(within(panel).getByRole('button', { name: 'Export' }));

    const error = await within(panel).findByTestId('export-error');
    expect(error.textContent).toContain('Wrong password for the signing identity /keys/office.p12.');
    expect(error.textContent).toMatch(/Enter the password of the PKCS#12 file again/);
    expect((within(panel).getByRole('button', { name: 'Export' }) as HTMLButtonElement).disabled).toBe(false);
    expect(within(panel).queryByTestId('last-export')).toBeNull();
    expect(JSON.stringify(store.getState())).not.toContain('not-it');
  });

  it('names the seal the integrity certificate is checked against', async () => {
    const { api, invoke } = fakeApi({ 'reports.certify': (request) => ok(written(request.path, false)) });
    const { panel } = renderPanel(api);
    fireEvent.change(within(panel).getByLabelText('Save to'), { target: { value: '/out/c.pdf' } });
    fireEvent.change(within(panel).getByLabelText('Compare with seal'), { target: { value: '/seals/archive.seal.json' } });
    fireEvent.change(within(panel).getByLabelText('Prepared by'), { target: { value: 'A. Auditor' } });
    fireEvent.click(within(panel).getByRole('button', { name: 'Export' }));
    await within(panel).findByTestId('last-export');
    expect(invoke).toHaveBeenCalledWith('reports.certify', { path: '/out/c.pdf', exportId: EXPORT_ID, generatedBy: 'A. Auditor', sealPath: '/seals/archive.seal.json' });
  });

  it('says an unwritable path is the problem and offers another folder', async () => {
    const { api } = fakeApi({ 'reports.certify': () => fail('internal', 'reports.certify failed: Cannot write /root/x.pdf: permission denied.') });
    const { panel } = renderPanel(api);
    fireEvent.change(within(panel).getByLabelText('Save to'), { target: { value: '/root/x.pdf' } });
    fireEvent.click(within(panel).getByRole('button', { name: 'Export' }));
    const error = await within(panel).findByTestId('export-error');
    expect(error.textContent).toContain('Cannot write /root/x.pdf: permission denied.');
    expect(error.textContent).not.toContain('reports.certify failed');
    expect(error.textContent).toMatch(/Choose a folder you can write to/);
  });

  it('writes the rows shown as CSV, and refuses an empty table without calling the backend', async () => {
    const { api, invoke } = fakeApi({ 'reports.csv': (request) => ok({ path: request.path, rows: request.rows.length, bytes: 40 }) });
    let rows: (string | number | null)[][] = [];
    const { panel } = renderPanel(api, { csv: () => ({ columns: ['File', 'Line'], rows }) });
    fireEvent.change(within(panel).getByLabelText('Export format'), { target: { value: 'csv' } });
    fireEvent.change(within(panel).getByLabelText('Save to'), { target: { value: '/out/findings.csv' } });
    fireEvent.click(within(panel).getByRole('button', { name: 'Export' }));
    expect((await within(panel).findByTestId('export-error')).textContent).toMatch(/shows no rows/);
    expect(invoke).not.toHaveBeenCalled();

    rows = [['/a/audit.jsonl', 7]];
    fireEvent.click(within(panel).getByRole('button', { name: 'Export' }));
    expect((await within(panel).findByTestId('last-export')).textContent).toContain('/out/findings.csv');
    expect(within(panel).queryByTestId('export-error')).toBeNull();
    expect(invoke).toHaveBeenCalledWith('reports.csv', { path: '/out/findings.csv', columns: ['File', 'Line'], rows: [['/a/audit.jsonl', 7]] });
  });

  it('sends a large table in parts that each fit one host message, and reports every row', async () => {
    const received: Array<RequestOf<'reports.csv'>> = [];
    let total = 0;
    const { api } = fakeApi({
      'reports.csv': (request) => {
        received.push(request);
        total += request.rows.length;
        return ok({ path: request.path, rows: total, bytes: request.upload?.final ? 1 : 0 });
      },
    });
    const rows = Array.from({ length: 3000 }, (_, index) => [`/archive/audit-${index}.jsonl`, 'x'.repeat(300), index]);
    const { panel } = renderPanel(api, { csv: () => ({ columns: ['File', 'Note', 'Line'], rows }) });
    fireEvent.change(within(panel).getByLabelText('Export format'), { target: { value: 'csv' } });
    fireEvent.change(within(panel).getByLabelText('Save to'), { target: { value: '/out/big.csv' } });
    fireEvent.click(within(panel).getByRole('button', { name: 'Export' }));
    expect((await within(panel).findByTestId('last-export')).textContent).toContain('CSV, 3,000 rows');
    expect(received.length).toBeGreaterThan(2);
    for (const part of received) expect(new TextEncoder().encode(JSON.stringify({ seq: 1, channel: 'reports.csv', request: part })).length).toBeLessThan(1024 * 1024);
    const ids = new Set(received.map((part) => part.upload?.id));
    expect(ids.size).toBe(1);
    expect(received.map((part) => part.upload?.final)).toEqual([...Array<boolean>(received.length - 1).fill(false), true]);
    expect(received.flatMap((part) => part.rows)).toEqual(rows);
  });

  it('exports an analysis report with its patient and period, and FHIR for the same scope', async () => {
    const { api, invoke } = fakeApi({
      'reports.analysisPdf': (request) => ok(written(request.path, false)),
      'fhir.export': (request) => ok({ path: request.path, exported: 12, undated: 1 }),
    });
    const { panel } = renderPanel(api, { target: 'disclosures', baseName: 'disclosures', scope: { patients: ['P-1'], fromMs: 1000, includeTreatmentPaymentOperations: false } });
    fireEvent.change(within(panel).getByLabelText('Save to'), { target: { value: '/out/d.pdf' } });
    fireEvent.click(within(panel).getByRole('button', { name: 'Export' }));
    expect((await within(panel).findByTestId('last-export')).textContent).toContain('not signed');
    expect(invoke).toHaveBeenCalledWith('reports.analysisPdf', { kind: 'disclosures', path: '/out/d.pdf', exportId: EXPORT_ID, patients: ['P-1'], fromMs: 1000, includeTreatmentPaymentOperations: false });

    fireEvent.change(within(panel).getByLabelText('Export format'), { target: { value: 'fhir-bundle' } });
    expect(within(panel).getByTestId('fhir-scope').textContent).toBe('FHIR R4 AuditEvents of every tool call in the open archives about P-1 from 1970-01-01T00:00:01.000Z.');
    fireEvent.change(within(panel).getByLabelText('Save to'), { target: { value: '/out/d.json' } });
    fireEvent.click(within(panel).getByRole('button', { name: 'Export' }));
    await vi.waitFor(() => expect(within(panel).getByTestId('last-export').textContent).toContain('/out/d.json'));
    expect(within(panel).getByTestId('last-export').textContent).toMatch(/FHIR Bundle, 12 AuditEvents; 1 call without a usable time/);
    expect(invoke).toHaveBeenCalledWith('fhir.export', { path: '/out/d.json', exportId: EXPORT_ID, bundle: true, patients: ['P-1'], fromMs: 1000 });
  });

  it('in the desktop app asks where to save when no path is typed, and a cancelled dialog writes nothing', async () => {
    let chosen: string | null = null;
    const { api, invoke } = fakeApi({ 'dialog.savePath': () => ok({ path: chosen }), 'reports.certify': (request) => ok(written(request.path, false)) }, 'electron');
    const { panel } = renderPanel(api);
    fireEvent.click(within(panel).getByRole('button', { name: 'Export' }));
    expect(await within(panel).findByText('Choose where to save the export.')).toBeTruthy();
    expect(invoke).not.toHaveBeenCalledWith('reports.certify', expect.anything());

    chosen = '/home/me/integrity-certificate.pdf';
    fireEvent.click(within(panel).getByRole('button', { name: 'Export' }));
    expect((await within(panel).findByTestId('last-export')).textContent).toContain(chosen);
    expect(invoke).toHaveBeenCalledWith('dialog.savePath', { defaultName: 'integrity-certificate.pdf', extensions: ['pdf'] });
  });

  it('shows progress while the backend works and ends it', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    onTestFinished(() => void vi.useRealTimers());
    let finish: (result: Result<ReportWritten>) => void = () => {};
    const { api } = fakeApi({ 'reports.certify': () => new Promise((resolve) => (finish = resolve)) });
    const { panel } = renderPanel(api);
    fireEvent.change(within(panel).getByLabelText('Save to'), { target: { value: '/out/c.pdf' } });
    fireEvent.click(within(panel).getByRole('button', { name: 'Export' }));
    expect((await within(panel).findByRole('status')).textContent).toContain('Writing the PDF…');
    expect((within(panel).getByRole('button', { name: 'Exporting…' }) as HTMLButtonElement).disabled).toBe(true);
    await act(async () => {
      await vi.advanceTimersByTimeAsync(3100);
    });
    expect(within(panel).getByRole('status').textContent).toMatch(/Writing the PDF… 3 s/);
    finish(ok(written('/out/c.pdf', false)));
    await within(panel).findByTestId('last-export');
    expect(within(panel).queryByRole('status')).toBeNull();
  });
  it('shows the backend\'s progress as a percentage bar for its own export only, then the written file', async () => {
    let finish: (result: Result<ReportWritten>) => void = () => {};
    let request: RequestOf<'reports.analysisPdf'> | null = null;
    const { api, emit } = fakeApi({
      'reports.analysisPdf': (sent) => {
        request = sent;
        return new Promise((resolve) => (finish = resolve));
      },
    });
    const { panel } = renderPanel(api, { target: 'patient-access', scope: { patients: ['P-1042'] } });
    fireEvent.change(within(panel).getByLabelText('Save to'), { target: { value: '/out/access.pdf' } });
    fireEvent.click(within(panel).getByRole('button', { name: 'Export' }));
    const bar = await within(panel).findByRole('progressbar', { name: 'Export progress' });
    expect(bar.getAttribute('aria-valuenow')).toBeNull();
    const exportId = request!.exportId!;
    expect(exportId).toMatch(/^[A-Za-z0-9-]{1,64}$/);

    emit('export.progress', { exportId, phase: 'collecting', done: 3 * 1048576, total: 12 * 1048576, fraction: 0.05, source: 'shared-load' });
    expect(within(panel).getByRole('status').textContent).toContain('Waiting for the analysis data (3.0 MB of 12 MB)');
    emit('export.progress', { exportId, phase: 'collecting', done: 12 * 1048576, total: 12 * 1048576, fraction: 0.2, source: 'reused' });
    expect(within(panel).getByRole('status').textContent).toContain('Using the loaded analysis data — 20 %');
    emit('export.progress', { exportId, phase: 'rendering', done: 2_500, total: 10_000, fraction: 0.645 });
    expect(bar.getAttribute('aria-valuenow')).toBe('64');
    expect(within(panel).getByRole('status').textContent).toContain('Writing rows 2,500 of 10,000 — 64 %');
    // Another export's events do not move this bar.
    emit('export.progress', { exportId: 'someone-else', phase: 'signing', done: 0, total: 1, fraction: 0.95 });
    expect(bar.getAttribute('aria-valuenow')).toBe('64');
    emit('export.progress', { exportId, phase: 'signing', done: 0, total: 1, fraction: 0.93 });
    expect(within(panel).getByRole('status').textContent).toContain('Signing — 93 %');
    expect((bar.firstElementChild as HTMLElement).style.width).toBe('93%');

    finish(ok(written('/out/access.pdf', false)));
    await within(panel).findByTestId('last-export');
    expect(within(panel).queryByRole('progressbar')).toBeNull();
  });

  it('cancels a running export with its own id and says nothing was written, without an error', async () => {
    let finish: (result: Result<ReportWritten>) => void = () => {};
    const { api, invoke } = fakeApi({
      'reports.certify': () => new Promise((resolve) => (finish = resolve)),
      'reports.cancel': () => {
        finish(fail('cancelled', 'reports.certify failed: The export was cancelled; no file was written.'));
        return ok({ cancelled: true });
      },
    });
    const { panel } = renderPanel(api);
    fireEvent.change(within(panel).getByLabelText('Save to'), { target: { value: '/out/c.pdf' } });
    fireEvent.click(within(panel).getByRole('button', { name: 'Export' }));
    fireEvent.click(await within(panel).findByRole('button', { name: 'Cancel export' }));
    expect((await within(panel).findByTestId('export-notice')).textContent).toBe('Export cancelled: no file was written.');
    const sent = invoke.mock.calls.find(([channel]) => channel === 'reports.certify')?.[1] as RequestOf<'reports.certify'>;
    expect(invoke.mock.calls.find(([channel]) => channel === 'reports.cancel')?.[1]).toEqual({ exportId: sent.exportId });
    expect(within(panel).queryByRole('alert')).toBeNull();
    expect(within(panel).queryByRole('progressbar')).toBeNull();
    expect(within(panel).queryByTestId('last-export')).toBeNull();
  });
});
