import { useEffect, useState } from 'react';
import type { LegalHold, LegalHoldScope, RetentionCategory, RetentionPolicy, SettingsView } from '../../shared/analyses';
import { formatCount, parseUtcFieldValue } from '../format';
import { useCustos } from '../store/store';
import { DetailDrawer } from './DetailDrawer';
import { Explainer, folderAndName, formatDay } from './Evidence';
import { ExportPanel } from '../components/ExportPanel';
import { retentionFilesCsv } from './analysis-csv';

/** Retention review per category and per archive file, the policy editor, and legal holds. Custos never deletes: this is a review. */
export function RetentionView() {
  const review = useCustos((state) => state.retentionReview);
  const asOfMs = useCustos((state) => state.retentionAsOfMs);
  const load = useCustos((state) => state.loadRetention);
  const hasFiles = useCustos((state) => (state.summary?.files.length ?? 0) > 0);
  const [asOf, setAsOf] = useState(asOfMs === null ? '' : new Date(asOfMs).toISOString().slice(0, 10));
  const [asOfError, setAsOfError] = useState(false);

  useEffect(() => {
    if (hasFiles && !review.value && !review.loading && !review.error) void load();
  }, [hasFiles, review.value, review.loading, review.error, load]);

  const value = review.value;
  return (
    <section className="view analysis-view" aria-labelledby="retention-title">
      <div className="view-header">
        <h1 id="retention-title">Retention review</h1>
      </div>
      <Explainer>
        Each entry must be kept for its category's retention period, counted from its own time. A file may be disposed of only when every entry in
        it is past retention and no legal hold covers any of them. Custos never deletes or changes an archive: this is a review for the records
        officer, not an action.
      </Explainer>
      <form
        className="panel analysis-form"
        aria-label="Review date"
        onSubmit={(event) => {
          event.preventDefault();
          const ms = parseUtcFieldValue(asOf);
          setAsOfError(ms === null);
          if (ms !== null) void load(ms ?? null);
        }}
      >
        <label>
          As of (UTC date; empty: today)
          <input className="mono" value={asOf} onChange={(event) => setAsOf(event.target.value)} placeholder="YYYY-MM-DD" spellCheck={false} autoComplete="off" aria-label="As of" aria-invalid={asOfError} />
        </label>
        <button className="button" type="submit" disabled={!hasFiles}>
          Review
        </button>
      </form>
      {asOfError && (
        <p className="field-error" role="alert">
          As of: use YYYY-MM-DD (UTC), or leave it empty for today.
        </p>
      )}
      {!hasFiles && <p className="empty">Open an archive to review its retention.</p>}
      {review.error && (
        <div className="panel panel--error" role="alert">
          <strong>The retention review failed.</strong> {review.error}
        </div>
      )}
      {value && (
        <>
          <p className="muted">
            As of {formatDay(value.asOfMs)}, policy revision {value.policyRevision}; "expiring" means within {value.expiringWindowDays} days.
          </p>
          <h2>By category</h2>
          <div className="table-wrap">
            <table className="table" aria-label="Retention by category">
              <thead>
                <tr>
                  <th>Category</th>
                  <th className="num">Retention (days)</th>
                  <th className="num">Entries</th>
                  <th>Oldest</th>
                  <th>Newest</th>
                  <th className="num">Under retention</th>
                  <th className="num">Expiring soon</th>
                  <th className="num">Past retention</th>
                  <th className="num">Undated</th>
                  <th>Source of the period</th>
                </tr>
              </thead>
              <tbody>
                {value.categories.map((category) => (
                  <tr key={category.category} data-testid="retention-category">
                    <td>{category.label}</td>
                    <td className="num">{formatCount(category.retentionDays)}</td>
                    <td className="num">{formatCount(category.entries)}</td>
                    <td className="nowrap">{formatDay(category.oldestMs)}</td>
                    <td className="nowrap">{formatDay(category.newestMs)}</td>
                    <td className="num">{formatCount(category.underRetention)}</td>
                    <td className="num">{formatCount(category.expiringSoon)}</td>
                    <td className="num">{formatCount(category.pastRetention)}</td>
                    <td className="num">{formatCount(category.undated)}</td>
                    <td className="muted">{category.source}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <h2>By archive file</h2>
          <div className="table-wrap">
            <table className="table" aria-label="Retention by file">
              <thead>
                <tr>
                  <th>File</th>
                  <th className="num">Entries</th>
                  <th>Oldest</th>
                  <th>Newest</th>
                  <th className="num">Under retention</th>
                  <th className="num">Expiring soon</th>
                  <th className="num">Past retention</th>
                  <th>Disposal</th>
                </tr>
              </thead>
              <tbody>
                {value.files.map((file) => (
                  <tr key={file.file} data-testid="retention-file">
                    <td title={file.file}>{folderAndName(file.file)}</td>
                    <td className="num">{formatCount(file.entries)}</td>
                    <td className="nowrap">{formatDay(file.oldestMs)}</td>
                    <td className="nowrap">{formatDay(file.newestMs)}</td>
                    <td className="num">{formatCount(file.underRetention)}</td>
                    <td className="num">{formatCount(file.expiringSoon)}</td>
                    <td className="num">{formatCount(file.pastRetention)}</td>
                    <td>
                      <span className={`pill${file.disposalEligible ? ' pill--ok' : file.legalHolds.length > 0 ? ' pill--danger' : ''}`}>
                        {file.disposalEligible ? 'eligible' : file.legalHolds.length > 0 ? 'on legal hold' : 'keep'}
                      </span>{' '}
                      <span className="muted">{file.reason}</span>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {(value.unmatchedTools.length > 0 || value.entriesWithoutTool > 0) && (
            <div className="panel analysis-banner analysis-banner--warning" data-testid="unmatched-tools">
              <strong>Tools no category lists</strong> fall to the catch-all period:{' '}
              {value.unmatchedTools.map((tool) => `${tool.tool} (${formatCount(tool.entries)})`).join(', ') || 'none'}
              {value.entriesWithoutTool > 0 && `; ${formatCount(value.entriesWithoutTool)} entries name no tool`}. Add them to a category if they need a
              longer period.
            </div>
          )}
          <NotesList notes={value.notes} />
        </>
      )}
      {value && <ExportPanel target="retention" baseName="retention-review" scope={{ asOfMs: value.asOfMs }} csv={() => retentionFilesCsv(value)} />}
      <LegalHolds />
      <PolicyEditor />
      <DetailDrawer />
    </section>
  );
}

function describeScope(scope: LegalHoldScope): string {
  const parts: string[] = [];
  if (scope.patient) parts.push(`patient ${scope.patient}`);
  if (scope.user) parts.push(`user ${scope.user}`);
  if (scope.tool) parts.push(`tool ${scope.tool}`);
  if (scope.fromMs !== undefined || scope.toMs !== undefined) parts.push(`${scope.fromMs !== undefined ? formatDay(scope.fromMs) : '…'} to ${scope.toMs !== undefined ? formatDay(scope.toMs) : '…'}`);
  return parts.join(', ');
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/u;

function LegalHolds() {
  const holds = useCustos((state) => state.legalHolds);
  const place = useCustos((state) => state.placeLegalHold);
  const reviewerName = useCustos((state) => state.reviewerName);
  const [scope, setScope] = useState({ patient: '', user: '', tool: '', from: '', to: '' });
  const [by, setBy] = useState(reviewerName);
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<string | null>(null);

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    const request: LegalHoldScope = {};
    if (scope.patient.trim()) request.patient = scope.patient.trim();
    if (scope.user.trim()) request.user = scope.user.trim();
    if (scope.tool.trim()) request.tool = scope.tool.trim();
    const fromMs = parseUtcFieldValue(scope.from);
    // A date alone as the end means the whole of that day.
    const toMs = parseUtcFieldValue(DATE_ONLY.test(scope.to.trim()) ? `${scope.to.trim()} 23:59:59.999` : scope.to);
    if (fromMs === null || toMs === null) return setProblem(`${fromMs === null ? 'From' : 'To'}: use YYYY-MM-DD (UTC).`);
    if (fromMs !== undefined) request.fromMs = fromMs;
    if (toMs !== undefined) request.toMs = toMs;
    if (Object.keys(request).length === 0) return setProblem('A legal hold needs a patient, user, tool or date range.');
    if (!by.trim() || !reason.trim()) return setProblem('Say who places the hold and why.');
    setProblem(null);
    if (await place({ scope: request, by: by.trim(), reason: reason.trim() })) {
      setScope({ patient: '', user: '', tool: '', from: '', to: '' });
      setReason('');
    }
  };

  return (
    <section className="panel" aria-labelledby="holds-title">
      <h2 id="holds-title">Legal holds</h2>
      <Explainer>A legal hold keeps every file with a matching entry out of disposal, whatever its age. Placing and releasing holds is recorded in the evidence journal with who, when and why.</Explainer>
      {holds.length === 0 ? (
        <p className="muted">No legal hold is in force.</p>
      ) : (
        <ul>
          {holds.map((hold) => (
            <HoldItem key={hold.id} hold={hold} />
          ))}
        </ul>
      )}
      <form className="analysis-form" aria-label="Place a legal hold" onSubmit={(event) => void submit(event)}>
        <label>
          Patient
          <input value={scope.patient} onChange={(event) => setScope({ ...scope, patient: event.target.value })} aria-label="Hold patient" />
        </label>
        <label>
          User
          <input value={scope.user} onChange={(event) => setScope({ ...scope, user: event.target.value })} aria-label="Hold user" />
        </label>
        <label>
          Tool
          <input value={scope.tool} onChange={(event) => setScope({ ...scope, tool: event.target.value })} aria-label="Hold tool" />
        </label>
        <label>
          From
          <input className="mono" value={scope.from} onChange={(event) => setScope({ ...scope, from: event.target.value })} placeholder="YYYY-MM-DD" spellCheck={false} autoComplete="off" aria-label="Hold from" />
        </label>
        <label>
          To
          <input className="mono" value={scope.to} onChange={(event) => setScope({ ...scope, to: event.target.value })} placeholder="YYYY-MM-DD" spellCheck={false} autoComplete="off" aria-label="Hold to" />
        </label>
        <label>
          Placed by
          <input value={by} onChange={(event) => setBy(event.target.value)} aria-label="Placed by" />
        </label>
        <label style={{ flex: 1 }}>
          Reason
          <input value={reason} onChange={(event) => setReason(event.target.value)} aria-label="Hold reason" placeholder="Litigation, investigation, audit request…" />
        </label>
        <button className="button button--primary" type="submit">
          Place hold
        </button>
      </form>
      {problem && (
        <p className="field-error" role="alert">
          {problem}
        </p>
      )}
    </section>
  );
}

function HoldItem({ hold }: { hold: LegalHold }) {
  const release = useCustos((state) => state.releaseLegalHold);
  const reviewerName = useCustos((state) => state.reviewerName);
  const [open, setOpen] = useState(false);
  const [by, setBy] = useState(reviewerName);
  const [reason, setReason] = useState('');
  return (
    <li data-testid="legal-hold">
      <strong>{describeScope(hold.scope)}</strong> — placed by {hold.placedBy} on {hold.placedAt}: {hold.reason}{' '}
      {!open ? (
        <button className="button button--small" onClick={() => setOpen(true)}>
          Release
        </button>
      ) : (
        <form
          className="analysis-form"
          aria-label="Release the legal hold"
          onSubmit={(event) => {
            event.preventDefault();
            if (by.trim() && reason.trim()) void release({ holdId: hold.id, by: by.trim(), reason: reason.trim() });
          }}
        >
          <label>
            Released by
            <input value={by} onChange={(event) => setBy(event.target.value)} aria-label="Released by" />
          </label>
          <label>
            Why
            <input value={reason} onChange={(event) => setReason(event.target.value)} aria-label="Release reason" />
          </label>
          <button className="button button--primary" type="submit" disabled={!by.trim() || !reason.trim()}>
            Release hold
          </button>
          <button className="button" type="button" onClick={() => setOpen(false)}>
            Cancel
          </button>
        </form>
      )}
    </li>
  );
}

type DraftCategory = Omit<RetentionCategory, 'retentionDays' | 'tools'> & { retentionDays: string; tools: string };

function draftOf(policy: RetentionPolicy): { categories: DraftCategory[]; catchAll: Omit<DraftCategory, 'tools'> } {
  return {
    categories: policy.categories.map((category) => ({ ...category, retentionDays: String(category.retentionDays), tools: category.tools.join(', ') })),
    catchAll: { ...policy.catchAll, retentionDays: String(policy.catchAll.retentionDays) },
  };
}

/** A typed number stays as typed when it is not one, so the policy's validation names the field. */
const numberOrText = (text: string): number | string => (/^\s*-?\d+(\.\d+)?\s*$/u.test(text) ? Number(text) : text);

function PolicyEditor() {
  const policy = useCustos((state) => state.retentionPolicy);
  const load = useCustos((state) => state.loadRetentionPolicy);

  useEffect(() => {
    if (!policy.value && !policy.loading && !policy.error) void load();
  }, [policy.value, policy.loading, policy.error, load]);

  if (policy.error)
    return (
      <div className="panel panel--error" role="alert">
        <strong>The retention policy could not be read.</strong> {policy.error}
      </div>
    );
  if (!policy.value) return null;
  // A new revision starts a fresh draft.
  return <PolicyForm key={`${policy.value.value.revision}:${policy.value.value.updatedAt}`} view={policy.value} />;
}

function PolicyForm({ view }: { view: SettingsView<RetentionPolicy> }) {
  const save = useCustos((state) => state.saveRetentionPolicy);
  const current = view.value;
  const [draft, setDraft] = useState(() => draftOf(current));
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | null>(null);

  const setCategory = (index: number, patch: Partial<DraftCategory>) =>
    setDraft({ ...draft, categories: draft.categories.map((category, i) => (i === index ? { ...category, ...patch } : category)) });

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    const candidate = {
      ...current,
      categories: draft.categories.map((category) => ({
        ...category,
        retentionDays: numberOrText(category.retentionDays),
        tools: category.tools
          .split(',')
          .map((tool) => tool.trim())
          .filter((tool) => tool.length > 0),
      })),
      catchAll: { ...draft.catchAll, retentionDays: numberOrText(draft.catchAll.retentionDays) },
    };
    const saved = await save(candidate);
    if (!saved) return;
    setOutcome(saved.ok ? { ok: true, text: `Saved as revision ${saved.value.revision}.` } : { ok: false, text: `Not saved — ${saved.path || 'policy'}: ${saved.error}. The previous policy stays in force.` });
  };

  return (
    <section className="panel" aria-labelledby="policy-title">
      <h2 id="policy-title">Retention policy (revision {current.revision})</h2>
      <Explainer>
        Categories match tools by name (* is a wildcard inside a name); tools no category lists fall to the catch-all. Each period shows where it
        comes from. The policy is a versioned file in Custos's data folder ({view.path}); a change that does not validate is refused with the
        field at fault, and the previous version stays in force.
      </Explainer>
      {view.loadProblem && (
        <div className="panel panel--error" role="alert">
          <strong>The policy file on disk is not in force:</strong> {view.loadProblem} The defaults apply until it is saved again.
        </div>
      )}
      <form aria-label="Retention policy" onSubmit={(event) => void submit(event)}>
        <div className="table-wrap">
          <table className="table policy-table">
            <thead>
              <tr>
                <th>Id</th>
                <th>Label</th>
                <th>Days</th>
                <th>Tools (comma separated)</th>
                <th>Source</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {draft.categories.map((category, index) => (
                <tr key={index} data-testid="policy-category">
                  <td>
                    <input value={category.id} onChange={(event) => setCategory(index, { id: event.target.value })} aria-label={`Category ${index + 1} id`} />
                  </td>
                  <td>
                    <input value={category.label} onChange={(event) => setCategory(index, { label: event.target.value })} aria-label={`Category ${index + 1} label`} />
                  </td>
                  <td>
                    <input value={category.retentionDays} onChange={(event) => setCategory(index, { retentionDays: event.target.value })} aria-label={`Category ${index + 1} retention days`} inputMode="numeric" />
                  </td>
                  <td>
                    <input value={category.tools} onChange={(event) => setCategory(index, { tools: event.target.value })} aria-label={`Category ${index + 1} tools`} />
                  </td>
                  <td>
                    <input value={category.source} onChange={(event) => setCategory(index, { source: event.target.value })} aria-label={`Category ${index + 1} source`} />
                  </td>
                  <td>
                    <button className="button button--small" type="button" onClick={() => setDraft({ ...draft, categories: draft.categories.filter((_, i) => i !== index) })}>
                      Remove
                    </button>
                  </td>
                </tr>
              ))}
              <tr>
                <td className="muted">{draft.catchAll.id} (catch-all)</td>
                <td>
                  <input value={draft.catchAll.label} onChange={(event) => setDraft({ ...draft, catchAll: { ...draft.catchAll, label: event.target.value } })} aria-label="Catch-all label" />
                </td>
                <td>
                  <input value={draft.catchAll.retentionDays} onChange={(event) => setDraft({ ...draft, catchAll: { ...draft.catchAll, retentionDays: event.target.value } })} aria-label="Catch-all retention days" inputMode="numeric" />
                </td>
                <td className="muted">every other tool</td>
                <td>
                  <input value={draft.catchAll.source} onChange={(event) => setDraft({ ...draft, catchAll: { ...draft.catchAll, source: event.target.value } })} aria-label="Catch-all source" />
                </td>
                <td />
              </tr>
            </tbody>
          </table>
        </div>
        <div className="toolbar">
          <button
            className="button"
            type="button"
            onClick={() => setDraft({ ...draft, categories: [...draft.categories, { id: `category-${draft.categories.length + 1}`, label: '', retentionDays: '365', tools: '', source: '' }] })}
          >
            Add category
          </button>
          <button className="button" type="button" onClick={() => setDraft(draftOf(current))}>
            Undo changes
          </button>
          <button className="button button--primary" type="submit">
            Save policy
          </button>
        </div>
      </form>
      {outcome && (
        <p className={outcome.ok ? 'muted' : 'field-error'} role={outcome.ok ? 'status' : 'alert'} data-testid="policy-outcome">
          {outcome.text}
        </p>
      )}
      <NotesList notes={current.notes} />
    </section>
  );
}

/** The policy's notes (sources of the defaults, ASTM E2147), when it has any. */
function NotesList({ notes }: { notes: readonly string[] }) {
  if (notes.length === 0) return null;
  return (
    <ul className="muted">
      {notes.map((note) => (
        <li key={note}>{note}</li>
      ))}
    </ul>
  );
}
