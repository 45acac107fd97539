import { useEffect } from 'react';
import { FINDING_EXPLANATIONS } from '../../shared/findings';
import type { FindingRow } from '../../shared/query';
import { ExportPanel } from '../components/ExportPanel';
import { findingsCsv } from '../components/report-csv';
import { baseName, formatCount } from '../format';
import { useCustos } from '../store/store';

const INTEGRITY_TEXT = {
  intact: 'Every hash chain verified: no entry was changed, inserted, moved or deleted between the first and last entry.',
  broken: 'At least one chain does not verify: the archive was altered after it was written. See the findings below.',
  unchained: 'These files carry no hash chain, so their integrity cannot be proven by Custos.',
} as const;
const COMPLETENESS_TEXT = {
  confirmed: 'A trusted anchor or seal confirms the archive is complete up to its last entry.',
  unconfirmed: 'Nothing proves the newest entries are all there: a chain cannot reveal entries cut from the end. Seal or anchor the archive to confirm it.',
  incomplete: 'Entries or files are missing: see the findings below.',
} as const;

export function IntegrityView() {
  const summary = useCustos((state) => state.summary);
  const findings = useCustos((state) => state.findings);
  const total = useCustos((state) => state.findingsTotal);
  const loading = useCustos((state) => state.findingsLoading);
  const error = useCustos((state) => state.findingsError);
  const loadFindings = useCustos((state) => state.loadFindings);
  const loadMore = useCustos((state) => state.loadMoreFindings);
  const selectedId = useCustos((state) => state.selectedFindingId);
  const select = useCustos((state) => state.selectFinding);

  useEffect(() => {
    if (total === null && !loading && !error) void loadFindings();
  }, [total, loading, error, loadFindings]);

  const verdict = summary && summary.files.length > 0 ? summary.verdict : null;
  const selectedIndex = findings.findIndex((finding) => finding.id === selectedId);

  const onListKey = (event: React.KeyboardEvent) => {
    const delta = event.key === 'ArrowDown' ? 1 : event.key === 'ArrowUp' ? -1 : 0;
    if (!delta || findings.length === 0) return;
    event.preventDefault();
    const next = findings[Math.max(0, Math.min(findings.length - 1, (selectedIndex < 0 ? -1 : selectedIndex) + delta))];
    if (next) void select(next.id);
  };

  return (
    <section className="view view--split" aria-labelledby="integrity-title">
      <div className="view-header">
        <h1 id="integrity-title">Integrity</h1>
      </div>
      {verdict ? (
        <div className="verdicts">
          <div className={`verdict-card verdict-card--${verdict.integrity}`} aria-label="Integrity verdict">
            <div className="verdict-card-label">Integrity</div>
            <div className="verdict-card-value">{verdict.integrity}</div>
            <p>{INTEGRITY_TEXT[verdict.integrity]}</p>
          </div>
          <div className={`verdict-card verdict-card--${verdict.completeness}`} aria-label="Completeness verdict">
            <div className="verdict-card-label">Completeness</div>
            <div className="verdict-card-value">{verdict.completeness}</div>
            <p>{COMPLETENESS_TEXT[verdict.completeness]}</p>
          </div>
          {verdict.reasons.length > 0 && (
            <ul className="verdict-reasons" aria-label="Reasons for the verdicts">
              {verdict.reasons.map((reason) => (
                <li key={reason}>{reason}</li>
              ))}
            </ul>
          )}
        </div>
      ) : (
        <div className="empty">
          <p>No archives are open, so there is nothing to verify yet.</p>
        </div>
      )}

      {verdict && <ExportPanel target="integrity-certificate" baseName="integrity-certificate" csv={() => findingsCsv(findings)} />}
      {error && (
        <div className="panel panel--error" role="alert">
          <strong>Loading findings failed.</strong> {error}{' '}
          <button className="button button--small" onClick={() => void loadFindings()}>
            Retry
          </button>
        </div>
      )}

      {verdict && (
        <div className="split">
          <div className="split-list">
            <div className="list-header">
              {total === null ? 'Loading findings…' : total === 0 ? (verdict.integrity === 'intact' ? 'No findings: every line parsed and every link verified.' : 'No findings: every line parsed.') : `${formatCount(total)} findings`}
            </div>
            {findings.length > 0 && (
              <ul className="finding-list" role="listbox" aria-label="Findings" tabIndex={0} onKeyDown={onListKey} aria-activedescendant={selectedId !== null ? `finding-${selectedId}` : undefined}>
                {findings.map((finding) => (
                  <li
                    key={finding.id}
                    id={`finding-${finding.id}`}
                    role="option"
                    aria-selected={finding.id === selectedId}
                    className={`finding-item${finding.id === selectedId ? ' finding-item--selected' : ''}`}
                    onClick={() => void select(finding.id)}
                    data-testid="finding-item"
                  >
                    <span className={`severity severity--${finding.severity}`}>{finding.severity}</span>
                    <span className="finding-kind">{finding.kind}</span>
                    <span className="finding-where" title={finding.file}>
                      {baseName(finding.file)}
                      {finding.line !== null ? `:${finding.line}` : ''}
                    </span>
                    <span className="finding-detail">{finding.detail}</span>
                  </li>
                ))}
              </ul>
            )}
            {total !== null && findings.length < total && (
              <button className="button" disabled={loading} onClick={() => void loadMore()}>
                {loading ? 'Loading…' : `Show more (${formatCount(total - findings.length)} left)`}
              </button>
            )}
          </div>
          <div className="split-detail">
            {selectedIndex >= 0 ? <FindingDetail finding={findings[selectedIndex]!} /> : <p className="muted">Select a finding to see the evidence around it.</p>}
          </div>
        </div>
      )}
    </section>
  );
}

function FindingDetail({ finding }: { finding: FindingRow }) {
  const context = useCustos((state) => state.context);
  const loading = useCustos((state) => state.contextLoading);
  const error = useCustos((state) => state.contextError);
  const select = useCustos((state) => state.selectFinding);
  const setFilter = useCustos((state) => state.setFilter);
  const setView = useCustos((state) => state.setView);
  const fileId = finding.fileId;
  const exploreFile = () => {
    if (fileId === null) return;
    setFilter({ fileIds: [fileId] });
    setView('explorer');
  };

  return (
    <article className="finding-detail-panel" aria-label="Finding detail" data-testid="finding-detail">
      <h2>
        <span className={`severity severity--${finding.severity}`}>{finding.severity}</span> {finding.kind}
      </h2>
      <dl className="facts">
        <dt>File</dt>
        <dd>
          <code>{finding.file}</code>
        </dd>
        <dt>Line</dt>
        <dd data-testid="finding-line">{finding.line ?? 'whole file'}</dd>
        <dt>What is wrong</dt>
        <dd>{finding.detail}</dd>
        <dt>What it means</dt>
        <dd>{FINDING_EXPLANATIONS[finding.kind]}</dd>
        {finding.expected !== undefined && (
          <>
            <dt>Expected</dt>
            <dd>
              <code className="hash-full">{finding.expected}</code>
            </dd>
          </>
        )}
        {finding.found !== undefined && (
          <>
            <dt>Found</dt>
            <dd>
              <code className="hash-full hash-full--bad">{finding.found}</code>
            </dd>
          </>
        )}
      </dl>
      {fileId !== null && (
        <p>
          <button className="button button--small" onClick={exploreFile}>
            Explore this file's entries
          </button>
        </p>
      )}
      {finding.line !== null && (
        <>
          <h3>The line and its neighbours (re-read from disk)</h3>
          {loading && <p className="muted">Reading the file…</p>}
          {error && (
            <p className="error-text" role="alert">
              Could not read the lines: {error}{' '}
              <button className="button button--small" onClick={() => void select(finding.id)}>
                Retry
              </button>
            </p>
          )}
          {context && (
            <table className="context-lines" aria-label="Raw lines around the finding">
              <tbody>
                {context.lines.map((line) => (
                  <tr key={line.line} className={line.line === finding.line ? 'context-line--finding' : undefined}>
                    <th scope="row">{line.line}</th>
                    <td>
                      <code>{line.raw}</code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </article>
  );
}
