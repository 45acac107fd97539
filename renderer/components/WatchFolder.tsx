import { useEffect, useState } from 'react';
import type { TailFileState, TailStatus } from '../../shared/tail';
import { baseName, formatCount } from '../format';
import { useCustos } from '../store/store';
import { useApi } from './ApiContext';
import '../tail.css';

const STATE_LABEL: Record<TailFileState, string> = {
  following: 'Following',
  'incomplete-line': 'Waiting for a line end',
  unreadable: 'Cannot be read',
  'not-audit-log': 'Not an audit log',
  compressed: 'Compressed: not followed',
  changed: 'Changed after verification',
  truncated: 'Cut short',
  deleted: 'Deleted',
  renamed: 'Renamed',
  replaced: 'Replaced',
};

const TROUBLE = new Set<TailFileState>(['changed', 'truncated', 'deleted', 'renamed', 'replaced']);
const NOTE = new Set<TailFileState>(['incomplete-line', 'unreadable', 'not-audit-log', 'compressed']);

/** "Watch folder": follow a folder of audit logs as they are written (live tail). */
export function WatchFolder() {
  const api = useApi();
  const tails = useCustos((state) => state.tails);
  const starting = useCustos((state) => state.tailStarting);
  const notifications = useCustos((state) => state.tailNotifications);
  const startTail = useCustos((state) => state.startTail);
  const refreshTails = useCustos((state) => state.refreshTails);
  const setNotifications = useCustos((state) => state.setTailNotifications);
  const [dir, setDir] = useState('');
  const [polling, setPolling] = useState(false);

  useEffect(() => {
    void refreshTails();
  }, [refreshTails]);

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    const path = dir.trim();
    if (path && (await startTail(path, polling))) setDir('');
  };

  const choose = async () => {
    const result = await api.invoke('dialog.openPaths', { kind: 'folder' });
    const path = result.ok ? result.value.paths[0] : undefined;
    if (path) setDir(path);
  };

  return (
    <section className="panel watch" aria-labelledby="watch-title">
      <div className="panel-title">
        <h2 id="watch-title">Watch folder</h2>
        {api.host === 'electron' && notifications !== null && (
          <label className="checkbox">
            <input type="checkbox" checked={notifications} onChange={(event) => void setNotifications(event.target.checked)} /> Desktop notifications for new alerts
          </label>
        )}
      </div>
      <form className="watch-form" onSubmit={(event) => void submit(event)}>
        <label htmlFor="watch-dir">Folder the audit logs are being written to — each new line is verified and indexed as it arrives</label>
        <div className="path-form-row">
          <input id="watch-dir" type="text" value={dir} spellCheck={false} placeholder="/var/log/agent-audit" onChange={(event) => setDir(event.target.value)} />
          {api.host === 'electron' && (
            <button className="button" type="button" onClick={() => void choose()}>
              Choose…
            </button>
          )}
          <button className="button button--primary" type="submit" disabled={starting || dir.trim().length === 0}>
            {starting ? 'Starting…' : 'Watch'}
          </button>
        </div>
        <label className="checkbox">
          <input type="checkbox" checked={polling} onChange={(event) => setPolling(event.target.checked)} /> Poll (for network shares, where change events do not arrive)
        </label>
      </form>
      {tails.map((tail) => (
        <TailCard key={tail.tailId} tail={tail} />
      ))}
    </section>
  );
}

function TailCard({ tail }: { tail: TailStatus }) {
  const stopTail = useCustos((state) => state.stopTail);
  const troubled = tail.files.filter((file) => TROUBLE.has(file.state));
  return (
    <div className={`watch-card${troubled.length > 0 ? ' watch-card--alert' : ''}`} aria-label={`Watching ${tail.dir}`}>
      <div className="watch-card-head">
        <span className={`watch-dot watch-dot--${tail.state}`} aria-hidden="true" />
        <code className="watch-dir" title={tail.dir}>
          {tail.dir}
        </code>
        <span className="muted">
          {formatCount(tail.entries)} new {tail.entries === 1 ? 'entry' : 'entries'} · {formatCount(tail.alerts)} {tail.alerts === 1 ? 'alert' : 'alerts'}
          {tail.polling ? ' · polling' : ''}
          {tail.resumed ? ' · resumed' : ''}
        </span>
        <button className="button" onClick={() => void stopTail(tail.tailId)}>
          Stop
        </button>
      </div>
      <p className="watch-message" role="status">
        {tail.message}
      </p>
      {tail.files.length > 0 && (
        <ul className="watch-files">
          {tail.files.map((file) => (
            <li key={file.path} className={TROUBLE.has(file.state) ? 'watch-file watch-file--alert' : NOTE.has(file.state) ? 'watch-file watch-file--note' : 'watch-file'}>
              <code title={file.path}>{baseName(file.path)}</code>
              <span className="watch-file-state">{STATE_LABEL[file.state]}</span>
              <span className="muted">
                {formatCount(file.entries)} entries · line {formatCount(file.lines)}
                {file.criticalFindings > 0 ? ` · ${formatCount(file.criticalFindings)} critical findings` : ''}
              </span>
              {file.message && <span className="watch-file-message">{file.message}</span>}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
