/**
 * Anomaly rules and break-the-glass detection on live batches, with the analyses engine of
 * main/core/analyses. Windowed rules need recent history, so the calls of the last day (by entry
 * time, capped in number) are kept, indexed by actor and patient; each batch runs every rule
 * over only the history its new calls can form an alert with, and an alert is announced once:
 * a later batch that extends the same episode (same rule and subject, overlapping time) does not
 * raise it again.
 */
import type { Alert, AlertRuleId, BtgOverview, EvidenceRef, JournalStatus } from '../../../shared/analyses.js';
import type { NormalizedEntry } from '../../../shared/entry.js';
import type { Finding } from '../../../shared/findings.js';
import type { TailAlert } from '../../../shared/tail.js';
import { runRules } from '../analyses/alerts.js';
import { AnalysisCollector, type AnalysisData, type CallRecord, type PiiHit } from '../analyses/analysis-data.js';
import { reviewBreakGlass } from '../analyses/btg.js';
import { LocalClock } from '../analyses/local-time.js';
import type { RulesConfig } from '../analyses/rules-config.js';

const HOUR = 3_600_000;
const DEFAULT_HISTORY_MS = 25 * HOUR;
const DEFAULT_MAX_CALLS = 250_000;
const NO_JOURNAL: JournalStatus = { path: '', records: 0, state: 'empty', headHash: null };

export const RULE_TITLES: Record<AlertRuleId, string> = {
  integrity: 'Integrity problem',
  burst: 'Burst of accesses to one patient',
  'many-users': 'Patient accessed by many users',
  'after-hours': 'Access outside business hours',
  volume: 'Unusual number of patients',
  'failure-burst': 'Burst of failed calls',
  'role-not-permitted': 'Tool not permitted for the role',
  'pii-in-clear': 'Personal data logged in clear',
  'btg-overdue': 'Break-the-glass review overdue',
};

export type LiveAlert = Omit<TailAlert, 'tailId'>;

export interface LiveAnalysesOptions {
  rules: RulesConfig;
  /** How far back (in entry time) calls are kept for windowed rules. */
  historyMs?: number;
  maxCalls?: number;
}

function actorKey(c: CallRecord): string | null {
  return c.user ?? (c.conversationId === null ? null : `\u0001${c.conversationId}`);
}

function ref(r: EvidenceRef): string {
  return `${r.file}\u0000${r.line}`;
}

function only(rules: RulesConfig, enabled: readonly AlertRuleId[]): RulesConfig {
  const on = new Set(enabled);
  return {
    ...rules,
    integrity: { ...rules.integrity, enabled: on.has('integrity'), includeWarnings: false },
    burst: { ...rules.burst, enabled: on.has('burst') },
    manyUsers: { ...rules.manyUsers, enabled: on.has('many-users') },
    afterHours: { ...rules.afterHours, enabled: on.has('after-hours') },
    volume: { ...rules.volume, enabled: on.has('volume') },
    failureBurst: { ...rules.failureBurst, enabled: on.has('failure-burst') },
    rolePermissions: { ...rules.rolePermissions, enabled: on.has('role-not-permitted') },
    piiInClear: { ...rules.piiInClear, enabled: on.has('pii-in-clear') },
    btgOverdue: { ...rules.btgOverdue, enabled: false },
  };
}

function dataOf(calls: CallRecord[], pii: PiiHit[] = []): AnalysisData {
  return {
    calls,
    entries: { files: [], strings: [], file: [], line: [], timeMs: [], tool: [], user: [], patient: [] },
    pii,
    hashTokens: new Map(),
  };
}

export class LiveAnalyses {
  private readonly rules: RulesConfig;
  private readonly historyMs: number;
  private readonly maxCalls: number;
  private readonly clock: LocalClock;
  private history: CallRecord[] = [];
  private byActor = new Map<string, CallRecord[]>();
  private byPatient = new Map<string, CallRecord[]>();
  private byPair = new Map<string, CallRecord[]>();
  private latestMs = Number.NEGATIVE_INFINITY;
  private droppedSinceRebuild = 0;
  /** Subject of an announced alert → the time span it covers so far. */
  private readonly announced = new Map<string, { toMs: number | null }>();
  /** user + local day → distinct patients (the volume rule's absolute limit). */
  private readonly patientsPerUserDay = new Map<string, Set<string>>();

  constructor(options: LiveAnalysesOptions) {
    this.rules = options.rules;
    this.historyMs = options.historyMs ?? DEFAULT_HISTORY_MS;
    this.maxCalls = options.maxCalls ?? DEFAULT_MAX_CALLS;
    this.clock = new LocalClock(options.rules.timeZone);
  }

  /**
   * Adds a batch and returns the alerts it raises. With `announce` false (entries re-read after a
   * restart) the history and the announced alerts are rebuilt but nothing is returned.
   */
  observe(entries: readonly NormalizedEntry[], findings: readonly Finding[], announce: boolean): LiveAlert[] {
    const collector = new AnalysisCollector();
    for (const entry of entries) collector.add(entry);
    const { calls: batchCalls, pii } = collector.finish();
    const dated = batchCalls.filter((c) => c.timeMs !== null);
    this.remember(dated);

    const batchRefs = new Set(batchCalls.map((c) => ref(c.source)));
    const alerts: Alert[] = [];
    const run = (calls: CallRecord[], rules: AlertRuleId[], extra: { pii?: PiiHit[]; findings?: Finding[] } = {}): void => {
      if (calls.length === 0 && !extra.pii?.length && !extra.findings?.length) return;
      const reindexed = calls.map((c, index) => ({ ...c, index }));
      const report = runRules(dataOf(reindexed, extra.pii ?? []), only(this.rules, rules), {
        asOfMs: Date.now(),
        findings: extra.findings ?? [],
        btg: null,
        acks: new Map(),
        journal: NO_JOURNAL,
      });
      alerts.push(...report.alerts);
    };

    let earliest = Number.POSITIVE_INFINITY;
    for (const c of dated) earliest = Math.min(earliest, c.timeMs as number);
    run(this.pairHistory(dated, earliest - this.rules.burst.windowMinutes * 60_000), ['burst']);
    run(this.patientHistory(dated, earliest - this.rules.manyUsers.windowHours * HOUR), ['many-users']);
    run(this.failureHistory(dated, earliest - this.rules.failureBurst.windowMinutes * 60_000), ['failure-burst']);
    run(this.volumeCandidates(dated), ['volume']);
    run(dated, ['after-hours']);
    const integrityFindings = findings.filter((f) => f.severity === 'critical' && f.kind !== 'file-changed');
    run(batchCalls, ['role-not-permitted', 'pii-in-clear', 'integrity'], { pii, findings: integrityFindings });

    const out: LiveAlert[] = [];
    for (const alert of alerts) {
      if (alert.rule !== 'integrity' && !alert.evidence.some((e) => batchRefs.has(ref(e)))) continue;
      if (!this.isNew(alert)) continue;
      if (announce) out.push(this.toLiveAlert(alert));
    }
    for (const alert of this.breakGlass(batchCalls)) if (announce) out.push(alert);
    return out;
  }

  /** Keeps dated calls, drops those older than the window or over the cap. */
  private remember(calls: CallRecord[]): void {
    for (const call of calls) {
      this.history.push(call);
      this.latestMs = Math.max(this.latestMs, call.timeMs as number);
      const actor = actorKey(call);
      if (actor !== null) push(this.byActor, actor, call);
      if (call.patient !== null) push(this.byPatient, call.patient, call);
      if (actor !== null && call.patient !== null) push(this.byPair, `${actor}\u0000${call.patient}`, call);
      if (call.user !== null && call.patient !== null) {
        const key = `${call.user}\u0000${this.clock.dayKey(call.timeMs as number)}`;
        const set = this.patientsPerUserDay.get(key);
        if (set) set.add(call.patient);
        else this.patientsPerUserDay.set(key, new Set([call.patient]));
      }
    }
    const cutoff = this.latestMs - this.historyMs;
    let drop = 0;
    while (drop < this.history.length && ((this.history[drop]?.timeMs as number) < cutoff || this.history.length - drop > this.maxCalls)) drop++;
    if (drop === 0) return;
    this.history = this.history.slice(drop);
    this.droppedSinceRebuild += drop;
    // The per-key lists are filtered by time when read; rebuild them only once many calls left.
    if (this.droppedSinceRebuild > this.history.length / 4) {
      this.droppedSinceRebuild = 0;
      this.byActor = new Map();
      this.byPatient = new Map();
      this.byPair = new Map();
      for (const call of this.history) {
        const actor = actorKey(call);
        if (actor !== null) push(this.byActor, actor, call);
        if (call.patient !== null) push(this.byPatient, call.patient, call);
        if (actor !== null && call.patient !== null) push(this.byPair, `${actor}\u0000${call.patient}`, call);
      }
      const oldestDay = this.clock.dayKey(cutoff);
      for (const key of this.patientsPerUserDay.keys()) if ((key.split('\u0000')[1] ?? '') < oldestDay) this.patientsPerUserDay.delete(key);
    }
  }

  private pairHistory(batch: CallRecord[], fromMs: number): CallRecord[] {
    const pairs = new Set<string>();
    const out: CallRecord[] = [];
    for (const call of batch) {
      const actor = actorKey(call);
      if (actor === null || call.patient === null) continue;
      const key = `${actor}\u0000${call.patient}`;
      if (pairs.has(key)) continue;
      pairs.add(key);
      for (const c of this.byPair.get(key) ?? []) if ((c.timeMs as number) >= fromMs) out.push(c);
    }
    return out;
  }

  private patientHistory(batch: CallRecord[], fromMs: number): CallRecord[] {
    const seen = new Set<string>();
    const out: CallRecord[] = [];
    for (const call of batch) {
      if (call.patient === null || call.user === null || seen.has(call.patient)) continue;
      seen.add(call.patient);
      for (const c of this.byPatient.get(call.patient) ?? []) if ((c.timeMs as number) >= fromMs) out.push(c);
    }
    return out;
  }

  private failureHistory(batch: CallRecord[], fromMs: number): CallRecord[] {
    const seen = new Set<string>();
    const out: CallRecord[] = [];
    for (const call of batch) {
      const actor = actorKey(call);
      if (call.success !== false || actor === null || seen.has(actor)) continue;
      seen.add(actor);
      for (const c of this.byActor.get(actor) ?? []) if (c.success === false && (c.timeMs as number) >= fromMs) out.push(c);
    }
    return out;
  }

  /** The day's calls of users whose distinct patients that day passed the absolute limit (no baseline live). */
  private volumeCandidates(batch: CallRecord[]): CallRecord[] {
    const out: CallRecord[] = [];
    const seen = new Set<string>();
    for (const call of batch) {
      if (call.user === null || call.patient === null) continue;
      const day = this.clock.dayKey(call.timeMs as number);
      const key = `${call.user}\u0000${day}`;
      if (seen.has(key) || this.announced.has(`volume\u0000${key}`)) continue;
      seen.add(key);
      if ((this.patientsPerUserDay.get(key)?.size ?? 0) <= this.rules.volume.maxPatientsPerDay) continue;
      for (const c of this.byActor.get(call.user) ?? []) if (this.clock.dayKey(c.timeMs as number) === day) out.push(c);
    }
    return out;
  }

  /** The subject an alert is about, and how far apart two alerts of it must be to be separate. */
  private subject(alert: Alert): { key: string; toleranceMs: number } | null {
    const m = alert.metrics;
    const actor = alert.user ?? `run:${String(m.run ?? '')}`;
    switch (alert.rule) {
      case 'burst':
        return { key: `burst\u0000${actor}\u0000${alert.patient ?? ''}`, toleranceMs: 0 };
      case 'many-users':
        return { key: `many-users\u0000${alert.patient ?? ''}`, toleranceMs: 0 };
      case 'failure-burst':
        return { key: `failure-burst\u0000${actor}`, toleranceMs: 0 };
      case 'after-hours':
        return { key: `after-hours\u0000${actor}\u0000${String(m.day ?? '')}`, toleranceMs: Number.POSITIVE_INFINITY };
      case 'volume':
        return { key: `volume\u0000${alert.user ?? ''}\u0000${String(m.day ?? '')}`, toleranceMs: Number.POSITIVE_INFINITY };
      case 'role-not-permitted':
        return { key: `role\u0000${alert.user ?? ''}\u0000${String(m.role ?? '')}\u0000${String(m.tool ?? '')}`, toleranceMs: Number.POSITIVE_INFINITY };
      case 'pii-in-clear':
        return { key: `pii\u0000${alert.evidence[0]?.file ?? ''}\u0000${String(m.kind ?? '')}\u0000${String(m.where ?? '')}\u0000${String(m.field ?? '')}`, toleranceMs: Number.POSITIVE_INFINITY };
      default:
        return null;
    }
  }

  private isNew(alert: Alert): boolean {
    const subject = this.subject(alert);
    if (subject === null) return true;
    const previous = this.announced.get(subject.key);
    const extends_ =
      previous !== undefined &&
      (subject.toleranceMs === Number.POSITIVE_INFINITY || alert.fromMs === null || previous.toMs === null || alert.fromMs <= previous.toMs + subject.toleranceMs);
    const toMs = alert.toMs === null ? (previous?.toMs ?? null) : Math.max(alert.toMs, previous?.toMs ?? alert.toMs);
    this.announced.set(subject.key, { toMs });
    return !extends_;
  }

  private toLiveAlert(alert: Alert): LiveAlert {
    return {
      id: alert.id,
      kind: alert.rule === 'integrity' ? 'integrity' : 'anomaly',
      severity: alert.severity,
      rule: alert.rule,
      title: RULE_TITLES[alert.rule],
      explanation: alert.explanation,
      file: alert.evidence[0]?.file ?? null,
      evidence: alert.evidence.slice(0, 50),
      raisedAt: new Date().toISOString(),
      alert,
    };
  }

  private breakGlass(calls: CallRecord[]): LiveAlert[] {
    const flagged = calls.filter((c) => c.breakGlass.length > 0);
    if (flagged.length === 0) return [];
    const overview: BtgOverview = reviewBreakGlass(dataOf(flagged.map((c, index) => ({ ...c, index }))), {
      asOfMs: Date.now(),
      reviewWindowDays: this.rules.btgOverdue.reviewWindowDays,
      reviews: new Map(),
      journal: NO_JOURNAL,
    });
    const out: LiveAlert[] = [];
    for (const event of overview.events) {
      const key = `btg\u0000${event.key}`;
      if (this.announced.has(key)) continue;
      this.announced.set(key, { toMs: event.timeMs });
      const signals = event.signals.map((s) => `${s.field}=${s.value}`).join(', ');
      const when = event.timeMs === null ? 'at an unknown time' : `at ${new Date(event.timeMs).toISOString().replace('.000Z', 'Z')}`;
      out.push({
        id: `btg-${event.key}`,
        kind: 'break-glass',
        severity: 'warning',
        rule: 'break-glass',
        title: 'Break-the-glass access',
        explanation: `${event.user ?? 'An unattributed user'}${event.role ? ` (${event.role})` : ''} used emergency access to patient ${event.patient ?? '(none recorded)'}${event.tool ? ` with ${event.tool}` : ''} ${when} (${signals}); it needs a review within ${overview.reviewWindowDays} days.`,
        file: event.source.file,
        evidence: [event.source, ...event.related],
        raisedAt: new Date().toISOString(),
        breakGlass: event,
      });
    }
    return out;
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
