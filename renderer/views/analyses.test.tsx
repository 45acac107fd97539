// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AccessReport, Alert, AlertsReport, BtgEvent, BtgOverview, JournalStatus, RetentionPolicy, RetentionReview } from '../../shared/analyses';
import type { ArchiveFile, SessionSummary } from '../../shared/archive';
import type { CustosApi } from '../../shared/contract';
import type { EntryRow } from '../../shared/query';
import { ok } from '../../shared/result';
import { ApiContext } from '../components/ApiContext';
import { App } from '../components/App';
import { createCustosStore, StoreContext } from '../store/store';
import { fakeApi, type Answers } from '../test-support/fake-api';

// uPlot asks matchMedia for the pixel ratio when it loads; jsdom has none.
vi.hoisted(() => {
  window.matchMedia ??= ((query: string) => ({ matches: false, media: query, addEventListener() {}, removeEventListener() {}, addListener() {}, removeListener() {} })) as unknown as typeof window.matchMedia;
});


const FILE = '/evidence/clinic-chained/audit-2026-07-10.jsonl';

const archiveFile: ArchiveFile = {
  id: 1,
  path: FILE,
  format: 'chained',
  entries: 600,
  lines: 600,
  size: 300_000,
  sha256: 'ab'.repeat(32),
  chain: { status: 'intact', headHash: '9f2c'.repeat(16), coveredFields: ['*'], uncoveredFields: [] },
  firstTime: '2026-07-10T00:00:00.000Z',
  lastTime: '2026-07-10T23:00:00.000Z',
  indexedAt: '2026-07-16T00:00:00Z',
  mtimeMs: 0,
  findingCount: 0,
};
const session: SessionSummary = { files: [archiveFile], totalEntries: 600, verdict: { integrity: 'intact', completeness: 'unconfirmed', reasons: [] } };
const journalOk: JournalStatus = { path: '/data/journal/evidence-journal.jsonl', records: 0, state: 'ok', headHash: null };

const accessReport: AccessReport = {
  generatedAt: '2026-07-16T10:00:00Z',
  query: { patients: ['P-900001'], identifierKinds: ['ssn'], fromMs: null, toMs: null, mode: 'access', timeZone: 'UTC' },
  patients: ['P-900001'],
  identifierMatches: [{ kind: 'ssn', matchedHashes: ['sha256:0123456789abcdef'], patients: ['P-900001'], entries: 1 }],
  banner: ['Completeness is unconfirmed: without an anchor or seal, removal of the newest entries cannot be ruled out.'],
  integrity: 'intact',
  completeness: 'unconfirmed',
  files: [{ file: FILE, format: 'chained', chain: 'intact', criticalFindings: 0, warningFindings: 0, rows: 2 }],
  summary: {
    totalAccesses: 2,
    uniqueUsers: 1,
    users: [{ user: 'usr_10000', accesses: 2 }],
    purposes: [{ purpose: 'treatment', accesses: 2 }],
    failures: 1,
    breakGlass: 0,
    missingAttribution: 0,
    undated: 0,
    firstMs: Date.UTC(2026, 6, 10, 9),
    lastMs: Date.UTC(2026, 6, 10, 9, 5),
    excludedAsTreatmentPaymentOperations: 0,
  },
  timeline: [{ day: '2026-07-10', accesses: 2, failures: 1, breakGlass: 0 }],
  rows: [253, 262].map((line, index) => ({
    timeMs: Date.UTC(2026, 6, 10, 9, index * 5),
    timeRaw: null,
    user: 'usr_10000',
    role: 'physician',
    patient: 'P-900001',
    tool: 'access_patient_record',
    purpose: 'treatment',
    outcome: index === 0 ? 'success' : 'failure',
    breakGlass: [],
    alerts: ['burst'],
    format: 'chained',
    source: { file: FILE, line },
    related: [],
    viaIdentifier: false,
  })),
};

const burstAlert: Alert = {
  id: 'burst:usr_10000:P-900001:253',
  rule: 'burst',
  severity: 'warning',
  user: 'usr_10000',
  patient: 'P-900001',
  fromMs: Date.UTC(2026, 6, 10, 9),
  toMs: Date.UTC(2026, 6, 10, 9, 50),
  explanation: 'usr_10000 accessed patient P-900001 12 times within 50 minutes (threshold 10 in 60 minutes).',
  evidenceCount: 12,
  evidence: [{ file: FILE, line: 253 }, { file: FILE, line: 262 }, { file: FILE, line: 270 }, { file: FILE, line: 279 }],
  metrics: { count: 12 },
  status: 'open',
  acknowledgement: null,
};

const alertsReport = (alerts: Alert[]): AlertsReport => ({
  asOfMs: Date.UTC(2026, 6, 16),
  rulesRevision: 1,
  timeZone: 'UTC',
  alerts,
  rules: [{ rule: 'burst', enabled: true, alerts: alerts.length }],
  counts: { critical: 0, warning: alerts.length, info: 0 },
  missingAttribution: { calls: 1, evidence: [{ file: FILE, line: 676 }] },
  undatedCalls: 0,
  journal: journalOk,
});

const entryRow: EntryRow = {
  id: 253,
  fileId: 1,
  source: { file: FILE, line: 253, byteOffset: 0, byteLength: 10 },
  format: 'chained',
  timeMs: Date.UTC(2026, 6, 10, 9),
  timeRaw: null,
  eventType: 'tool_call',
  user: 'usr_10000',
  role: 'physician',
  patient: 'P-900001',
  tool: 'access_patient_record',
  purpose: 'treatment',
  success: true,
  durationMs: 12,
  conversationId: null,
  turn: null,
  callId: null,
  model: null,
  trigger: null,
  clientIp: null,
  breakGlass: [],
  lineSha256: 'cd'.repeat(32),
};

const baseAnswers: Answers = {
  'archives.summary': () => ok(session),
  'archives.recent': () => ok({ paths: [FILE] }),
  'findings.list': () => ok({ rows: [], total: 0, offset: 0 }),
  'entries.query': () => ok({ rows: [], total: 0, offset: 0 }),
  'entries.histogram': () => ok({ bucketMs: 1, buckets: [] }),
  'entries.distinct': () => ok({ values: [] }),
  'analyses.alerts': () => ok(alertsReport([burstAlert])),
};

function renderApp(api: CustosApi) {
  const store = createCustosStore(api);
  render(
    <ApiContext.Provider value={api}>
      <StoreContext.Provider value={store}>
        <App />
      </StoreContext.Provider>
    </ApiContext.Provider>,
  );
  return store;
}

async function openView(name: RegExp) {
  await screen.findByTestId('alerts-badge');
  await act(async () => fireEvent.click(screen.getByRole('tab', { name })));
}

beforeAll(() => {
  // jsdom has no canvas: the timeline chart draws into a context that accepts every call.
  const noopContext = () => new Proxy({} as Record<string | symbol, unknown>, { get: (target, key) => (key in target ? target[key] : () => ({ width: 0 })) });
  globalThis.Path2D ??= class {
    moveTo() {}
    lineTo() {}
    rect() {}
    arc() {}
    closePath() {}
    addPath() {}
  } as unknown as typeof Path2D;
  vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockImplementation(noopContext as unknown as HTMLCanvasElement['getContext']);
  vi.spyOn(Element.prototype, 'clientHeight', 'get').mockReturnValue(600);
  vi.spyOn(Element.prototype, 'clientWidth', 'get').mockReturnValue(1000);
  globalThis.ResizeObserver ??= class {
    observe() {}
    unobserve() {}
    disconnect() {}
  } as unknown as typeof ResizeObserver;
});
afterEach(cleanup);

describe('Patient report view', () => {
  it('sends the identifier once from a password field, keeps it nowhere, and shows banner, rows and evidence links', async () => {
    const { api, invoke } = fakeApi({
      ...baseAnswers,
      'analyses.accessReport': () => ok(accessReport),
      'analyses.locateEntry': () => ok({ id: 253 }),
      'entries.detail': () => ok({ row: entryRow, raw: '{"patient_id":"P-900001"}', parsed: { patient_id: 'P-900001' }, unchanged: true }),
    });
    const store = renderApp(api);
    await openView(/Patient report/);
    const secret = screen.getByLabelText('Identifier value') as HTMLInputElement;
    expect(secret.type).toBe('password');
    fireEvent.change(screen.getByLabelText('Identifier kind'), { target: { value: 'ssn' } });
    fireEvent.change(secret, { target: { value: '123-45-6789' } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Build report' })));

    expect(invoke).toHaveBeenCalledWith('analyses.accessReport', { identifiers: [{ kind: 'ssn', value: '123-45-6789' }] });
    expect(secret.value).toBe('');
    expect(JSON.stringify(store.getState())).not.toContain('123-45-6789');

    expect((await screen.findByTestId('report-banner')).textContent).toMatch(/Completeness is unconfirmed/);
    const rows = screen.getAllByTestId('access-row');
    expect(rows).toHaveLength(2);
    expect(within(rows[1]!).getByText('failure')).toBeTruthy();
    expect(screen.getByText(/The ssn matched 1 entries \(patients P-900001\)/)).toBeTruthy();
    expect(screen.getByTestId('access-timeline')).toBeTruthy();

    await act(async () => fireEvent.click(within(rows[0]!).getByRole('button', { name: 'audit-2026-07-10.jsonl:253' })));
    expect(invoke).toHaveBeenCalledWith('analyses.locateEntry', { file: FILE, line: 253 });
    expect(invoke).toHaveBeenCalledWith('entries.detail', { id: 253 });
    expect((await screen.findByTestId('detail-drawer')).textContent).toContain('Line 253 of audit-2026-07-10.jsonl');
  });

  it('asks the accounting of disclosures and refuses an empty request without calling the backend', async () => {
    const { api, invoke } = fakeApi({ ...baseAnswers, 'analyses.accessReport': () => ok({ ...accessReport, query: { ...accessReport.query, mode: 'disclosures' } }) });
    renderApp(api);
    await openView(/Patient report/);
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Build report' })));
    expect(screen.getByRole('alert').textContent).toMatch(/Enter a patient id/);
    expect(invoke.mock.calls.some(([channel]) => channel === 'analyses.accessReport')).toBe(false);

    fireEvent.change(screen.getByLabelText('Patient ids'), { target: { value: 'P-900001, P-900002' } });
    fireEvent.click(screen.getByLabelText(/Accounting of disclosures/));
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Build report' })));
    expect(invoke).toHaveBeenCalledWith('analyses.accessReport', { patients: ['P-900001', 'P-900002'], disclosures: { excludeTreatmentPaymentOperations: true } });
    expect(await screen.findByRole('heading', { name: /Accounting of disclosures for P-900001/ })).toBeTruthy();
  });

  it('takes the period as typed UTC times in every locale and refuses an impossible date', async () => {
    const { api, invoke } = fakeApi({ ...baseAnswers, 'analyses.accessReport': () => ok(accessReport) });
    renderApp(api);
    await openView(/Patient report/);
    fireEvent.change(screen.getByLabelText('Patient ids'), { target: { value: 'P-900001' } });
    fireEvent.change(screen.getByLabelText('From'), { target: { value: '2026-02-30' } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Build report' })));
    expect(screen.getByRole('alert').textContent).toMatch(/From: use YYYY-MM-DD/);
    expect(invoke.mock.calls.some(([channel]) => channel === 'analyses.accessReport')).toBe(false);

    fireEvent.change(screen.getByLabelText('From'), { target: { value: '2026-07-10' } });
    fireEvent.change(screen.getByLabelText('To'), { target: { value: '2026-07-12 18:30:05' } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Build report' })));
    expect(invoke).toHaveBeenCalledWith('analyses.accessReport', { patients: ['P-900001'], fromMs: Date.UTC(2026, 6, 10), toMs: Date.UTC(2026, 6, 12, 18, 30, 5) });
  });
});

describe('Alerts view', () => {
  it('shows the open count on the navigation, filters by rule, and acknowledges with a name and note', async () => {
    let acknowledged = false;
    const { api, invoke } = fakeApi({
      ...baseAnswers,
      'analyses.alerts': (request) => ok(alertsReport(acknowledged && request.filter.statuses?.includes('open') ? [] : [burstAlert])),
      'analyses.alertAck': (request) => {
        acknowledged = true;
        return ok({ ...request, at: '2026-07-16T10:00:00Z' });
      },
    });
    renderApp(api);
    expect((await screen.findByTestId('alerts-badge')).textContent).toBe('1');
    await openView(/Alerts/);
    const row = await screen.findByTestId('alert-row');
    expect(row.textContent).toContain('12 times within 50 minutes');
    expect(within(row).getAllByTestId('evidence-link').map((link) => link.textContent)).toEqual(['audit-2026-07-10.jsonl:253', 'audit-2026-07-10.jsonl:262', 'audit-2026-07-10.jsonl:270']);
    expect(row.textContent).toContain('+9 more');
    expect(screen.getByTestId('missing-attribution').textContent).toMatch(/1 call\(s\) without a user/);

    await act(async () => fireEvent.change(screen.getByLabelText('Rule'), { target: { value: 'burst' } }));
    expect(invoke).toHaveBeenCalledWith('analyses.alerts', { filter: { statuses: ['open'], rules: ['burst'] } });

    await act(async () => fireEvent.click(within(screen.getByTestId('alert-row')).getByRole('button', { name: 'Acknowledge' })));
    const form = screen.getByRole('form', { name: 'Acknowledge alert' });
    expect((within(form).getByRole('button', { name: 'Acknowledge alert' }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(within(form).getByLabelText('Your name'), { target: { value: 'Dana Privacy' } });
    fireEvent.change(within(form).getByLabelText('Note'), { target: { value: 'Ward round, expected.' } });
    await act(async () => fireEvent.click(within(form).getByRole('button', { name: 'Acknowledge alert' })));
    expect(invoke).toHaveBeenCalledWith('analyses.alertAck', { alertId: burstAlert.id, action: 'acknowledge', by: 'Dana Privacy', note: 'Ward round, expected.' });
    await act(async () => {});
    expect(screen.queryByTestId('alerts-badge')).toBeNull();
    expect(screen.queryAllByTestId('alert-row')).toHaveLength(0);
  });
});

describe('Export from an analysis view', () => {
  it('writes the alerts report as a signed PDF (password sent once, never kept), or the rows shown as CSV with file and line', async () => {
    const { api, invoke } = fakeApi({
      ...baseAnswers,
      'reports.analysisPdf': (request) => ok({ path: request.path, bytes: 20_480, signed: request.signing !== undefined, signer: null }),
      'reports.csv': (request) => ok({ path: request.path, rows: request.rows.length, bytes: 400 }),
    });
    const store = renderApp(api);
    await openView(/Alerts/);
    await screen.findByTestId('alert-row');
    const panel = screen.getByRole('form', { name: 'Export report' });
    fireEvent.change(within(panel).getByLabelText('Save to'), { target: { value: '/reports/alerts.pdf' } });
    fireEvent.click(within(panel).getByLabelText(/Sign \(PAdES\)/));
    fireEvent.change(within(panel).getByLabelText('Signing identity (PKCS#12)'), { target: { value: '/keys/office.p12' } });
    fireEvent.change(within(panel).getByLabelText('Identity password'), { target: { value: 'hunter2-secret' } });
    fireEvent.change(within(panel).getByLabelText('Location'), { target: { value: 'Privacy Office' } });
    await act(async () => fireEvent.click(within(panel).getByRole('button', { name: 'Export' })));
    expect(invoke).toHaveBeenCalledWith('reports.analysisPdf', {
      kind: 'alerts',
      path: '/reports/alerts.pdf',
      exportId: expect.stringMatching(/^export-/),
      signing: { p12Path: '/keys/office.p12', password: 'hunter2-secret', reason: 'Compliance report', location: 'Privacy Office' },
    });
    expect((within(panel).getByLabelText('Identity password') as HTMLInputElement).value).toBe('');
    expect(JSON.stringify(store.getState())).not.toContain('hunter2-secret');
    expect((await screen.findByTestId('last-export')).textContent).toMatch(/\/reports\/alerts\.pdf/);

    fireEvent.change(within(panel).getByLabelText('Export format'), { target: { value: 'csv' } });
    fireEvent.change(within(panel).getByLabelText('Save to'), { target: { value: '/reports/alerts.csv' } });
    await act(async () => fireEvent.click(within(panel).getByRole('button', { name: 'Export' })));
    const csv = invoke.mock.calls.find(([channel]) => channel === 'reports.csv')![1] as { columns: string[]; rows: unknown[][] };
    expect(csv.columns).toContain('First evidence line');
    expect(csv.rows).toHaveLength(1);
    expect(csv.rows[0]!.slice(0, 2)).toEqual(['warning', 'burst']);
    expect(csv.rows[0]![csv.columns.indexOf('First evidence file')]).toBe(FILE);
    expect(csv.rows[0]![csv.columns.indexOf('First evidence line')]).toBe(253);
  });
});

describe('Alert rule settings', () => {
  it('edits the rules as JSON; bad JSON and a rejected field are explained and nothing is saved', async () => {
    const rules = { schemaVersion: 1, revision: 2, updatedAt: '', timeZone: 'UTC', burst: { enabled: true, minAccesses: 10, windowMinutes: 60 } };
    const { api, invoke } = fakeApi({
      ...baseAnswers,
      'settings.alertRules': () => ok({ value: rules, path: '/data/alert-rules.json', loadProblem: null }),
      'settings.saveAlertRules': () => ok({ ok: false, path: 'burst.minAccesses', error: 'Too small: expected number to be >=2' }),
    });
    renderApp(api);
    await openView(/Alerts/);
    const details = screen.getByText('Rule settings').closest('details')!;
    details.open = true;
    await act(async () => details.dispatchEvent(new Event('toggle')));
    const editor = (await screen.findByLabelText('Rule settings JSON')) as HTMLTextAreaElement;
    expect(JSON.parse(editor.value)).toEqual(rules);

    fireEvent.change(editor, { target: { value: '{ "burst": ' } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Save rules' })));
    expect(screen.getByTestId('rules-outcome').textContent).toMatch(/not valid JSON/);
    expect(invoke.mock.calls.some(([channel]) => channel === 'settings.saveAlertRules')).toBe(false);

    fireEvent.change(editor, { target: { value: JSON.stringify({ ...rules, burst: { ...rules.burst, minAccesses: 1 } }) } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Save rules' })));
    expect(invoke).toHaveBeenCalledWith('settings.saveAlertRules', { rules: { ...rules, burst: { ...rules.burst, minAccesses: 1 } } });
    expect(screen.getByTestId('rules-outcome').textContent).toBe('Not saved — burst.minAccesses: Too small: expected number to be >=2. The previous rules stay in force.');
  });
});

describe('Break-the-glass view', () => {
  const event: BtgEvent = {
    key: 'audit-2026-07-10.jsonl:1:abcd',
    timeMs: Date.UTC(2026, 6, 10, 2, 13),
    user: 'usr_10003',
    role: 'physician',
    patient: 'P-900010',
    tool: 'access_patient_record',
    purpose: 'emergency',
    signals: [{ kind: 'flag', field: 'break_the_glass', value: 'true' }],
    source: { file: FILE, line: 1 },
    related: [],
    outcome: 'success',
    status: 'pending',
    review: null,
    history: [],
    overdue: true,
    dueMs: Date.UTC(2026, 6, 17),
  };
  const overview = (journal: JournalStatus, events: BtgEvent[]): BtgOverview => ({
    asOfMs: Date.UTC(2026, 7, 1),
    reviewWindowDays: 7,
    events,
    pending: events.filter((e) => e.status === 'pending').length,
    overdue: events.filter((e) => e.overdue).length,
    reviewed: events.filter((e) => e.status === 'reviewed').length,
    journal,
  });

  it('records a review with decision, reviewer and note, and the event leaves the pending list', async () => {
    let reviewed = false;
    const { api, invoke } = fakeApi({
      ...baseAnswers,
      'analyses.btg': () =>
        ok(overview(journalOk, [reviewed ? { ...event, status: 'reviewed', overdue: false, review: { eventKey: event.key, decision: 'sanction', reviewer: 'Dana Privacy', reviewedAt: '2026-08-01T10:00:00Z', note: 'No emergency.' } } : event])),
      'analyses.btgReview': (request) => {
        reviewed = true;
        return ok({ ...request, reviewedAt: '2026-08-01T10:00:00Z' });
      },
    });
    renderApp(api);
    await openView(/Break-the-glass/);
    const row = await screen.findByTestId('btg-row');
    expect(row.textContent).toContain('overdue');
    expect(row.textContent).toContain('break_the_glass=true');
    await act(async () => fireEvent.click(within(row).getByRole('button', { name: 'Review' })));
    const dialog = screen.getByRole('dialog', { name: 'Review break-the-glass access' });
    fireEvent.click(within(dialog).getByLabelText('Sanction'));
    fireEvent.change(within(dialog).getByLabelText('Reviewer'), { target: { value: 'Dana Privacy' } });
    fireEvent.change(within(dialog).getByLabelText('Review note'), { target: { value: 'No emergency.' } });
    await act(async () => fireEvent.click(within(dialog).getByRole('button', { name: 'Record review' })));
    expect(invoke).toHaveBeenCalledWith('analyses.btgReview', { eventKey: event.key, decision: 'sanction', reviewer: 'Dana Privacy', note: 'No emergency.' });
    expect(screen.queryByRole('dialog', { name: 'Review break-the-glass access' })).toBeNull();
    expect(screen.queryAllByTestId('btg-row')).toHaveLength(0);
    fireEvent.click(screen.getByLabelText('Reviewed'));
    expect(screen.getByTestId('btg-row').textContent).toMatch(/Sanction by Dana Privacy/);
  });

  it('shows a tampered journal as tampered', async () => {
    const tampered: JournalStatus = { ...journalOk, records: 3, state: 'tampered', problem: { line: 2, detail: 'the record hash does not match' } };
    const { api } = fakeApi({ ...baseAnswers, 'analyses.btg': () => ok(overview(tampered, [event])) });
    renderApp(api);
    await openView(/Break-the-glass/);
    expect((await screen.findByTestId('journal-tampered')).textContent).toMatch(/does not verify at line 2: the record hash does not match/);
  });
});

describe('Retention view', () => {
  const policy: RetentionPolicy = {
    schemaVersion: 1,
    revision: 3,
    updatedAt: '2026-07-01T00:00:00Z',
    categories: [{ id: 'healthcare', label: 'Healthcare', retentionDays: 2190, tools: ['access_patient_record'], source: 'HIPAA §164.316(b)(2): six years' }],
    catchAll: { id: 'general', label: 'General', retentionDays: 365, source: 'Lesson default' },
    notes: ['ASTM E2147 asks for longer retention of medical-record audit data.'],
  };
  const review: RetentionReview = {
    asOfMs: Date.UTC(2033, 0, 1),
    policyRevision: 3,
    expiringWindowDays: 90,
    categories: [{ category: 'healthcare', label: 'Healthcare', retentionDays: 2190, source: policy.categories[0]!.source, entries: 600, oldestMs: Date.UTC(2026, 6, 10), newestMs: Date.UTC(2026, 6, 10, 23), underRetention: 0, expiringSoon: 0, pastRetention: 600, undated: 0, nextExpiryMs: null }],
    files: [{ file: FILE, entries: 600, oldestMs: Date.UTC(2026, 6, 10), newestMs: Date.UTC(2026, 6, 10, 23), underRetention: 0, expiringSoon: 0, pastRetention: 600, undated: 0, nextExpiryMs: null, disposalEligible: false, reason: 'Legal hold hold-1 applies.', legalHolds: ['hold-1'], eligibleFromMs: Date.UTC(2032, 6, 9) }],
    unmatchedTools: [{ tool: 'send_message', entries: 12 }],
    entriesWithoutTool: 0,
    activeLegalHolds: [],
    notes: [],
  };

  it('reviews files with their holds, places a hold, and shows a rejected policy with the bad field', async () => {
    const { api, invoke } = fakeApi({
      ...baseAnswers,
      'analyses.retention': () => ok(review),
      'analyses.legalHolds': () => ok({ holds: [{ id: 'hold-1', scope: { patient: 'P-900001' }, placedBy: 'Legal', placedAt: '2026-07-20T00:00:00Z', reason: 'Litigation 17' }], journal: journalOk }),
      'analyses.legalHoldPlace': (request) => ok({ id: 'hold-2', placedAt: '2026-07-21T00:00:00Z', placedBy: request.by, scope: request.scope, reason: request.reason }),
      'settings.retentionPolicy': () => ok({ value: policy, path: '/data/retention-policy.json', loadProblem: null }),
      'settings.saveRetentionPolicy': () => ok({ ok: false, path: 'categories.0.retentionDays', error: 'expected a whole number of days' }),
    });
    renderApp(api);
    await openView(/Retention/);
    const file = await screen.findByTestId('retention-file');
    expect(file.textContent).toMatch(/on legal hold/);
    expect(file.textContent).toMatch(/Legal hold hold-1 applies/);
    expect(screen.getByTestId('unmatched-tools').textContent).toMatch(/send_message \(12\)/);
    expect(screen.getByTestId('legal-hold').textContent).toMatch(/patient P-900001 — placed by Legal/);
    expect(screen.getByText(/HIPAA §164.316/)).toBeTruthy();

    fireEvent.change(screen.getByLabelText('Hold user'), { target: { value: 'usr_10000' } });
    fireEvent.change(screen.getByLabelText('Placed by'), { target: { value: 'Legal' } });
    fireEvent.change(screen.getByLabelText('Hold reason'), { target: { value: 'Investigation 4' } });
    fireEvent.change(screen.getByLabelText('Hold to'), { target: { value: '07/31/2026' } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Place hold' })));
    expect(screen.getByText('To: use YYYY-MM-DD (UTC).')).toBeTruthy();
    expect(invoke.mock.calls.some(([channel]) => channel === 'analyses.legalHoldPlace')).toBe(false);
    fireEvent.change(screen.getByLabelText('Hold from'), { target: { value: '2026-07-01' } });
    fireEvent.change(screen.getByLabelText('Hold to'), { target: { value: '2026-07-31' } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Place hold' })));
    // A date alone as the end covers that whole day.
    expect(invoke).toHaveBeenCalledWith('analyses.legalHoldPlace', {
      scope: { user: 'usr_10000', fromMs: Date.UTC(2026, 6, 1), toMs: Date.UTC(2026, 6, 31, 23, 59, 59, 999) },
      by: 'Legal',
      reason: 'Investigation 4',
    });

    fireEvent.change(screen.getByLabelText('Category 1 retention days'), { target: { value: 'six years' } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Save policy' })));
    const sent = invoke.mock.calls.find(([channel]) => channel === 'settings.saveRetentionPolicy')![1] as { policy: RetentionPolicy };
    expect(sent.policy.categories[0]!.retentionDays).toBe('six years');
    expect(screen.getByTestId('policy-outcome').textContent).toBe(
      'Not saved — categories.0.retentionDays: expected a whole number of days. The previous policy stays in force.',
    );
  });

  it('exports the review as of the date it shows, not as of the day of export', async () => {
    const { api, invoke } = fakeApi({
      ...baseAnswers,
      'analyses.retention': () => ok(review),
      'analyses.legalHolds': () => ok({ holds: [], journal: journalOk }),
      'settings.retentionPolicy': () => ok({ value: policy, path: '/data/retention-policy.json', loadProblem: null }),
      'reports.analysisPdf': (request) => ok({ path: request.path, bytes: 2048, signed: false, signer: null }),
    });
    renderApp(api);
    await openView(/Retention/);
    await screen.findByTestId('retention-file');
    const panel = screen.getByRole('region', { name: 'Export' });
    fireEvent.change(within(panel).getByLabelText('Save to'), { target: { value: '/reports/retention.pdf' } });
    await act(async () => fireEvent.click(within(panel).getByRole('button', { name: 'Export' })));
    expect(invoke).toHaveBeenCalledWith('reports.analysisPdf', { kind: 'retention', path: '/reports/retention.pdf', exportId: expect.stringMatching(/^export-/), asOfMs: Date.UTC(2033, 0, 1) });
  });

  it('reviews as of a typed UTC date and refuses one it cannot read instead of using today', async () => {
    const { api, invoke } = fakeApi({
      ...baseAnswers,
      'analyses.retention': () => ok(review),
      'analyses.legalHolds': () => ok({ holds: [], journal: journalOk }),
      'settings.retentionPolicy': () => ok({ value: policy, path: '/data/retention-policy.json', loadProblem: null }),
    });
    renderApp(api);
    await openView(/Retention/);
    await screen.findByTestId('retention-file');
    const calls = () => invoke.mock.calls.filter(([channel]) => channel === 'analyses.retention').length;
    const before = calls();
    fireEvent.change(screen.getByLabelText('As of'), { target: { value: '1/1/2033' } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Review' })));
    expect(screen.getByText(/As of: use YYYY-MM-DD/)).toBeTruthy();
    expect(calls()).toBe(before);
    fireEvent.change(screen.getByLabelText('As of'), { target: { value: '2033-01-01' } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Review' })));
    expect(invoke).toHaveBeenCalledWith('analyses.retention', { asOfMs: Date.UTC(2033, 0, 1) });
    expect(calls()).toBe(before + 1);
    expect(screen.queryByText(/As of: use YYYY-MM-DD/)).toBeNull();
  });
});
