import { useEffect, useState } from 'react';
import { BTG_DECISIONS, type BtgDecision, type BtgEvent } from '../../shared/analyses';
import { formatCount, formatTime } from '../format';
import { useCustos } from '../store/store';
import { DetailDrawer } from './DetailDrawer';
import { EvidenceLink, EvidenceList, Explainer, JournalBanner, formatDay } from './Evidence';
import { ExportPanel } from '../components/ExportPanel';
import { btgCsv } from './analysis-csv';

const DECISION_LABELS: Record<BtgDecision, string> = {
  appropriate: 'Appropriate',
  education: 'Education needed',
  sanction: 'Sanction',
  'needs-follow-up': 'Needs follow-up',
};

const DECISION_HELP: Record<BtgDecision, string> = {
  appropriate: 'A genuine emergency; the access was justified.',
  education: 'Not an emergency, but no bad intent: the user needs training.',
  sanction: 'Misuse of emergency access: report for sanction.',
  'needs-follow-up': 'Cannot decide yet: ask the user or their manager.',
};

type Show = 'pending' | 'reviewed' | 'all';

/** Break-the-glass (emergency) accesses, each pending until a reviewer closes it; reviews go to the evidence journal. */
export function BtgView() {
  const overview = useCustos((state) => state.btgOverview);
  const load = useCustos((state) => state.loadBtg);
  const hasFiles = useCustos((state) => (state.summary?.files.length ?? 0) > 0);
  const [show, setShow] = useState<Show>('pending');
  const [reviewing, setReviewing] = useState<string | null>(null);

  useEffect(() => {
    if (hasFiles && !overview.value && !overview.loading && !overview.error) void load();
  }, [hasFiles, overview.value, overview.loading, overview.error, load]);

  const value = overview.value;
  const events = value ? value.events.filter((event) => show === 'all' || event.status === show) : [];
  const selected = value?.events.find((event) => event.key === reviewing) ?? null;

  return (
    <section className="view analysis-view" aria-labelledby="btg-title">
      <div className="view-header">
        <h1 id="btg-title">Break-the-glass review</h1>
      </div>
      <Explainer>
        Emergency ("break-the-glass") access bypasses the usual permission checks, so each one must be reviewed afterwards. Custos flags an access as
        emergency from a break_the_glass flag, a purpose of emergency / break_the_glass / btg, an elevated urgency or priority, or a FHIR
        purposeOfEvent of BTG. Each stays pending until a reviewer decides; reviews are kept in a hash-chained journal in Custos's data folder, never
        in the archive.
      </Explainer>
      {value && <JournalBanner journal={value.journal} />}
      {!hasFiles && <p className="empty">Open an archive to list its break-the-glass accesses.</p>}
      {overview.error && (
        <div className="panel panel--error" role="alert">
          <strong>The break-the-glass review could not be loaded.</strong> {overview.error}
        </div>
      )}
      {value && (
        <>
          <p data-testid="btg-counts">
            {formatCount(value.pending)} pending ({formatCount(value.overdue)} overdue, review window {value.reviewWindowDays} days) · {formatCount(value.reviewed)} reviewed
          </p>
          <div role="radiogroup" aria-label="Show" className="toolbar">
            {(['pending', 'reviewed', 'all'] as const).map((choice) => (
              <label key={choice} className="analysis-check">
                <input type="radio" name="btg-show" checked={show === choice} onChange={() => setShow(choice)} /> {choice === 'all' ? 'All' : choice === 'pending' ? 'Pending' : 'Reviewed'}
              </label>
            ))}
          </div>
          {selected && <ReviewDialog event={selected} onClose={() => setReviewing(null)} />}
          <div className="table-wrap">
            <table className="table" aria-label="Break-the-glass accesses">
              <thead>
                <tr>
                  <th>Time (UTC)</th>
                  <th>User</th>
                  <th>Role</th>
                  <th>Patient</th>
                  <th>Tool</th>
                  <th>Signals</th>
                  <th>Outcome</th>
                  <th>Evidence</th>
                  <th>Status</th>
                </tr>
              </thead>
              <tbody>
                {events.map((event) => (
                  <tr key={event.key} data-testid="btg-row">
                    <td className="nowrap">{formatTime(event.timeMs)}</td>
                    <td>{event.user ?? <span className="warning-text">missing</span>}</td>
                    <td>{event.role ?? '—'}</td>
                    <td>{event.patient ?? '—'}</td>
                    <td>{event.tool ?? '—'}</td>
                    <td>{event.signals.map((signal) => `${signal.field}=${signal.value}`).join(', ')}</td>
                    <td>{event.outcome}</td>
                    <td>
                      <EvidenceLink evidence={event.source} />
                      {event.related.length > 0 && <EvidenceList evidence={event.related} limit={2} />}
                    </td>
                    <td>
                      {event.status === 'pending' ? (
                        <>
                          <span className={`pill${event.overdue ? ' pill--danger' : ' pill--warning'}`}>{event.overdue ? 'overdue' : 'pending'}</span>
                          <span className="muted"> due {formatDay(event.dueMs)}</span>{' '}
                        </>
                      ) : (
                        <span title={event.review?.note}>
                          <span className={`pill${event.review?.decision === 'sanction' ? ' pill--danger' : event.review?.decision === 'appropriate' ? ' pill--ok' : ' pill--warning'}`}>
                            {event.review ? DECISION_LABELS[event.review.decision] : 'reviewed'}
                          </span>
                          <span className="muted"> by {event.review?.reviewer}</span>{' '}
                        </span>
                      )}
                      <button className="button button--small" onClick={() => setReviewing(event.key)}>
                        {event.status === 'pending' ? 'Review' : 'Review again'}
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {events.length === 0 && <p className="muted">No {show === 'all' ? '' : show} break-the-glass accesses.</p>}
          <ExportPanel target="break-the-glass" baseName="break-the-glass" csv={() => btgCsv(events)} />
        </>
      )}
      <DetailDrawer />
    </section>
  );
}

function ReviewDialog({ event, onClose }: { event: BtgEvent; onClose: () => void }) {
  const review = useCustos((state) => state.reviewBtg);
  const reviewerName = useCustos((state) => state.reviewerName);
  const [decision, setDecision] = useState<BtgDecision | null>(null);
  const [reviewer, setReviewer] = useState(reviewerName);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const ready = decision !== null && reviewer.trim().length > 0 && !busy;

  const submit = async (formEvent: React.FormEvent) => {
    formEvent.preventDefault();
    if (!ready) return;
    setBusy(true);
    const done = await review({ eventKey: event.key, decision, reviewer: reviewer.trim(), note });
    setBusy(false);
    if (done) onClose();
  };

  return (
    <form className="review-dialog analysis-form" role="dialog" aria-label="Review break-the-glass access" onSubmit={(formEvent) => void submit(formEvent)}>
      <strong>
        {event.user ?? 'Unknown user'} ({event.role ?? 'no role'}) — patient {event.patient ?? 'unknown'}, {formatTime(event.timeMs)} UTC, <EvidenceLink evidence={event.source} />
      </strong>
      {event.history.length > 0 && (
        <ul className="muted">
          {event.history.map((past) => (
            <li key={past.reviewedAt}>
              {past.reviewedAt}: {DECISION_LABELS[past.decision]} by {past.reviewer}
              {past.note ? ` — ${past.note}` : ''}
            </li>
          ))}
        </ul>
      )}
      <fieldset>
        <legend>Decision</legend>
        {BTG_DECISIONS.map((choice) => (
          <label key={choice} className="analysis-check" title={DECISION_HELP[choice]}>
            <input type="radio" name="btg-decision" value={choice} checked={decision === choice} onChange={() => setDecision(choice)} /> {DECISION_LABELS[choice]}
          </label>
        ))}
      </fieldset>
      {decision && <p className="muted">{DECISION_HELP[decision]}</p>}
      <label>
        Reviewer
        <input value={reviewer} onChange={(changeEvent) => setReviewer(changeEvent.target.value)} aria-label="Reviewer" required />
      </label>
      <label style={{ flex: 1 }}>
        Note
        <input value={note} onChange={(changeEvent) => setNote(changeEvent.target.value)} aria-label="Review note" />
      </label>
      <button className="button button--primary" type="submit" disabled={!ready}>
        Record review
      </button>
      <button className="button" type="button" onClick={onClose}>
        Cancel
      </button>
    </form>
  );
}
