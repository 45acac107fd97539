/**
 * The anomaly rules engine. Each rule is one pass over tool calls grouped and sorted the way it
 * needs (user+patient by time, patient by time, user by time…); sliding windows use two pointers,
 * so the input order does not matter and each rule is O(n log n).
 */
import { createHash } from 'node:crypto';
import type { Finding, Severity } from '../../../shared/findings.js';
import { FINDING_EXPLANATIONS } from '../../../shared/findings.js';
import type { Alert, AlertAckRecord, AlertFilter, AlertRuleId, AlertsReport, BtgOverview, EvidenceRef, JournalStatus, RuleRunStatus } from '../../../shared/analyses.js';
import type { AnalysisData, CallRecord } from './analysis-data.js';
import { LocalClock } from './local-time.js';
import type { RulesConfig } from './rules-config.js';

const MAX_EVIDENCE = 500;
const MINUTE = 60_000;
const SEVERITY_ORDER: Record<Severity, number> = { critical: 0, warning: 1, info: 2 };
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

type DraftAlert = Omit<Alert, 'id' | 'status' | 'acknowledgement' | 'evidenceCount'>;

export interface AlertContext {
  asOfMs: number;
  /** Integrity findings of the open archives. */
  findings: Finding[];
  /** Break-the-glass review state (for the overdue rule). */
  btg: BtgOverview | null;
  acks: Map<string, AlertAckRecord>;
  journal: JournalStatus;
}

/**
 * Stable across runs and while an episode grows (more accesses appended by a live tail keep its
 * subject and first evidence line), so an acknowledgement stays attached to its alert.
 */
function alertId(draft: DraftAlert): string {
  const first = draft.evidence[0];
  const m = draft.metrics;
  const key = [draft.rule, draft.user ?? '', draft.patient ?? '', first ? `${first.file}:${first.line}` : '', m.kind, m.field, m.where, m.role, m.tool, m.day, m.run]
    .map((part) => String(part ?? ''))
    .join('\u0000');
  return createHash('sha256').update(key).digest('hex').slice(0, 16);
}

/**
 * Who acted: the user, or — when the log records none (selectools) — the run/conversation, so
 * unattributed activity is still checked. Such alerts carry user null and name the run.
 */
function actorKey(c: CallRecord): string | null {
  return c.user ?? (c.conversationId === null ? null : `\u0001${c.conversationId}`);
}

function actorLabel(c: CallRecord): string {
  return c.user ?? `Unattributed run ${c.conversationId ?? '?'} (no user recorded)`;
}

function actorMetrics(c: CallRecord): Record<string, string> {
  return c.user === null && c.conversationId !== null ? { run: c.conversationId } : {};
}

function refs(calls: CallRecord[]): EvidenceRef[] {
  return calls.slice(0, MAX_EVIDENCE).map((c) => c.source);
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

function plural(n: number, word: string): string {
  if (n === 1) return `${n} ${word}`;
  return `${n} ${/(?:s|sh|ch|x)$/.test(word) ? `${word}es` : /[^aeiou]y$/.test(word) ? `${word.slice(0, -1)}ies` : `${word}s`}`;
}

function groupBy(calls: CallRecord[], key: (c: CallRecord) => string | null): Map<string, CallRecord[]> {
  const groups = new Map<string, CallRecord[]>();
  for (const call of calls) {
    const k = key(call);
    if (k === null) continue;
    const list = groups.get(k);
    if (list) list.push(call);
    else groups.set(k, [call]);
  }
  for (const list of groups.values()) list.sort(byTime);
  return groups;
}

function byTime(a: CallRecord, b: CallRecord): number {
  return (a.timeMs ?? 0) - (b.timeMs ?? 0) || a.source.file.localeCompare(b.source.file) || a.source.line - b.source.line;
}

interface Episode {
  start: number;
  end: number;
  /** Largest count seen in one window of the episode. */
  peak: number;
}

/**
 * Episodes of a time-sorted list where some window of `windowMs` (inclusive: last − first ≤ windowMs)
 * holds a measure ≥ threshold; overlapping qualifying windows merge into one episode.
 * `measure` is maintained incrementally by add/remove callbacks.
 */
function slidingEpisodes(
  items: CallRecord[],
  windowMs: number,
  threshold: number,
  counter: { add(c: CallRecord): void; remove(c: CallRecord): void; value(): number },
): Episode[] {
  const episodes: Episode[] = [];
  let current: Episode | null = null;
  let i = 0;
  for (let j = 0; j < items.length; j++) {
    const tj = items[j]?.timeMs ?? 0;
    counter.add(items[j] as CallRecord);
    while ((items[i]?.timeMs ?? 0) < tj - windowMs) counter.remove(items[i++] as CallRecord);
    const value = counter.value();
    if (value < threshold) continue;
    if (current && i <= current.end) {
      current.end = j;
      current.peak = Math.max(current.peak, value);
    } else {
      if (current) episodes.push(current);
      current = { start: i, end: j, peak: value };
    }
  }
  if (current) episodes.push(current);
  return episodes;
}

function countingCounter(): { add(): void; remove(): void; value(): number } {
  let n = 0;
  return { add: () => void n++, remove: () => void n--, value: () => n };
}

function distinctUserCounter(): { add(c: CallRecord): void; remove(c: CallRecord): void; value(): number } {
  const counts = new Map<string, number>();
  return {
    add: (c) => counts.set(c.user ?? '', (counts.get(c.user ?? '') ?? 0) + 1),
    remove: (c) => {
      const left = (counts.get(c.user ?? '') ?? 0) - 1;
      if (left <= 0) counts.delete(c.user ?? '');
      else counts.set(c.user ?? '', left);
    },
    value: () => counts.size,
  };
}

function burstRule(calls: CallRecord[], config: RulesConfig): DraftAlert[] {
  const { minAccesses, windowMinutes, severity } = config.burst;
  const out: DraftAlert[] = [];
  const groups = groupBy(calls, (c) => {
    const actor = actorKey(c);
    return actor !== null && c.patient !== null ? `${actor}\u0000${c.patient}` : null;
  });
  for (const list of groups.values()) {
    for (const ep of slidingEpisodes(list, windowMinutes * MINUTE, minAccesses, countingCounter())) {
      const span = list.slice(ep.start, ep.end + 1);
      const first = span[0] as CallRecord;
      const last = span[span.length - 1] as CallRecord;
      out.push({
        rule: 'burst',
        severity,
        user: first.user,
        patient: first.patient,
        fromMs: first.timeMs,
        toMs: last.timeMs,
        explanation: `${actorLabel(first)} accessed patient ${first.patient} ${ep.peak} times within ${windowMinutes} minutes (threshold ${minAccesses}), ${plural(span.length, 'access')} in this burst.`,
        evidence: refs(span),
        metrics: { peak: ep.peak, accesses: span.length, threshold: minAccesses, windowMinutes, ...actorMetrics(first) },
      });
    }
  }
  return out;
}

/**
 * "Unusually many" is relative to how many people a patient usually sees: the threshold is the
 * configured minimum or a multiple of the median distinct users per patient per day, whichever is higher.
 */
function manyUsersThreshold(groups: Map<string, CallRecord[]>, config: RulesConfig, clock: LocalClock): { threshold: number; median: number } {
  const perPatientDay: number[] = [];
  for (const list of groups.values()) {
    const days = new Map<string, Set<string | null>>();
    for (const c of list) {
      const day = clock.dayKey(c.timeMs ?? 0);
      const users = days.get(day);
      if (users) users.add(c.user);
      else days.set(day, new Set([c.user]));
    }
    for (const users of days.values()) perPatientDay.push(users.size);
  }
  const typical = median(perPatientDay.sort((a, b) => a - b));
  return { threshold: Math.max(config.manyUsers.minDistinctUsers, Math.ceil(config.manyUsers.populationMultiplier * typical)), median: typical };
}

function manyUsersRule(calls: CallRecord[], config: RulesConfig, clock: LocalClock): DraftAlert[] {
  const { windowHours, severity } = config.manyUsers;
  const out: DraftAlert[] = [];
  const groups = groupBy(calls, (c) => (c.user !== null && c.patient !== null ? c.patient : null));
  const { threshold: minDistinctUsers, median: typical } = manyUsersThreshold(groups, config, clock);
  for (const list of groups.values()) {
    for (const ep of slidingEpisodes(list, windowHours * 60 * MINUTE, minDistinctUsers, distinctUserCounter())) {
      const span = list.slice(ep.start, ep.end + 1);
      const first = span[0] as CallRecord;
      const last = span[span.length - 1] as CallRecord;
      const users = new Set(span.map((c) => c.user));
      out.push({
        rule: 'many-users',
        severity,
        user: null,
        patient: first.patient,
        fromMs: first.timeMs,
        toMs: last.timeMs,
        explanation: `Patient ${first.patient} was accessed by ${ep.peak} different users within ${windowHours} hours (threshold ${minDistinctUsers}; a patient typically sees ${typical} per day), ${users.size} users in all during this period.`,
        evidence: refs(span),
        metrics: { peakDistinctUsers: ep.peak, users: users.size, accesses: span.length, threshold: minDistinctUsers, typicalPerDay: typical, windowHours },
      });
    }
  }
  return out;
}

function parseClock(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

function describeBusinessHours(config: RulesConfig): string {
  const days = [...config.afterHours.workdays].sort((a, b) => a - b).map((d) => (WEEKDAYS[d] ?? '').slice(0, 3));
  return `${days.join(', ')} ${config.afterHours.start}–${config.afterHours.end} ${config.timeZone}`;
}

function afterHoursRule(calls: CallRecord[], config: RulesConfig, clock: LocalClock): DraftAlert[] {
  const start = parseClock(config.afterHours.start);
  const end = parseClock(config.afterHours.end);
  const workdays = new Set(config.afterHours.workdays);
  const inside = start <= end ? (m: number) => m >= start && m < end : (m: number) => m >= start || m < end;
  const byUserDay = new Map<string, { calls: CallRecord[]; day: string; weekday: number; firstLocal: string }>();
  for (const call of calls) {
    const actor = actorKey(call);
    if (actor === null || call.timeMs === null) continue;
    const local = clock.parts(call.timeMs);
    if (workdays.has(local.weekday) && inside(local.minuteOfDay)) continue;
    const key = `${actor}\u0000${local.dayKey}`;
    let group = byUserDay.get(key);
    if (!group) {
      group = { calls: [], day: local.dayKey, weekday: local.weekday, firstLocal: '' };
      byUserDay.set(key, group);
    }
    group.calls.push(call);
  }
  const out: DraftAlert[] = [];
  const hours = describeBusinessHours(config);
  for (const group of byUserDay.values()) {
    group.calls.sort(byTime);
    const first = group.calls[0] as CallRecord;
    const last = group.calls[group.calls.length - 1] as CallRecord;
    const firstLocal = clock.parts(first.timeMs ?? 0);
    const patients = new Set(group.calls.map((c) => c.patient).filter((p) => p !== null));
    const weekend = !workdays.has(group.weekday);
    out.push({
      rule: 'after-hours',
      severity: config.afterHours.severity,
      user: first.user,
      patient: patients.size === 1 ? [...patients][0] ?? null : null,
      fromMs: first.timeMs,
      toMs: last.timeMs,
      explanation: `${actorLabel(first)} made ${plural(group.calls.length, 'access')} ${weekend ? 'on a non-working day' : 'outside business hours'} (${WEEKDAYS[group.weekday]} ${group.day}, first at ${String(firstLocal.hour).padStart(2, '0')}:${String(firstLocal.minute).padStart(2, '0')} local time; business hours ${hours}).`,
      evidence: refs(group.calls),
      metrics: { accesses: group.calls.length, patients: patients.size, day: group.day, weekday: WEEKDAYS[group.weekday] ?? '', ...actorMetrics(first) },
    });
  }
  return out;
}

function median(sorted: number[]): number {
  if (sorted.length === 0) return 0;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

function volumeRule(calls: CallRecord[], config: RulesConfig, clock: LocalClock): DraftAlert[] {
  const v = config.volume;
  // user → day → patient → first call that day
  const perUser = new Map<string, Map<string, Map<string, CallRecord>>>();
  for (const call of calls) {
    if (call.user === null || call.patient === null || call.timeMs === null) continue;
    const day = clock.dayKey(call.timeMs);
    let days = perUser.get(call.user);
    if (!days) perUser.set(call.user, (days = new Map()));
    let patients = days.get(day);
    if (!patients) days.set(day, (patients = new Map()));
    const seen = patients.get(call.patient);
    if (!seen || byTime(call, seen) < 0) patients.set(call.patient, call);
  }
  const out: DraftAlert[] = [];
  for (const [user, days] of perUser) {
    const counts = [...days.values()].map((p) => p.size).sort((a, b) => a - b);
    for (const [day, patients] of days) {
      const count = patients.size;
      const others = [...counts];
      others.splice(others.indexOf(count), 1);
      const baseline = median(others);
      const overAbsolute = count > v.maxPatientsPerDay;
      const overBaseline = others.length >= v.minBaselineDays && count >= v.minPatientsForBaseline && count > v.baselineMultiplier * baseline;
      if (!overAbsolute && !overBaseline) continue;
      const evidence = [...patients.values()].sort(byTime);
      const first = evidence[0] as CallRecord;
      const last = evidence[evidence.length - 1] as CallRecord;
      const why = overAbsolute
        ? `above the limit of ${v.maxPatientsPerDay}`
        : `${(count / Math.max(baseline, 1)).toFixed(1)}× their usual ${baseline} per day over ${plural(others.length, 'other day')}`;
      out.push({
        rule: 'volume',
        severity: v.severity,
        user,
        patient: null,
        fromMs: first.timeMs,
        toMs: last.timeMs,
        explanation: `${user} accessed ${plural(count, 'different patient')} on ${day} (${config.timeZone}), ${why}.`,
        evidence: refs(evidence),
        metrics: { distinctPatients: count, baseline, baselineDays: others.length, limit: v.maxPatientsPerDay, day },
      });
    }
  }
  return out;
}

function failureBurstRule(calls: CallRecord[], config: RulesConfig): DraftAlert[] {
  const { minFailures, windowMinutes, severity } = config.failureBurst;
  const out: DraftAlert[] = [];
  const groups = groupBy(
    calls.filter((c) => c.success === false),
    actorKey,
  );
  for (const list of groups.values()) {
    for (const ep of slidingEpisodes(list, windowMinutes * MINUTE, minFailures, countingCounter())) {
      const span = list.slice(ep.start, ep.end + 1);
      const first = span[0] as CallRecord;
      const last = span[span.length - 1] as CallRecord;
      const patients = new Set(span.map((c) => c.patient).filter((p) => p !== null));
      const tools = new Set(span.map((c) => c.tool).filter((t) => t !== null));
      out.push({
        rule: 'failure-burst',
        severity,
        user: first.user,
        patient: patients.size === 1 ? [...patients][0] ?? null : null,
        fromMs: first.timeMs,
        toMs: last.timeMs,
        explanation: `${actorLabel(first)} made ${ep.peak} failed calls within ${windowMinutes} minutes (threshold ${minFailures}) across ${plural(tools.size, 'tool')} and ${plural(patients.size, 'patient')}, which can indicate probing.`,
        evidence: refs(span),
        metrics: { peak: ep.peak, failures: span.length, threshold: minFailures, windowMinutes, tools: tools.size, patients: patients.size, ...actorMetrics(first) },
      });
    }
  }
  return out;
}

function globMatcher(patterns: string[]): (tool: string) => boolean {
  const res = patterns.map((p) => new RegExp(`^${p.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`));
  return (tool) => res.some((re) => re.test(tool));
}

function roleRule(calls: CallRecord[], config: RulesConfig): { alerts: DraftAlert[]; note?: string } {
  const rp = config.rolePermissions;
  const roles = new Map(Object.entries(rp.roles).map(([role, tools]) => [role.toLowerCase(), globMatcher(tools)] as const));
  if (roles.size === 0) return { alerts: [], note: 'No role permission map is configured, so no call could be checked.' };
  const groups = new Map<string, CallRecord[]>();
  let unchecked = 0;
  for (const call of calls) {
    if (call.role === null || call.tool === null) {
      unchecked++;
      continue;
    }
    const allowed = roles.get(call.role.toLowerCase());
    if (allowed ? allowed(call.tool) : rp.unknownRoles === 'ignore') continue;
    const key = `${call.user ?? ''}\u0000${call.role}\u0000${call.tool}`;
    const list = groups.get(key);
    if (list) list.push(call);
    else groups.set(key, [call]);
  }
  const alerts: DraftAlert[] = [];
  for (const list of groups.values()) {
    list.sort(byTime);
    const first = list[0] as CallRecord;
    const last = list[list.length - 1] as CallRecord;
    const known = roles.has((first.role ?? '').toLowerCase());
    const patients = new Set(list.map((c) => c.patient).filter((p) => p !== null));
    alerts.push({
      rule: 'role-not-permitted',
      severity: rp.severity,
      user: first.user,
      patient: patients.size === 1 ? [...patients][0] ?? null : null,
      fromMs: first.timeMs,
      toMs: last.timeMs,
      explanation: known
        ? `${first.user ?? 'An unattributed user'} with role "${first.role}" used ${first.tool} ${plural(list.length, 'time')}, which the permission map does not allow for that role.`
        : `${first.user ?? 'An unattributed user'} used ${first.tool} ${plural(list.length, 'time')} with role "${first.role}", which the permission map does not know.`,
      evidence: refs(list),
      metrics: { calls: list.length, role: first.role ?? '', tool: first.tool ?? '', patients: patients.size },
    });
  }
  return { alerts, note: unchecked > 0 ? `${plural(unchecked, 'call')} without a role or tool could not be checked.` : undefined };
}

const PII_LABEL: Record<string, string> = { ssn: 'Social Security numbers', dob: 'dates of birth', phone: 'phone numbers', name: 'personal names', address: 'addresses' };

function piiRule(data: AnalysisData, config: RulesConfig): DraftAlert[] {
  const kinds = new Set<string>(config.piiInClear.kinds);
  const groups = new Map<string, AnalysisData['pii']>();
  for (const hit of data.pii) {
    if (!kinds.has(hit.kind)) continue;
    const key = `${hit.source.file}\u0000${hit.kind}\u0000${hit.where}\u0000${hit.field ?? ''}`;
    const list = groups.get(key);
    if (list) list.push(hit);
    else groups.set(key, [hit]);
  }
  const out: DraftAlert[] = [];
  for (const hits of groups.values()) {
    hits.sort((a, b) => a.source.line - b.source.line);
    const first = hits[0] as AnalysisData['pii'][number];
    const times = hits.map((h) => h.timeMs).filter((t): t is number => t !== null);
    const users = new Set(hits.map((h) => h.user));
    const patients = new Set(hits.map((h) => h.patient));
    const where = first.field === null ? `the ${first.where} text` : `the "${first.field}" field of the ${first.where}`;
    out.push({
      rule: 'pii-in-clear',
      severity: config.piiInClear.severity,
      user: users.size === 1 ? [...users][0] ?? null : null,
      patient: patients.size === 1 ? [...patients][0] ?? null : null,
      fromMs: times.length ? Math.min(...times) : null,
      toMs: times.length ? Math.max(...times) : null,
      explanation: `Unhashed ${PII_LABEL[first.kind] ?? first.kind} appear in ${where} of ${plural(hits.length, 'entry')} of ${first.source.file}: these values were not sanitized before logging.`,
      evidence: hits.slice(0, MAX_EVIDENCE).map((h) => h.source),
      metrics: { kind: first.kind, field: first.field ?? '', where: first.where, entries: hits.length },
    });
  }
  return out;
}

function btgOverdueRule(btg: BtgOverview | null, config: RulesConfig, asOfMs: number): DraftAlert[] {
  if (!btg) return [];
  return btg.events
    .filter((e) => e.overdue)
    .map((e) => ({
      rule: 'btg-overdue' as const,
      severity: config.btgOverdue.severity,
      user: e.user,
      patient: e.patient,
      fromMs: e.timeMs,
      toMs: e.dueMs,
      explanation:
        e.dueMs === null
          ? `Break-the-glass access by ${e.user ?? 'an unattributed user'} to patient ${e.patient ?? '(none recorded)'} has no usable time and has not been reviewed.`
          : `Break-the-glass access by ${e.user ?? 'an unattributed user'} to patient ${e.patient ?? '(none recorded)'} at ${iso(e.timeMs ?? 0)} has not been reviewed; the review was due ${iso(e.dueMs)} (${Math.floor((asOfMs - e.dueMs) / 86_400_000)} days overdue).`,
      evidence: [e.source],
      metrics: { eventKey: e.key, reviewWindowDays: btg.reviewWindowDays },
    }));
}

function integrityRule(findings: Finding[], config: RulesConfig): DraftAlert[] {
  const groups = new Map<string, Finding[]>();
  for (const f of findings) {
    if (f.severity === 'info' || (f.severity === 'warning' && !config.integrity.includeWarnings)) continue;
    const key = `${f.file}\u0000${f.kind}`;
    const list = groups.get(key);
    if (list) list.push(f);
    else groups.set(key, [f]);
  }
  const out: DraftAlert[] = [];
  for (const list of groups.values()) {
    const first = list[0] as Finding;
    const lines = list.map((f) => f.line).filter((l): l is number => l !== null);
    out.push({
      rule: 'integrity',
      severity: first.severity === 'critical' ? 'critical' : 'warning',
      user: null,
      patient: null,
      fromMs: null,
      toMs: null,
      explanation: `${plural(list.length, `${first.kind} finding`)} in ${first.file}${lines.length ? ` (first at line ${Math.min(...lines)})` : ''}: ${FINDING_EXPLANATIONS[first.kind]}`,
      evidence: list.slice(0, MAX_EVIDENCE).map((f) => ({ file: f.file, line: f.line ?? 0 })),
      metrics: { kind: first.kind, findings: list.length },
    });
  }
  return out;
}

/** How many entries stand behind an alert; the evidence list itself is capped at MAX_EVIDENCE. */
function evidenceCount(draft: DraftAlert): number {
  const m = draft.metrics;
  const count = [m.accesses, m.failures, m.entries, m.findings, m.calls, m.distinctPatients].find((v) => typeof v === 'number');
  return typeof count === 'number' ? count : draft.evidence.length;
}

/** Runs every enabled rule and attaches acknowledgements from the journal. */
export function runRules(data: AnalysisData, config: RulesConfig, context: AlertContext): AlertsReport {
  const clock = LocalClock.for(config.timeZone);
  const dated = data.calls.filter((c) => c.timeMs !== null);
  const statuses: RuleRunStatus[] = [];
  const drafts: DraftAlert[] = [];
  const run = (rule: AlertRuleId, enabled: boolean, produce: () => { alerts: DraftAlert[]; note?: string }): void => {
    if (!enabled) {
      statuses.push({ rule, enabled: false, alerts: 0 });
      return;
    }
    const { alerts, note } = produce();
    drafts.push(...alerts);
    statuses.push(note === undefined ? { rule, enabled: true, alerts: alerts.length } : { rule, enabled: true, alerts: alerts.length, note });
  };
  run('integrity', config.integrity.enabled, () => ({ alerts: integrityRule(context.findings, config) }));
  run('burst', config.burst.enabled, () => ({ alerts: burstRule(dated, config) }));
  run('many-users', config.manyUsers.enabled, () => ({ alerts: manyUsersRule(dated, config, clock) }));
  run('after-hours', config.afterHours.enabled, () => ({ alerts: afterHoursRule(dated, config, clock) }));
  run('volume', config.volume.enabled, () => ({ alerts: volumeRule(dated, config, clock) }));
  run('failure-burst', config.failureBurst.enabled, () => ({ alerts: failureBurstRule(dated, config) }));
  run('role-not-permitted', config.rolePermissions.enabled, () => roleRule(data.calls, config));
  run('pii-in-clear', config.piiInClear.enabled, () => ({ alerts: piiRule(data, config) }));
  run('btg-overdue', config.btgOverdue.enabled, () =>
    context.btg ? { alerts: btgOverdueRule(context.btg, config, context.asOfMs) } : { alerts: [], note: 'Break-the-glass review state was not available.' },
  );

  const alerts: Alert[] = drafts.map((draft) => {
    const id = alertId(draft);
    const ack = context.acks.get(id) ?? null;
    return {
      id,
      ...draft,
      evidenceCount: evidenceCount(draft),
      status: ack === null ? 'open' : ack.action === 'acknowledge' ? 'acknowledged' : 'dismissed',
      acknowledgement: ack,
    };
  });
  alerts.sort(
    (a, b) =>
      SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
      (a.fromMs ?? -Infinity) - (b.fromMs ?? -Infinity) ||
      a.rule.localeCompare(b.rule) ||
      (a.evidence[0]?.file ?? '').localeCompare(b.evidence[0]?.file ?? '') ||
      (a.evidence[0]?.line ?? 0) - (b.evidence[0]?.line ?? 0),
  );
  const unattributed = data.calls.filter((c) => c.user === null);
  const withoutPatient = data.calls.filter((c) => c.patient === null);
  const counts: Record<Severity, number> = { critical: 0, warning: 0, info: 0 };
  for (const a of alerts) counts[a.severity]++;
  return {
    asOfMs: context.asOfMs,
    rulesRevision: config.revision,
    timeZone: config.timeZone,
    alerts,
    rules: statuses,
    counts,
    missingAttribution: {
      calls: unattributed.length,
      evidence: unattributed.slice(0, MAX_EVIDENCE).map((c) => c.source),
      withoutPatient: withoutPatient.length,
      withoutPatientEvidence: withoutPatient.slice(0, MAX_EVIDENCE).map((c) => c.source),
    },
    undatedCalls: data.calls.length - dated.length,
    journal: context.journal,
  };
}

export function filterAlerts(alerts: Alert[], filter: AlertFilter): Alert[] {
  return alerts.filter(
    (a) =>
      (!filter.rules?.length || filter.rules.includes(a.rule)) &&
      (!filter.severities?.length || filter.severities.includes(a.severity)) &&
      (!filter.users?.length || (a.user !== null && filter.users.includes(a.user))) &&
      (!filter.patients?.length || (a.patient !== null && filter.patients.includes(a.patient))) &&
      (!filter.statuses?.length || filter.statuses.includes(a.status)),
  );
}
