import type { EvidenceRef, JournalStatus } from '../../shared/analyses';
import { baseName } from '../format';
import { useCustos } from '../store/store';
import '../analyses.css';

/** A file:line link: opens the entry detail, re-read from disk, in the drawer. */
export function EvidenceLink({ evidence }: { evidence: EvidenceRef }) {
  const openEvidence = useCustos((state) => state.openEvidence);
  return (
    <button
      type="button"
      className="evidence-link mono"
      title={`${evidence.file}:${evidence.line} — open this line, re-read from disk`}
      data-testid="evidence-link"
      onClick={() => void openEvidence(evidence)}
    >
      {baseName(evidence.file)}:{evidence.line}
    </button>
  );
}

/** Up to `limit` evidence links, and how many more there are. */
export function EvidenceList({ evidence, total, limit = 3 }: { evidence: EvidenceRef[]; total?: number; limit?: number }) {
  const shown = evidence.slice(0, limit);
  const more = (total ?? evidence.length) - shown.length;
  return (
    <span className="evidence-list">
      {shown.map((ref) => (
        <EvidenceLink key={`${ref.file}:${ref.line}`} evidence={ref} />
      ))}
      {more > 0 && <span className="muted"> +{more.toLocaleString('en-US')} more</span>}
    </span>
  );
}

/** A plain-language note on what a view shows and how to read it. */
export function Explainer({ children }: { children: React.ReactNode }) {
  return <p className="explainer">{children}</p>;
}

/** The evidence journal's state: a tampered journal is shown as such, never repaired. */
export function JournalBanner({ journal }: { journal: JournalStatus }) {
  if (journal.state !== 'tampered') return null;
  return (
    <div className="panel panel--error analysis-banner" role="alert" data-testid="journal-tampered">
      <strong>The evidence journal is tampered.</strong> {journal.path}
      {journal.problem ? ` does not verify at line ${journal.problem.line}: ${journal.problem.detail}.` : ' does not verify.'} Reviews and
      acknowledgements read from it cannot be trusted, and Custos will not add to it or repair it. Keep the file as evidence.
    </div>
  );
}

/** Optional text input → list filter value. */
export function listOf(value: string): string[] | undefined {
  const items = value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
  return items.length > 0 ? items : undefined;
}

export function formatDay(ms: number | null): string {
  return ms === null ? '—' : new Date(ms).toISOString().slice(0, 10);
}

/** "folder/file.jsonl": enough to tell apart daily files of the same name in different archives. */
export function folderAndName(path: string): string {
  const parts = path.split(/[\\/]/).filter((part) => part.length > 0);
  return parts.slice(-2).join('/') || path;
}
