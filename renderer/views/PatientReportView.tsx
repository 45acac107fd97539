import { useEffect, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { IDENTIFIER_KINDS, type AccessReport, type AccessReportRequest, type IdentifierKind, type TimelineDay } from '../../shared/analyses';
import { formatCount, formatTime, parseUtcFieldValue } from '../format';
import { useCustos } from '../store/store';
import { DetailDrawer } from './DetailDrawer';
import { EvidenceLink, Explainer, folderAndName, listOf } from './Evidence';
import { ExportPanel } from '../components/ExportPanel';
import { accessRowsCsv } from './analysis-csv';
import { axisSizeForLabels } from './chart-axis';

const IDENTIFIER_LABELS: Record<IdentifierKind, string> = {
  'patient-id': 'Patient id (hashed)',
  name: 'Name',
  ssn: 'SSN',
  dob: 'Date of birth',
  phone: 'Phone',
  address: 'Address',
  other: 'Other identifier',
};

/** Rows drawn at once; the PDF export and the CLI carry all of them. */
const MAX_ROWS_SHOWN = 2000;

/**
 * "Who accessed this patient's records, when, why, and was it allowed?" A clear identifier is
 * typed into a password field, sent once to be hashed by the backend, and never kept here.
 */
export function PatientReportView() {
  const report = useCustos((state) => state.accessReport);
  const run = useCustos((state) => state.runAccessReport);
  const hasFiles = useCustos((state) => (state.summary?.files.length ?? 0) > 0);
  const [patients, setPatients] = useState('');
  const [kind, setKind] = useState<IdentifierKind>('name');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [disclosures, setDisclosures] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const identifier = useRef<HTMLInputElement>(null);

  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    const clear = identifier.current?.value ?? '';
    const request: AccessReportRequest = {};
    const ids = listOf(patients);
    if (ids) request.patients = ids;
    if (clear.length > 0) request.identifiers = [{ kind, value: clear }];
    // The clear value leaves the field now; only its hashes are ever kept (by the backend's report).
    if (identifier.current) identifier.current.value = '';
    if (!request.patients && !request.identifiers) {
      setFormError('Enter a patient id, or an identifier such as a name or SSN.');
      return;
    }
    const fromMs = parseUtcFieldValue(from);
    const toMs = parseUtcFieldValue(to);
    if (fromMs === null || toMs === null) {
      setFormError(`${fromMs === null ? 'From' : 'To'}: use YYYY-MM-DD or YYYY-MM-DD HH:MM:SS (UTC).`);
      return;
    }
    if (fromMs !== undefined) request.fromMs = fromMs;
    if (toMs !== undefined) request.toMs = toMs;
    if (fromMs !== undefined && toMs !== undefined && fromMs > toMs) {
      setFormError('The start of the period is after its end.');
      return;
    }
    if (disclosures) request.disclosures = { excludeTreatmentPaymentOperations: true };
    setFormError(null);
    void run(request);
  };

  return (
    <section className="view analysis-view" aria-labelledby="patients-title">
      <div className="view-header">
        <h1 id="patients-title">Patient access report</h1>
      </div>
      <Explainer>
        Who accessed a patient's records, when, why, and whether it succeeded — with the file and line of every access. Search by the internal
        patient id, or by a name, SSN, date of birth, phone or address: Custos hashes the value on this computer the ways the logs sanitize it
        and searches for the hashes; the clear value is never stored or logged.
      </Explainer>
      <form className="panel analysis-form" onSubmit={submit} aria-label="Report request">
        <label>
          Patient id(s)
          <input value={patients} onChange={(event) => setPatients(event.target.value)} placeholder="P-900001, P-900002" aria-label="Patient ids" />
        </label>
        <label>
          Identifier kind
          <select value={kind} onChange={(event) => setKind(event.target.value as IdentifierKind)} aria-label="Identifier kind">
            {IDENTIFIER_KINDS.map((id) => (
              <option key={id} value={id}>
                {IDENTIFIER_LABELS[id]}
              </option>
            ))}
          </select>
        </label>
        <label>
          Identifier value (hashed, never stored)
          <input ref={identifier} type="password" autoComplete="off" spellCheck={false} aria-label="Identifier value" />
        </label>
        <label>
          From (UTC)
          <input className="mono" value={from} onChange={(event) => setFrom(event.target.value)} placeholder="YYYY-MM-DD HH:MM:SS" spellCheck={false} autoComplete="off" aria-label="From" />
        </label>
        <label>
          To (UTC)
          <input className="mono" value={to} onChange={(event) => setTo(event.target.value)} placeholder="YYYY-MM-DD HH:MM:SS" spellCheck={false} autoComplete="off" aria-label="To" />
        </label>
        <label className="analysis-check">
          <input type="checkbox" checked={disclosures} onChange={(event) => setDisclosures(event.target.checked)} />
          Accounting of disclosures (leave out treatment, payment and operations)
        </label>
        <button className="button button--primary" type="submit" disabled={report.loading || !hasFiles}>
          {report.loading ? 'Building…' : 'Build report'}
        </button>
      </form>
      {!hasFiles && <p className="empty">Open an archive first: the report draws on the open files.</p>}
      {formError && (
        <p className="field-error" role="alert">
          {formError}
        </p>
      )}
      {report.error && (
        <div className="panel panel--error" role="alert">
          <strong>The report could not be built.</strong> {report.error}
        </div>
      )}
      {report.value && <ReportBody report={report.value} />}
      <DetailDrawer />
    </section>
  );
}

function ReportBody({ report }: { report: AccessReport }) {
  const { summary } = report;
  const broken = report.integrity === 'broken';
  const subject = report.patients.length > 0 ? report.patients.join(', ') : 'no patient found';
  return (
    <div className="analysis-body" data-testid="access-report">
      {report.banner.length > 0 && (
        <div className={`panel analysis-banner ${broken ? 'panel--error' : 'analysis-banner--warning'}`} role="alert" data-testid="report-banner">
          <strong>{broken ? 'This report draws on an archive that was altered.' : 'Read this report with care.'}</strong>
          <ul>
            {report.banner.map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
        </div>
      )}
      <h2>
        {report.query.mode === 'disclosures' ? 'Accounting of disclosures' : 'Accesses'} for {subject}
      </h2>

      <Explainer>
        {report.query.mode === 'disclosures'
          ? `Disclosures in the style of HIPAA §164.528: ${formatCount(summary.excludedAsTreatmentPaymentOperations)} accesses for treatment, payment or health-care operations are left out.`
          : 'Every recorded access to the patient, including failed ones.'}{' '}
        Integrity: {report.integrity}; completeness: {report.completeness}.
        {report.identifierMatches.map((match) =>
          ` The ${IDENTIFIER_LABELS[match.kind].toLowerCase()} matched ${formatCount(match.entries)} entries${match.patients.length > 0 ? ` (patients ${match.patients.join(', ')})` : ''}.`,
        )}
      </Explainer>
      <div className="summary-grid" aria-label="Summary">
        <Tile label="Accesses" value={summary.totalAccesses} />
        <Tile label="Unique users" value={summary.uniqueUsers} />
        <Tile label="Failures" value={summary.failures} />
        <Tile label="Break-the-glass" value={summary.breakGlass} />
        <Tile label="Missing attribution" value={summary.missingAttribution} />
        <Tile label="Undated" value={summary.undated} />
      </div>
      <p className="muted">
        {summary.firstMs !== null ? `From ${formatTime(summary.firstMs)} to ${formatTime(summary.lastMs)} UTC.` : 'No dated accesses.'}{' '}
        {summary.purposes.length > 0 && `Purposes: ${summary.purposes.map((p) => `${p.purpose} (${p.accesses})`).join(', ')}.`}
      </p>
      <Timeline days={report.timeline} timeZone={report.query.timeZone} />
      <div className="table-wrap">
        <table className="table" aria-label="Files the report draws on">
          <thead>
            <tr>
              <th>File</th>
              <th>Format</th>
              <th>Chain</th>
              <th className="num">Critical</th>
              <th className="num">Warnings</th>
              <th className="num">Rows</th>
            </tr>
          </thead>
          <tbody>
            {report.files.map((file) => (
              <tr key={file.file}>
                <td title={file.file}>{folderAndName(file.file)}</td>
                <td>{file.format ?? '—'}</td>
                <td>
                  <span className={`pill${file.chain === 'broken' ? ' pill--danger' : file.chain === 'intact' ? ' pill--ok' : ' pill--warning'}`}>{file.chain}</span>
                </td>
                <td className="num">{formatCount(file.criticalFindings)}</td>
                <td className="num">{formatCount(file.warningFindings)}</td>
                <td className="num">{formatCount(file.rows)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="table-wrap">
        <table className="table" aria-label="Accesses">
          <thead>
            <tr>
              <th>Time (UTC)</th>
              <th>User</th>
              <th>Role</th>
              <th>Tool</th>
              <th>Purpose</th>
              <th>Outcome</th>
              <th>Break-the-glass</th>
              <th>Alerts</th>
              <th>Evidence</th>
            </tr>
          </thead>
          <tbody>
            {report.rows.slice(0, MAX_ROWS_SHOWN).map((row) => (
              <tr key={`${row.source.file}:${row.source.line}`} data-testid="access-row">
                <td className="nowrap">{row.timeMs !== null ? formatTime(row.timeMs) : <span className="warning-text">{row.timeRaw ?? 'no time'}</span>}</td>
                <td>{row.user ?? <span className="warning-text">missing</span>}</td>
                <td>{row.role ?? '—'}</td>
                <td>{row.tool ?? '—'}</td>
                <td>{row.purpose ?? '—'}</td>
                <td>
                  <span className={`pill${row.outcome === 'failure' ? ' pill--danger' : row.outcome === 'success' ? ' pill--ok' : ''}`}>{row.outcome}</span>
                </td>
                <td>{row.breakGlass.length > 0 ? <span className="pill pill--warning">{row.breakGlass.map((signal) => `${signal.field}=${signal.value}`).join(', ')}</span> : ''}</td>
                <td>{row.alerts.join(', ')}</td>
                <td>
                  <EvidenceLink evidence={row.source} />
                  {row.viaIdentifier && <span className="muted"> (by identifier)</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {report.rows.length > MAX_ROWS_SHOWN && (
        <p className="muted">
          Showing the first {formatCount(MAX_ROWS_SHOWN)} of {formatCount(report.rows.length)} accesses; the exports and `custos report access --json` list all of them.
        </p>
      )}
      {report.patients.length > 0 && (
        <ExportPanel
          target={report.query.mode === 'disclosures' ? 'disclosures' : 'patient-access'}
          baseName={`${report.query.mode === 'disclosures' ? 'disclosures' : 'access-report'}-${report.patients[0]}`}
          scope={{
            patients: report.patients,
            ...(report.query.fromMs !== null ? { fromMs: report.query.fromMs } : {}),
            ...(report.query.toMs !== null ? { toMs: report.query.toMs } : {}),
            ...(report.query.mode === 'disclosures' ? { includeTreatmentPaymentOperations: false } : {}),
          }}
          csv={() => accessRowsCsv(report)}
        />
      )}
    </div>
  );
}

function Tile({ label, value }: { label: string; value: number }) {
  return (
    <div className="summary-tile">
      <div className="summary-tile-label">{label}</div>
      <div className="summary-tile-value">{formatCount(value)}</div>
    </div>
  );
}

function cssColor(element: Element, name: string, fallback: string): string {
  return getComputedStyle(element).getPropertyValue(name).trim() || fallback;
}

/** Accesses per day in the report's time zone: successes, failures and break-the-glass. */
function Timeline({ days, timeZone }: { days: TimelineDay[]; timeZone: string }) {
  const container = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const element = container.current;
    if (!element || days.length === 0) return;
    const xs = days.map((day) => Date.parse(`${day.day}T00:00:00Z`) / 1000);
    const accesses = days.map((day) => day.accesses);
    const failures = days.map((day) => (day.failures > 0 ? day.failures : null));
    const btg = days.map((day) => (day.breakGlass > 0 ? day.breakGlass : null));
    const axis = cssColor(element, '--text-muted', '#888');
    const grid = cssColor(element, '--border', '#333');
    // Each bar covers its whole day: it starts at midnight and the axis ticks are whole days.
    const bars = uPlot.paths.bars!({ size: [0.8, 80], align: 1 });
    const DAY = 86_400;
    const dayIncrements = [DAY, 2 * DAY, 7 * DAY, 14 * DAY, 30 * DAY, 91 * DAY, 365 * DAY];
    const chart = new uPlot(
      {
        width: Math.max(240, element.clientWidth),
        height: 160,
        tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
        legend: { show: true },
        cursor: { drag: { x: false, y: false } },
        scales: { x: { time: true, range: (_u, min, max) => [min, max + DAY] }, y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
        axes: [
          { stroke: axis, grid: { stroke: grid, width: 1 }, incrs: dayIncrements, values: (_u, splits) => splits.map((split) => new Date(split * 1000).toISOString().slice(0, 10)) },
          { stroke: axis, grid: { stroke: grid, width: 1 }, size: axisSizeForLabels },
        ],
        series: [
          {},
          { label: 'Accesses', stroke: cssColor(element, '--accent', '#2563eb'), fill: cssColor(element, '--accent-soft', '#dbe6fd'), paths: bars },
          { label: 'Failures', stroke: cssColor(element, '--danger', '#c62828'), width: 2, points: { show: true } },
          { label: 'Break-the-glass', stroke: cssColor(element, '--warning', '#a15c00'), width: 2, points: { show: true } },
        ],
      },
      [xs, accesses, failures, btg],
      element,
    );
    const resize = new ResizeObserver(() => chart.setSize({ width: Math.max(240, element.clientWidth), height: 160 }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      chart.destroy();
    };
  }, [days]);

  if (days.length === 0) return <p className="muted">No dated accesses to chart.</p>;
  return (
    <figure className="panel" aria-label="Access timeline">
      <figcaption className="muted">Accesses per day ({timeZone})</figcaption>
      <div ref={container} className="timeline-chart" data-testid="access-timeline" />
    </figure>
  );
}
