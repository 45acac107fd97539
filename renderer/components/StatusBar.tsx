import { useCustos } from '../store/store';
import { formatCount } from '../format';

const INTEGRITY_LABEL = { intact: 'Intact', broken: 'Broken', unchained: 'Unchained' } as const;
const COMPLETENESS_LABEL = { confirmed: 'Confirmed', unconfirmed: 'Unconfirmed', incomplete: 'Incomplete' } as const;

export function StatusBar() {
  const summary = useCustos((state) => state.summary);
  const opening = useCustos((state) => state.jobs.some((job) => !job.outcome));
  const files = summary?.files.length ?? 0;
  return (
    <footer className="statusbar" aria-label="Status">
      <span>
        {files === 0 ? 'No archives open' : `${formatCount(files)} ${files === 1 ? 'file' : 'files'} open · ${formatCount(summary?.totalEntries ?? 0)} entries`}
      </span>
      {opening && <span className="status-busy">Opening…</span>}
      <span className="statusbar-spacer" />
      {summary && files > 0 && (
        <>
          <span className={`verdict verdict--${summary.verdict.integrity}`} data-testid="status-integrity">
            Integrity: {INTEGRITY_LABEL[summary.verdict.integrity]}
          </span>
          <span className={`verdict verdict--${summary.verdict.completeness}`}>Completeness: {COMPLETENESS_LABEL[summary.verdict.completeness]}</span>
        </>
      )}
    </footer>
  );
}
