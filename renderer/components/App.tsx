import { useEffect, useRef } from 'react';
import { useCustos, useCustosStore } from '../store/store';
import { VIEWS, type ViewId } from '../store/ui';
import { AlertsView } from '../views/AlertsView';
import { ArchivesView } from '../views/ArchivesView';
import { BtgView } from '../views/BtgView';
import { ExplorerView } from '../views/ExplorerView';
import { IntegrityView } from '../views/IntegrityView';
import { PatientReportView } from '../views/PatientReportView';
import { RetentionView } from '../views/RetentionView';
import { VerifyReportView } from '../views/VerifyReportView';
import { Notices } from './Notices';
import { StatusBar } from './StatusBar';
import { TailToasts } from './TailToasts';
import { useFileDrop } from './useFileDrop';

const VIEW_LABELS: Record<ViewId, string> = {
  archives: 'Archives',
  explorer: 'Explorer',
  integrity: 'Integrity',
  patients: 'Patient report',
  alerts: 'Alerts',
  btg: 'Break-the-glass',
  retention: 'Retention',
  verify: 'Verify report',
};

export function App() {
  const store = useCustosStore();
  const view = useCustos((state) => state.view);
  const setView = useCustos((state) => state.setView);
  const findingsTotal = useCustos((state) => state.findingsTotal);
  const openAlertCount = useCustos((state) => state.openAlertCount);
  const dropping = useFileDrop();
  const started = useRef(false);
  const main = useRef<HTMLElement>(null);

  useEffect(() => {
    if (started.current) return;
    started.current = true;
    void store.getState().initArchives();
  }, [store]);

  // Ctrl/Cmd+1..7 switch views, like tabs in most desktop tools.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (!(event.ctrlKey || event.metaKey) || event.altKey || event.shiftKey) return;
      const index = Number(event.key) - 1;
      const target = VIEWS[index];
      if (target) {
        event.preventDefault();
        setView(target);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [setView]);

  const onNavKey = (event: React.KeyboardEvent<HTMLButtonElement>, index: number) => {
    const delta = event.key === 'ArrowDown' || event.key === 'ArrowRight' ? 1 : event.key === 'ArrowUp' || event.key === 'ArrowLeft' ? -1 : 0;
    if (!delta) return;
    event.preventDefault();
    const next = VIEWS[(index + delta + VIEWS.length) % VIEWS.length]!;
    setView(next);
    document.getElementById(`nav-${next}`)?.focus();
  };

  return (
    <div className={`app${dropping ? ' app--dropping' : ''}`}>
      <header className="titlebar">
        <span className="brand" aria-hidden="true">
          ◈
        </span>
        <span className="brand-name">Custos</span>
        <span className="brand-sub">Audit trail workstation</span>
      </header>
      <nav className="sidebar" aria-label="Views">
        <div role="tablist" aria-orientation="vertical" aria-label="Views">
          {VIEWS.map((id, index) => (
            <button
              key={id}
              id={`nav-${id}`}
              role="tab"
              aria-selected={view === id}
              aria-controls="main-view"
              tabIndex={view === id ? 0 : -1}
              className={`nav-item${view === id ? ' nav-item--active' : ''}`}
              onClick={() => setView(id)}
              onKeyDown={(event) => onNavKey(event, index)}
              title={`${VIEW_LABELS[id]} (Ctrl+${index + 1})`}
            >
              <span>{VIEW_LABELS[id]}</span>
              {id === 'integrity' && findingsTotal ? <span className="nav-badge" aria-label={`${findingsTotal} findings`}>{findingsTotal}</span> : null}
              {id === 'alerts' && openAlertCount ? (
                <span className="nav-badge" aria-label={`${openAlertCount} open alerts`} data-testid="alerts-badge">
                  {openAlertCount}
                </span>
              ) : null}
            </button>
          ))}
        </div>
      </nav>
      <main id="main-view" ref={main} className="main" role="tabpanel" aria-labelledby={`nav-${view}`}>
        <Notices />
        {view === 'archives' && <ArchivesView />}
        {view === 'explorer' && <ExplorerView />}
        {view === 'integrity' && <IntegrityView />}
        {view === 'patients' && <PatientReportView />}
        {view === 'alerts' && <AlertsView />}
        {view === 'btg' && <BtgView />}
        {view === 'retention' && <RetentionView />}
        {view === 'verify' && <VerifyReportView />}
      </main>
      <StatusBar />
      <TailToasts />
      {dropping && (
        <div className="drop-overlay" aria-hidden="true">
          Drop audit log files or folders to open them
        </div>
      )}
    </div>
  );
}
