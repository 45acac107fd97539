import { useState } from 'react';
import type { ArchiveFile } from '../../shared/archive';
import type { OpenProgress } from '../../shared/archive';
import { useApi } from '../components/ApiContext';
import { baseName, formatBytes, formatCount, formatEta, formatRate, formatTime, shortHash } from '../format';
import { useCustos } from '../store/store';
import type { OpenJob } from '../store/archives';
import { WatchFolder } from '../components/WatchFolder';

const CHAIN_LABEL = { intact: 'Intact', broken: 'Broken', unchained: 'Unchained' } as const;

export function ArchivesView() {
  const api = useApi();
  const summary = useCustos((state) => state.summary);
  const summaryLoading = useCustos((state) => state.summaryLoading);
  const jobs = useCustos((state) => state.jobs);
  const recent = useCustos((state) => state.recent);
  const failures = useCustos((state) => state.openFailures);
  const openPaths = useCustos((state) => state.openPaths);
  const pickAndOpen = useCustos((state) => state.pickAndOpen);
  const openDemo = useCustos((state) => state.openDemo);
  const closeFiles = useCustos((state) => state.closeFiles);
  const dismissFailures = useCustos((state) => state.dismissFailures);
  const [pathText, setPathText] = useState('');
  const [replace, setReplace] = useState(false);
  const [showPathField, setShowPathField] = useState(api.host !== 'electron');
  const mode = replace ? 'replace' : 'add';

  const pick = async (kind: 'files' | 'folder') => {
    const outcome = await pickAndOpen(kind, mode);
    if (outcome === 'unsupported') setShowPathField(true);
  };

  const submitPaths = async (event: React.FormEvent) => {
    event.preventDefault();
    const paths = pathText.split('\n').map((path) => path.trim()).filter(Boolean);
    if (paths.length === 0) return;
    if (await openPaths(paths, mode)) setPathText('');
  };

  const files = summary?.files ?? [];
  const runningJobs = jobs.filter((job) => !job.outcome);

  return (
    <section className="view" aria-labelledby="archives-title">
      <div className="view-header">
        <h1 id="archives-title">Archives</h1>
        <div className="toolbar">
          {api.host === 'electron' && (
            <>
              <button className="button button--primary" onClick={() => void pick('files')}>
                Open files…
              </button>
              <button className="button" onClick={() => void pick('folder')}>
                Open folder…
              </button>
            </>
          )}
          <button className="button" onClick={() => void openDemo()}>
            Open demo archive
          </button>
          <label className="checkbox">
            <input type="checkbox" checked={replace} onChange={(event) => setReplace(event.target.checked)} /> Replace open archives
          </label>
          {api.host === 'electron' && !showPathField && (
            <button className="button button--link" onClick={() => setShowPathField(true)}>
              Type a path
            </button>
          )}
        </div>
      </div>

      {showPathField && (
        <form className="path-form" onSubmit={(event) => void submitPaths(event)}>
          <label htmlFor="open-path">Path to an audit log file or a folder of logs (one per line; .jsonl, .jsonl.gz)</label>
          <div className="path-form-row">
            <textarea
              id="open-path"
              rows={Math.min(4, Math.max(1, pathText.split('\n').length))}
              value={pathText}
              spellCheck={false}
              placeholder="/evidence/2026/audit.jsonl"
              onChange={(event) => setPathText(event.target.value)}
              onKeyDown={(event) => {
                if (event.key === 'Enter' && !event.shiftKey) void submitPaths(event);
              }}
            />
            <button className="button button--primary" type="submit" disabled={pathText.trim().length === 0}>
              Open
            </button>
          </div>
          {api.host !== 'electron' && <p className="muted">In the browser, drag-and-drop cannot reveal a file's location: type or paste its path.</p>}
        </form>
      )}

      <WatchFolder />

      {runningJobs.map((job) => (
        <JobProgress key={job.jobId} job={job} />
      ))}

      {failures.length > 0 && (
        <div className="panel panel--error" role="alert" aria-label="Files that could not be opened">
          <div className="panel-title">
            <strong>
              {failures.length === 1 ? 'One path could not be opened' : `${failures.length} paths could not be opened`} — the other archives are unaffected.
            </strong>
            <button className="icon-button" aria-label="Dismiss open failures" onClick={dismissFailures}>
              ×
            </button>
          </div>
          <ul className="failure-list">
            {failures.map((failure, index) => (
              <li key={`${failure.path}-${index}`}>
                <code>{failure.path}</code>: {failure.message}
              </li>
            ))}
          </ul>
        </div>
      )}

      {files.length > 0 ? (
        <FilesTable files={files} onClose={(ids) => void closeFiles(ids)} />
      ) : (
        !summaryLoading &&
        runningJobs.length === 0 && (
          <div className="empty">
            <p>No archives are open.</p>
            <p className="muted">{api.host === 'electron' ? 'Open files or a folder, drop them onto this window,' : 'Type a path above,'} or open the demo archive.</p>
          </div>
        )
      )}

      {recent.length > 0 && (
        <div className="recent">
          <h2>Recent archives</h2>
          <ul>
            {recent.map((path) => (
              <li key={path}>
                <button className="button button--link" title={`Open ${path}`} onClick={() => void openPaths([path], mode)}>
                  {path}
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}

function JobProgress({ job }: { job: OpenJob }) {
  const cancelJob = useCustos((state) => state.cancelJob);
  const progress = Object.values(job.files);
  return (
    <div className="panel job" aria-label="Opening archives">
      <div className="panel-title">
        <strong>Opening {job.paths.length === 1 ? baseName(job.paths[0] ?? '') : `${job.paths.length} paths`}…</strong>
        <button className="button button--small" disabled={job.cancelling} onClick={() => void cancelJob(job.jobId)}>
          {job.cancelling ? 'Cancelling…' : 'Cancel'}
        </button>
      </div>
      {progress.length === 0 && <p className="muted">Scanning for log files…</p>}
      {progress.map((file) => (
        <FileProgress key={file.file} progress={file} />
      ))}
    </div>
  );
}

function FileProgress({ progress }: { progress: OpenProgress }) {
  const fraction = progress.bytesTotal > 0 ? Math.min(1, progress.bytesRead / progress.bytesTotal) : progress.done ? 1 : 0;
  const percent = Math.round(fraction * 100);
  return (
    <div className="file-progress">
      <div className="file-progress-name" title={progress.file}>
        {baseName(progress.file)}
      </div>
      <div className="progress" role="progressbar" aria-label={`Reading ${baseName(progress.file)}`} aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent}>
        <div className="progress-fill" style={{ width: `${percent}%` }} />
      </div>
      <div className="file-progress-figures">
        {progress.done
          ? `${formatCount(progress.entries)} entries · done`
          : `${percent}% · ${formatCount(progress.entries)} entries · ${formatRate(progress.entriesPerSecond)} · ${formatEta(progress.etaSeconds)}`}
        {progress.findings > 0 && <span className="finding-count"> · {formatCount(progress.findings)} findings</span>}
      </div>
    </div>
  );
}

function FilesTable({ files, onClose }: { files: ArchiveFile[]; onClose: (ids: number[]) => void }) {
  const setFilter = useCustos((state) => state.setFilter);
  const setView = useCustos((state) => state.setView);
  const explore = (file: ArchiveFile) => {
    setFilter({ fileIds: [file.id] });
    setView('explorer');
  };
  return (
    <div className="table-wrap">
      <table className="table" aria-label="Open archive files">
        <thead>
          <tr>
            <th scope="col">File</th>
            <th scope="col">Format</th>
            <th scope="col" className="num">Entries</th>
            <th scope="col">Chain</th>
            <th scope="col">Head hash</th>
            <th scope="col" className="num">Findings</th>
            <th scope="col">Time span (UTC)</th>
            <th scope="col" className="num">Size</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {files.map((file) => (
            <tr key={file.id} data-testid="archive-row">
              <td title={file.path}>
                <div className="file-name">{baseName(file.path)}</div>
                <div className="file-path muted">{file.path}</div>
              </td>
              <td>{file.format ?? <span className="muted">unknown</span>}</td>
              <td className="num">{formatCount(file.entries)}</td>
              <td>
                <span className={`badge badge--${file.chain.status}`}>{CHAIN_LABEL[file.chain.status]}</span>
              </td>
              <td>
                <code className="hash" title={file.chain.headHash ?? 'No chain'}>
                  {shortHash(file.chain.headHash)}
                </code>
              </td>
              <td className="num">{file.findingCount > 0 ? <span className="finding-count">{formatCount(file.findingCount)}</span> : '0'}</td>
              <td className="nowrap">
                {file.firstTime ? `${formatTime(Date.parse(file.firstTime))} → ${formatTime(file.lastTime ? Date.parse(file.lastTime) : null)}` : '—'}
              </td>
              <td className="num">{formatBytes(file.size)}</td>
              <td className="row-actions">
                <button className="button button--small" aria-label={`Explore the entries of ${baseName(file.path)}`} onClick={() => explore(file)}>
                  Explore
                </button>
                <button className="button button--small" aria-label={`Close ${baseName(file.path)}`} onClick={() => onClose([file.id])}>
                  Close
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
