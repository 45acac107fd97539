import { useEffect, useRef, useState } from 'react';
import type { CollectingSource, ExportPhase } from '../../shared/report';
import { exportStatus, type CsvTable, type ExportScope, type ExportStatusProgress, type ExportTarget } from '../store/exportSlice';
import { useCustos } from '../store/store';
import { useApi } from './ApiContext';
import '../export.css';

type Format = 'pdf' | 'fhir-ndjson' | 'fhir-bundle' | 'csv';

const EXTENSION: Record<Format, string> = { pdf: 'pdf', 'fhir-ndjson': 'ndjson', 'fhir-bundle': 'json', csv: 'csv' };

const PHASE_LABEL: Record<ExportPhase, string> = {
  collecting: 'Reading the archive',
  layout: 'Laying out pages',
  rendering: 'Writing rows',
  signing: 'Signing',
  writing: 'Saving the file',
};

const COLLECTING_LABEL: Record<CollectingSource, string> = {
  reading: 'Reading the archive',
  'shared-load': 'Waiting for the analysis data',
  reused: 'Using the loaded analysis data',
};

/** "Writing rows 2,500 of 10,000", or just the phase when it has no count worth showing. */
function describeProgress(progress: ExportStatusProgress): string {
  const label = progress.phase === 'collecting' && progress.source !== undefined ? COLLECTING_LABEL[progress.source] : PHASE_LABEL[progress.phase];
  if (progress.source === 'reused') return label;
  if (progress.total === null || progress.total <= 1) return label;
  if (progress.phase === 'collecting') return `${label} (${formatMegabytes(progress.done)} of ${formatMegabytes(progress.total)})`;
  return `${label} ${progress.done.toLocaleString('en-US')} of ${progress.total.toLocaleString('en-US')}`;
}

function formatMegabytes(bytes: number): string {
  return `${(bytes / 1048576).toFixed(bytes < 10 * 1048576 ? 1 : 0)} MB`;
}

export interface ExportPanelProps {
  /** The report: the integrity certificate or an analysis report kind. */
  target: ExportTarget;
  /** The part of the report the view shows (patient, period). */
  scope?: ExportScope;
  /** The rows the view shows, for CSV; leave out when the view has no table. */
  csv?: () => CsvTable;
  /** File name offered by the save dialog, without extension. */
  baseName: string;
  /** Why the export cannot run now (e.g. no archive open); null when it can. */
  disabledReason?: string | null;
}

/**
 * Export of a report view as PDF (signed or not), FHIR AuditEvents or CSV of its rows. The signing
 * password is read from an uncontrolled field at submit, sent once with the request and cleared:
 * it is never kept in React state or the store.
 */
export function ExportPanel({ target, scope = {}, csv, baseName, disabledReason = null }: ExportPanelProps) {
  const api = useApi();
  const status = useCustos((state) => exportStatus(state, target));
  const runExport = useCustos((state) => state.runExport);
  const cancelExport = useCustos((state) => state.cancelExport);
  const [format, setFormat] = useState<Format>('pdf');
  const [path, setPath] = useState('');
  const [sign, setSign] = useState(false);
  const [p12Path, setP12Path] = useState('');
  const [reason, setReason] = useState('Compliance report');
  const [location, setLocation] = useState('');
  const [preparedBy, setPreparedBy] = useState('');
  const [sealPath, setSealPath] = useState('');
  const [formError, setFormError] = useState<string | null>(null);
  const password = useRef<HTMLInputElement>(null);
  const id = `export-${target}`;
  const elapsed = useElapsedSeconds(status.busy);

  const chooseSavePath = async (): Promise<string | null> => {
    const result = await api.invoke('dialog.savePath', { defaultName: `${baseName}.${EXTENSION[format]}`, extensions: [EXTENSION[format]] });
    const chosen = result.ok ? result.value.path : null;
    if (chosen) setPath(chosen);
    return chosen;
  };

  const chooseIdentity = async () => {
    const result = await api.invoke('dialog.openPaths', { kind: 'files' });
    const chosen = result.ok ? result.value.paths[0] : undefined;
    if (chosen) setP12Path(chosen);
  };

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    const secret = password.current?.value ?? '';
    // The password leaves the field now; it exists only inside the one request below.
    if (password.current) password.current.value = '';
    let destination = path.trim();
    if (destination.length === 0 && api.host === 'electron') destination = (await chooseSavePath()) ?? '';
    if (destination.length === 0) {
      setFormError(api.host === 'electron' ? 'Choose where to save the export.' : 'Type the path of the file to write, e.g. /home/me/report.pdf.');
      return;
    }
    if (format === 'pdf' && sign) {
      if (p12Path.trim().length === 0) return setFormError('Choose the PKCS#12 (.p12/.pfx) signing identity, or untick "Sign".');
      if (reason.trim().length === 0 || location.trim().length === 0) return setFormError('A signed report states a reason and a location: fill in both.');
    }
    setFormError(null);
    if (format === 'csv') {
      if (csv) await runExport(target, { format: 'csv', path: destination, table: csv() });
      return;
    }
    if (format === 'fhir-ndjson' || format === 'fhir-bundle') {
      await runExport(target, { format: 'fhir', path: destination, scope, bundle: format === 'fhir-bundle' });
      return;
    }
    await runExport(target, {
      format: 'pdf',
      path: destination,
      scope,
      ...(preparedBy.trim() ? { generatedBy: preparedBy.trim() } : {}),
      ...(target === 'integrity-certificate' && sealPath.trim() ? { sealPath: sealPath.trim() } : {}),
      ...(sign ? { signing: { p12Path: p12Path.trim(), password: secret, reason: reason.trim(), location: location.trim() } } : {}),
    });
  };

  const disabled = status.busy || disabledReason !== null;
  return (
    <section className="panel export-panel" aria-label="Export">
      <form className="analysis-form export-form" onSubmit={(event) => void submit(event)} aria-label="Export report">
        <label>
          Export as
          <select value={format} onChange={(event) => setFormat(event.target.value as Format)} aria-label="Export format">
            <option value="pdf">PDF report</option>
            <option value="fhir-ndjson">FHIR AuditEvents (NDJSON)</option>
            <option value="fhir-bundle">FHIR AuditEvents (Bundle)</option>
            {csv && <option value="csv">CSV of the rows shown</option>}
          </select>
        </label>
        <label className="export-path">
          Save to
          <input
            id={`${id}-path`}
            type="text"
            value={path}
            spellCheck={false}
            placeholder={`/home/me/${baseName}.${EXTENSION[format]}`}
            onChange={(event) => setPath(event.target.value)}
            aria-label="Save to"
          />
        </label>
        {api.host === 'electron' && (
          <button className="button" type="button" onClick={() => void chooseSavePath()}>
            Choose…
          </button>
        )}
        {format === 'pdf' && (
          <label>
            Prepared by (optional)
            <input type="text" value={preparedBy} placeholder="name on the report" onChange={(event) => setPreparedBy(event.target.value)} aria-label="Prepared by" />
          </label>
        )}
        {format === 'pdf' && target === 'integrity-certificate' && (
          <label className="export-path">
            Compare with seal (optional)
            <input type="text" value={sealPath} spellCheck={false} placeholder="/home/me/archive.seal.json" onChange={(event) => setSealPath(event.target.value)} aria-label="Compare with seal" />
          </label>
        )}
        {format === 'pdf' && (
          <label className="analysis-check">
            <input type="checkbox" checked={sign} onChange={(event) => setSign(event.target.checked)} /> Sign (PAdES)
          </label>
        )}
        <button className="button button--primary" type="submit" disabled={disabled}>
          {status.busy ? 'Exporting…' : 'Export'}
        </button>
        {format === 'pdf' && sign && (
          <fieldset className="export-signing">
            <legend>Signature</legend>
            <label className="export-path">
              Signing identity (PKCS#12)
              <input type="text" value={p12Path} spellCheck={false} placeholder="/home/me/privacy-office.p12" onChange={(event) => setP12Path(event.target.value)} aria-label="Signing identity (PKCS#12)" />
            </label>
            {api.host === 'electron' && (
              <button className="button" type="button" onClick={() => void chooseIdentity()}>
                Choose…
              </button>
            )}
            <label>
              Password (used once, never stored)
              <input ref={password} type="password" autoComplete="off" aria-label="Identity password" />
            </label>
            <label>
              Reason
              <input type="text" value={reason} onChange={(event) => setReason(event.target.value)} aria-label="Reason" />
            </label>
            <label>
              Location
              <input type="text" value={location} placeholder="Hamburg, Privacy Office" onChange={(event) => setLocation(event.target.value)} aria-label="Location" />
            </label>
          </fieldset>
        )}
      </form>
      {(format === 'fhir-ndjson' || format === 'fhir-bundle') && (
        <p className="muted" data-testid="fhir-scope">
          FHIR R4 AuditEvents of every tool call in the open archives
          {scope.patients && scope.patients.length > 0 ? ` about ${scope.patients.join(', ')}` : ''}
          {scope.fromMs !== undefined ? ` from ${new Date(scope.fromMs).toISOString()}` : ''}
          {scope.toMs !== undefined ? ` until ${new Date(scope.toMs).toISOString()}` : ''}.
        </p>
      )}
      {disabledReason && <p className="muted">{disabledReason}</p>}
      {status.busy && (
        <div className="export-progress" role="status">
          <div className="export-progress-line">
            {status.progress ? (
              <span>
                {status.cancelling ? 'Cancelling…' : describeProgress(status.progress)} — <strong>{Math.floor(status.progress.fraction * 100)} %</strong>
              </span>
            ) : (
              <span>
                <span className="export-spinner" aria-hidden="true" /> {status.activity}
              </span>
            )}
            {elapsed >= 2 && <span className="muted"> {elapsed} s</span>}
            <button className="button" type="button" onClick={() => void cancelExport(target)} disabled={status.cancelling}>
              Cancel export
            </button>
          </div>
          <div
            className="export-progress-bar"
            role="progressbar"
            aria-label="Export progress"
            aria-valuemin={0}
            aria-valuemax={100}
            {...(status.progress ? { 'aria-valuenow': Math.floor(status.progress.fraction * 100) } : {})}
          >
            <div className={status.progress ? 'export-progress-fill' : 'export-progress-fill export-progress-fill--waiting'} style={{ width: `${status.progress ? status.progress.fraction * 100 : 100}%` }} />
          </div>
        </div>
      )}
      {status.notice && !status.busy && (
        <p className="muted" data-testid="export-notice">
          {status.notice}
        </p>
      )}
      {formError && (
        <p className="field-error" role="alert">
          {formError}
        </p>
      )}
      {status.error && (
        <div className="panel panel--error" role="alert" data-testid="export-error">
          <strong>The export failed.</strong> {status.error.message} <span className="export-hint">{status.error.hint}</span>
        </div>
      )}
      {status.lastPath && !status.busy && (
        <p className="export-last" data-testid="last-export">
          Last export: <code>{status.lastPath}</code> <span className="muted">({status.lastSummary})</span>
        </p>
      )}
    </section>
  );
}

/** Seconds since `running` became true, ticking once a second: a long report visibly stays alive. */
function useElapsedSeconds(running: boolean): number {
  const [seconds, setSeconds] = useState(0);
  useEffect(() => {
    if (!running) return;
    const started = Date.now();
    const timer = setInterval(() => setSeconds(Math.floor((Date.now() - started) / 1000)), 1000);
    return () => {
      clearInterval(timer);
      setSeconds(0);
    };
  }, [running]);
  return running ? seconds : 0;
}
