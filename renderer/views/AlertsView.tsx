import { useEffect, useState } from 'react';
import { ALERT_RULE_IDS, type Alert, type AlertFilter, type AlertRuleId, type SettingsView } from '../../shared/analyses';
import type { Severity } from '../../shared/findings';
import { formatCount, formatTime } from '../format';
import { useCustos } from '../store/store';
import { DetailDrawer } from './DetailDrawer';
import { EvidenceList, Explainer, JournalBanner, listOf } from './Evidence';
import { ExportPanel } from '../components/ExportPanel';
import { alertsCsv } from './analysis-csv';

export const RULE_LABELS: Record<AlertRuleId, string> = {
  integrity: 'Integrity finding',
  burst: 'Burst on one patient',
  'many-users': 'Patient seen by many users',
  'after-hours': 'After hours',
  volume: 'Unusual volume',
  'failure-burst': 'Failure burst (probing)',
  'role-not-permitted': 'Role not permitted',
  'pii-in-clear': 'PII in clear',
  'btg-overdue': 'Break-the-glass review overdue',
};

const STATUS_CHOICES = { open: ['open'], handled: ['acknowledged', 'dismissed'], all: undefined } as const;
type StatusChoice = keyof typeof STATUS_CHOICES;

function statusChoiceOf(filter: AlertFilter): StatusChoice {
  if (!filter.statuses) return 'all';
  return filter.statuses.includes('open') ? 'open' : 'handled';
}

/** Anomaly alerts from the rules engine, each with its evidence lines; acknowledge or dismiss with a note. */
export function AlertsView() {
  const report = useCustos((state) => state.alertsReport);
  const filter = useCustos((state) => state.alertFilter);
  const setFilter = useCustos((state) => state.setAlertFilter);
  const load = useCustos((state) => state.loadAlerts);
  const hasFiles = useCustos((state) => (state.summary?.files.length ?? 0) > 0);
  const [users, setUsers] = useState((filter.users ?? []).join(', '));
  const [patients, setPatients] = useState((filter.patients ?? []).join(', '));

  useEffect(() => {
    if (hasFiles && !report.value && !report.loading && !report.error) void load();
  }, [hasFiles, report.value, report.loading, report.error, load]);

  const update = (patch: Partial<AlertFilter>) => {
    const next: AlertFilter = { ...filter, ...patch };
    for (const key of Object.keys(next) as Array<keyof AlertFilter>) if (next[key] === undefined) delete next[key];
    setFilter(next);
  };

  const value = report.value;
  return (
    <section className="view analysis-view" aria-labelledby="alerts-title">
      <div className="view-header">
        <h1 id="alerts-title">Alerts</h1>
      </div>
      <Explainer>
        The rules engine checks the open archives for bursts of access to one patient, access outside business hours, unusual volume, runs of
        failed calls, roles using tools they are not permitted, personal data stored in clear, overdue break-the-glass reviews and integrity
        findings. Each alert says why in one sentence and links to the lines behind it. Acknowledging or dismissing records your name and note in
        the evidence journal.
      </Explainer>
      {value && <JournalBanner journal={value.journal} />}
      <form className="panel analysis-form" aria-label="Alert filters" onSubmit={(event) => { event.preventDefault(); update({ users: listOf(users), patients: listOf(patients) }); }}>
        <label>
          Rule
          <select aria-label="Rule" value={filter.rules?.[0] ?? ''} onChange={(event) => update({ rules: event.target.value ? [event.target.value as AlertRuleId] : undefined })}>
            <option value="">All rules</option>
            {ALERT_RULE_IDS.map((rule) => (
              <option key={rule} value={rule}>
                {RULE_LABELS[rule]}
              </option>
            ))}
          </select>
        </label>
        <label>
          Severity
          <select aria-label="Severity" value={filter.severities?.[0] ?? ''} onChange={(event) => update({ severities: event.target.value ? [event.target.value as Severity] : undefined })}>
            <option value="">All severities</option>
            <option value="critical">Critical</option>
            <option value="warning">Warning</option>
            <option value="info">Info</option>
          </select>
        </label>
        <label>
          Status
          <select aria-label="Status" value={statusChoiceOf(filter)} onChange={(event) => {
            const choice = STATUS_CHOICES[event.target.value as StatusChoice];
            update({ statuses: choice ? [...choice] : undefined });
          }}>
            <option value="open">Open</option>
            <option value="handled">Acknowledged or dismissed</option>
            <option value="all">All</option>
          </select>
        </label>
        <label>
          User
          <input aria-label="User" value={users} onChange={(event) => setUsers(event.target.value)} placeholder="usr_10000" />
        </label>
        <label>
          Patient
          <input aria-label="Patient" value={patients} onChange={(event) => setPatients(event.target.value)} placeholder="P-900001" />
        </label>
        <button className="button" type="submit">
          Apply
        </button>
      </form>
      {!hasFiles && <p className="empty">Open an archive to run the alert rules on it.</p>}
      {report.loading && !value && <p className="muted">Running the rules…</p>}
      {report.error && (
        <div className="panel panel--error" role="alert">
          <strong>The rules could not run.</strong> {report.error}{' '}
          <button className="button button--small" onClick={() => void load()}>
            Retry
          </button>
        </div>
      )}
      {value && (
        <>
          <p data-testid="alerts-count">
            {formatCount(value.alerts.length)} alert{value.alerts.length === 1 ? '' : 's'} shown · {formatCount(value.counts.critical)} critical ·{' '}
            {formatCount(value.counts.warning)} warning · {formatCount(value.counts.info)} info (all statuses) · rules revision {value.rulesRevision}, time zone{' '}
            {value.timeZone}
          </p>
          <div className="table-wrap">
            <table className="table" aria-label="Alerts">
              <thead>
                <tr>
                  <th>Severity</th>
                  <th>Rule</th>
                  <th>What happened</th>
                  <th>User</th>
                  <th>Patient</th>
                  <th>Window (UTC)</th>
                  <th>Evidence</th>
                  <th>Status</th>
                </tr>
              </thead>
              <tbody>
                {value.alerts.map((alert) => (
                  <AlertRow key={alert.id} alert={alert} />
                ))}
              </tbody>
            </table>
          </div>
          {value.alerts.length === 0 && <p className="muted">No alert matches these filters.</p>}
          <MissingAttribution calls={value.missingAttribution.calls} withoutPatient={value.missingAttribution.withoutPatient ?? 0} evidence={value.missingAttribution.evidence} undated={value.undatedCalls} />
          <details className="panel">
            <summary>Rules that ran</summary>
            <ul>
              {value.rules.map((rule) => (
                <li key={rule.rule}>
                  {RULE_LABELS[rule.rule]}: {rule.enabled ? `${formatCount(rule.alerts)} alert(s)` : 'disabled'}
                  {rule.note ? <span className="muted"> — {rule.note}</span> : null}
                </li>
              ))}
            </ul>
          </details>
        </>
      )}
      {value && <ExportPanel target="alerts" baseName="alerts" csv={() => alertsCsv(value.alerts)} />}
      <RuleSettings />
      <DetailDrawer />
    </section>
  );
}

/** The rules' thresholds, business hours, time zone and permission map, as the versioned JSON file they live in. */
function RuleSettings() {
  const rules = useCustos((state) => state.alertRules);
  const load = useCustos((state) => state.loadAlertRules);
  const [open, setOpen] = useState(false);

  useEffect(() => {
    if (open && !rules.value && !rules.loading && !rules.error) void load();
  }, [open, rules.value, rules.loading, rules.error, load]);

  return (
    <details className="panel" onToggle={(event) => setOpen((event.target as HTMLDetailsElement).open)}>
      <summary>Rule settings</summary>
      {rules.error && (
        <p className="field-error" role="alert">
          The rule settings could not be read: {rules.error}
        </p>
      )}
      {rules.value && <RuleSettingsForm key={String(rules.value.value.revision)} view={rules.value} />}
    </details>
  );
}

function RuleSettingsForm({ view }: { view: SettingsView<Record<string, unknown>> }) {
  const save = useCustos((state) => state.saveAlertRules);
  const [text, setText] = useState(() => JSON.stringify(view.value, null, 2));
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | null>(null);

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    let candidate: unknown;
    try {
      candidate = JSON.parse(text);
    } catch (error) {
      setOutcome({ ok: false, text: `Not saved — the text is not valid JSON: ${(error as Error).message}` });
      return;
    }
    const saved = await save(candidate);
    if (!saved) return;
    setOutcome(saved.ok ? { ok: true, text: `Saved as revision ${String(saved.value.revision)}.` } : { ok: false, text: `Not saved — ${saved.path || 'rules'}: ${saved.error}. The previous rules stay in force.` });
  };

  return (
    <form className="analysis-body" aria-label="Alert rule settings" onSubmit={(event) => void submit(event)}>
      <Explainer>
        Thresholds, business hours and the organization's time zone, the role-to-tool permission map and the break-the-glass review window. They
        live in a versioned file ({view.path}); a change that does not validate is refused with the field at fault, and the previous rules stay in
        force.
      </Explainer>
      {view.loadProblem && (
        <p className="field-error" role="alert">
          The rules file on disk is not in force: {view.loadProblem} The defaults apply until it is saved again.
        </p>
      )}
      <textarea className="code-block mono" rows={18} spellCheck={false} value={text} onChange={(event) => setText(event.target.value)} aria-label="Rule settings JSON" />
      <div className="toolbar">
        <button className="button button--primary" type="submit">
          Save rules
        </button>
        <button className="button" type="button" onClick={() => setText(JSON.stringify(view.value, null, 2))}>
          Undo changes
        </button>
      </div>
      {outcome && (
        <p className={outcome.ok ? 'muted' : 'field-error'} role={outcome.ok ? 'status' : 'alert'} data-testid="rules-outcome">
          {outcome.text}
        </p>
      )}
    </form>
  );
}

function MissingAttribution({ calls, withoutPatient, evidence, undated }: { calls: number; withoutPatient: number; evidence: Alert['evidence']; undated: number }) {
  if (calls === 0 && withoutPatient === 0 && undated === 0) return null;
  return (
    <p className="muted" data-testid="missing-attribution">
      Counted but not attributable: {formatCount(calls)} call(s) without a user, {formatCount(withoutPatient)} without a patient, {formatCount(undated)} without a
      readable time. {evidence.length > 0 && <>Examples: <EvidenceList evidence={evidence} total={calls} /></>}
    </p>
  );
}

function AlertRow({ alert }: { alert: Alert }) {
  const ack = useCustos((state) => state.ackAlert);
  const reviewerName = useCustos((state) => state.reviewerName);
  const [action, setAction] = useState<'acknowledge' | 'dismiss' | null>(null);
  const [by, setBy] = useState(reviewerName);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    if (!action || by.trim().length === 0) return;
    setBusy(true);
    const done = await ack({ alertId: alert.id, action, by: by.trim(), note });
    setBusy(false);
    if (done) setAction(null);
  };

  return (
    <>
      <tr data-testid="alert-row" data-rule={alert.rule}>
        <td>
          <span className={`severity severity--${alert.severity}`}>{alert.severity}</span>
        </td>
        <td>{RULE_LABELS[alert.rule]}</td>
        <td>{alert.explanation}</td>
        <td>{alert.user ?? '—'}</td>
        <td>{alert.patient ?? '—'}</td>
        <td className="nowrap">
          {alert.fromMs !== null ? formatTime(alert.fromMs) : '—'}
          {alert.toMs !== null && alert.toMs !== alert.fromMs ? <><br />{formatTime(alert.toMs)}</> : null}
        </td>
        <td>
          <EvidenceList evidence={alert.evidence} total={alert.evidenceCount} />
        </td>
        <td>
          {alert.status === 'open' ? (
            <span className="row-actions">
              <button className="button button--small" onClick={() => setAction('acknowledge')}>
                Acknowledge
              </button>
              <button className="button button--small" onClick={() => setAction('dismiss')}>
                Dismiss
              </button>
            </span>
          ) : (
            <span title={alert.acknowledgement ? `${alert.acknowledgement.by}, ${alert.acknowledgement.at}: ${alert.acknowledgement.note}` : undefined}>
              {alert.status}
              {alert.acknowledgement ? <span className="muted"> by {alert.acknowledgement.by}</span> : null}
            </span>
          )}
        </td>
      </tr>
      {action && (
        <tr>
          <td colSpan={8}>
            <form className="review-dialog analysis-form" aria-label={`${action === 'dismiss' ? 'Dismiss' : 'Acknowledge'} alert`} onSubmit={(event) => void submit(event)}>
              <Explainer>
                {action === 'dismiss'
                  ? 'Dismiss: this alert is not a concern (say why). '
                  : 'Acknowledge: you have seen this alert and it is being handled. '}
                Your name, the time and the note are recorded in the evidence journal and cannot be edited afterwards.
              </Explainer>
              <label>
                Your name
                <input value={by} onChange={(event) => setBy(event.target.value)} required aria-label="Your name" />
              </label>
              <label style={{ flex: 1 }}>
                Note
                <input value={note} onChange={(event) => setNote(event.target.value)} aria-label="Note" />
              </label>
              <button className="button button--primary" type="submit" disabled={busy || by.trim().length === 0}>
                {action === 'dismiss' ? 'Dismiss alert' : 'Acknowledge alert'}
              </button>
              <button className="button" type="button" onClick={() => setAction(null)}>
                Cancel
              </button>
            </form>
          </td>
        </tr>
      )}
    </>
  );
}
