// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CustosApi } from '../../shared/contract';
import type { ReportEvidence, ReportVerification } from '../../shared/report';
import { fail, ok } from '../../shared/result';
import type { SignerSummary } from '../../shared/signing';
import { ApiContext } from '../components/ApiContext';
import { createCustosStore, StoreContext } from '../store/store';
import { VerifyReportView } from './VerifyReportView';
import { fakeApi } from '../test-support/fake-api';


function renderView(api: CustosApi, openFiles = 2) {
  const store = createCustosStore(api);
  store.setState({
    summary: {
      files: Array.from({ length: openFiles }, (_, index) => ({ path: `/archive/audit-${index}.jsonl` })) as never,
      totalEntries: 10,
      verdict: { integrity: 'intact', completeness: 'unconfirmed', reasons: [] },
    },
  });
  render(
    <ApiContext.Provider value={api}>
      <StoreContext.Provider value={store}>
        <VerifyReportView />
      </StoreContext.Provider>
    </ApiContext.Provider>,
  );
  return store;
}

const signer: SignerSummary = {
  commonName: 'Privacy Office',
  organization: 'Klinik Nord',
  subject: 'CN=Privacy Office, O=Klinik Nord',
  issuer: 'CN=Privacy Office, O=Klinik Nord',
  serialNumber: '01',
  fingerprintSha256: '3F:A1:00',
  validFrom: '2026-01-01T00:00:00Z',
  validTo: '2029-01-01T00:00:00Z',
  selfSigned: true,
  certificatePem: '',
};

const evidence = { report: { title: 'Integrity certificate', organization: 'Klinik Nord', generatedAt: '2026-11-22T14:00:00Z', generatedBy: 'auditor', custosVersion: '1.0.0', query: 'all entries' }, rows: [] } as unknown as ReportEvidence;

const verification = (overrides: Partial<ReportVerification> = {}): ReportVerification => ({
  path: '/out/certificate.pdf',
  signed: true,
  signatureValid: true,
  coversWholeDocument: true,
  signer,
  signingTime: '2026-11-22T14:00:05Z',
  reason: 'Compliance report',
  location: 'Hamburg',
  subFilter: 'ETSI.CAdES.detached',
  problems: [],
  evidence,
  files: [
    { path: '/archive/audit-0.jsonl', status: 'unchanged', detail: 'same 900 bytes and SHA-256 as when the report was made.' },
    { path: '/archive/audit-1.jsonl', status: 'changed', detail: 'differs from the file the report was made from.' },
  ],
  ...overrides,
});

afterEach(cleanup);

describe('Verify report view', () => {
  it('shows a valid whole-document signature, the self-signed signer, the signing time and each evidence file matching or not', async () => {
    const { api, invoke } = fakeApi({ 'reports.verify': () => ok(verification()) });
    renderView(api);
    fireEvent.change(screen.getByLabelText('Signed PDF report'), { target: { value: '/out/certificate.pdf' } });
    fireEvent.click(screen.getByRole('button', { name: 'Verify' }));
    const result = await screen.findByTestId('verify-result');
    expect(invoke).toHaveBeenCalledWith('reports.verify', { path: '/out/certificate.pdf' });
    expect(within(result).getByTestId('verify-headline').textContent).toBe('The signature is valid and covers the whole document.');
    expect(within(result).getByTestId('self-signed-note').textContent).toMatch(/self-signed/);
    expect(result.textContent).toContain('2026-11-22T14:00:05Z');
    expect(result.textContent).toContain('3F:A1:00');
    const files = within(result).getAllByTestId('evidence-file');
    expect(files.map((row) => row.querySelector('.pill')?.textContent)).toEqual(['matches', 'MISMATCH']);
    expect(result.textContent).toMatch(/1 file differs from what the report was made from/);
  });

  it('says plainly when the signature does not cover the whole document', async () => {
    const { api } = fakeApi({ 'reports.verify': () => ok(verification({ coversWholeDocument: false, problems: ['Bytes were added after the signature.'] })) });
    renderView(api);
    fireEvent.change(screen.getByLabelText('Signed PDF report'), { target: { value: '/out/c.pdf' } });
    fireEvent.click(screen.getByRole('button', { name: 'Verify' }));
    expect((await screen.findByTestId('verify-headline')).textContent).toMatch(/does NOT cover the whole document/);
    expect(screen.getByLabelText('Problems').textContent).toContain('Bytes were added after the signature.');
  });

  it('shows a failed check as an error and is ready again', async () => {
    const { api } = fakeApi({ 'reports.verify': () => fail('not-found', '/out/none.pdf does not exist.') });
    renderView(api);
    fireEvent.change(screen.getByLabelText('Signed PDF report'), { target: { value: '/out/none.pdf' } });
    fireEvent.click(screen.getByRole('button', { name: 'Verify' }));
    expect((await screen.findByRole('alert')).textContent).toContain('/out/none.pdf does not exist.');
    expect((screen.getByRole('button', { name: 'Verify' }) as HTMLButtonElement).disabled).toBe(false);
  });

  it('creates a self-signed identity; the password is checked, sent once and kept nowhere', async () => {
    const { api, invoke } = fakeApi({ 'signing.create': () => ok(signer) });
    const store = renderView(api);
    const form = screen.getByRole('region', { name: 'Create signing identity' });
    fireEvent.change(within(form).getByLabelText('New identity file'), { target: { value: '/keys/office.p12' } });
    fireEvent.change(within(form).getByLabelText('Signer name'), { target: { value: 'Privacy Office' } });
    fireEvent.change(within(form).getByLabelText('Organization'), { target: { value: 'Klinik Nord' } });
    fireEvent.change(within(form).getByLabelText('New identity password'), { target: { value: 'secret-one-1' } });
    fireEvent.change(within(form).getByLabelText('New identity password again'), { target: { value: 'secret-one-2' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Create identity' }));
    expect((await within(form).findByRole('alert')).textContent).toMatch(/The two passwords differ/);
    expect(invoke).not.toHaveBeenCalled();

    fireEvent.change(within(form).getByLabelText('New identity password'), { target: { value: 'secret-one-1' } });
    fireEvent.change(within(form).getByLabelText('New identity password again'), { target: { value: 'secret-one-1' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Create identity' }));
    const created = await within(form).findByTestId('identity-created');
    expect(created.textContent).toContain('/keys/office.p12');
    expect(created.textContent).toContain('3F:A1:00');
    expect(invoke).toHaveBeenCalledWith('signing.create', { path: '/keys/office.p12', name: 'Privacy Office', organization: 'Klinik Nord', password: 'secret-one-1' });
    expect((within(form).getByLabelText('New identity password') as HTMLInputElement).value).toBe('');
    expect(JSON.stringify(store.getState())).not.toContain('secret-one');
  });

  it('seals the open archives and shows the check against the new seal; a refused seal says why', async () => {
    let refuse = true;
    const { api, invoke } = fakeApi({
      'seal.create': (request) =>
        refuse
          ? fail('invalid-request', 'Not sealed: verification found 2 critical finding(s); a seal would certify a damaged archive.', { hint: 'Investigate the findings first.' })
          : ok({ path: request.path, files: 2, signer }),
      'seal.check': (request) =>
        ok({
          seal: {
            sealPath: request.sealPath,
            createdAt: '2026-11-22T14:10:00Z',
            signatureValid: true,
            signatureProblem: null,
            signer,
            files: [
              { path: '/archive/audit-0.jsonl', sealedPath: '/archive/audit-0.jsonl', status: 'unchanged', sealedLines: 5, lines: 5, sealedSize: 900, size: 900 },
              { path: '/archive/audit-1.jsonl', sealedPath: '/archive/audit-1.jsonl', status: 'unchanged', sealedLines: 5, lines: 5, sealedSize: 900, size: 900 },
            ],
          },
          findings: [],
          verdict: { integrity: 'intact', completeness: 'confirmed', reasons: [] },
        }),
    });
    renderView(api);
    const panel = screen.getByRole('region', { name: 'Seal open archives' });
    fireEvent.change(within(panel).getByLabelText('Seal file'), { target: { value: '/out/archive.seal.json' } });
    fireEvent.change(within(panel).getByLabelText('Seal signing identity'), { target: { value: '/keys/office.p12' } });
    fireEvent.change(within(panel).getByLabelText('Seal identity password'), { target: { value: 'pw-123456' } });
    fireEvent.click(within(panel).getByRole('button', { name: 'Seal open archives' }));
    const refused = await within(panel).findByRole('alert');
    expect(refused.textContent).toMatch(/2 critical finding/);
    expect(refused.textContent).toContain('Investigate the findings first.');

    refuse = false;
    fireEvent.change(within(panel).getByLabelText('Seal identity password'), { target: { value: 'pw-123456' } });
    fireEvent.click(within(panel).getByRole('button', { name: 'Seal open archives' }));
    const check = await within(panel).findByTestId('seal-check');
    expect(within(panel).getByTestId('seal-created').textContent).toMatch(/Sealed 2 files into \/out\/archive\.seal\.json, signed by Privacy Office \(self-signed\)/);
    expect(check.textContent).toMatch(/Seal signature valid/);
    expect(check.textContent).toMatch(/completeness: confirmed/);
    expect(within(check).getAllByTestId('sealed-file')).toHaveLength(2);
    expect(invoke).toHaveBeenCalledWith('seal.create', { path: '/out/archive.seal.json', p12Path: '/keys/office.p12', password: 'pw-123456' });
    expect(invoke).toHaveBeenCalledWith('seal.check', { sealPath: '/out/archive.seal.json' });
    expect((within(panel).getByLabelText('Seal identity password') as HTMLInputElement).value).toBe('');
  });

  it('in the desktop app picks the report with the open dialog and the new identity file with the save dialog', async () => {
    const { api, invoke } = fakeApi(
      {
        'dialog.openPaths': () => ok({ paths: ['/reports/signed.pdf'] }),
        'dialog.savePath': () => ok({ path: '/keys/new.p12' }),
      },
      'electron',
    );
    renderView(api);
    fireEvent.click(screen.getByRole('button', { name: 'Choose: Signed PDF report' }));
    await vi.waitFor(() => expect((screen.getByLabelText('Signed PDF report') as HTMLInputElement).value).toBe('/reports/signed.pdf'));
    fireEvent.click(screen.getByRole('button', { name: 'Choose: New identity file' }));
    await vi.waitFor(() => expect((screen.getByLabelText('New identity file') as HTMLInputElement).value).toBe('/keys/new.p12'));
    expect(invoke).toHaveBeenCalledWith('dialog.savePath', { defaultName: 'signing-identity.p12', extensions: ['p12'] });
  });

  it('offers no Choose buttons in the browser, where dialogs are unsupported', () => {
    const { api } = fakeApi({});
    renderView(api);
    expect(screen.queryByRole('button', { name: /^Choose/ })).toBeNull();
  });
});
