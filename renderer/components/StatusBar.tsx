import type { ArchiveFile } from '../../shared/archive';
import type { IntegrityVerdict } from '../../shared/verification';
import { useCustos } from '../store/store';
import { formatCount } from '../format';

const INTEGRITY_LABEL = { intact: 'Intact', broken: 'Broken', unchained: 'Unchained' } as const;

/**
 * The overall integrity in words. Files without a hash chain (selectools logs, plain JSONL) make the
 * combined verdict "unchained", yet the chained files beside them may all be intact: say both.
 */
export function integrityText(integrity: IntegrityVerdict, files: readonly Pick<ArchiveFile, 'chain'>[]): string {
  if (integrity !== 'unchained') return INTEGRITY_LABEL[integrity];
  const unchained = files.filter((file) => file.chain.status === 'unchained').length;
  const intact = files.filter((file) => file.chain.status === 'intact').length;
  if (intact === 0 || unchained === 0) return INTEGRITY_LABEL.unchained;
  return `Intact (chained ${intact === 1 ? 'file' : 'files'}) · ${formatCount(unchained)} unchained`;
}
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
            Integrity: {integrityText(summary.verdict.integrity, summary.files)}
          </span>
          <span className={`verdict verdict--${summary.verdict.completeness}`}>Completeness: {COMPLETENESS_LABEL[summary.verdict.completeness]}</span>
        </>
      )}
    </footer>
  );
}
