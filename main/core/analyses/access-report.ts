/**
 * Patient access report: who accessed a patient's records, when, why, and was it allowed — with the
 * integrity and completeness verdicts of every file it draws on. A patient is found by internal id
 * or by clear identifiers hashed locally (see identifiers.ts); clear values never leave this call.
 * Lookups go through a per-patient index built once per AnalysisData, so a report costs O(rows).
 */
import type { Finding } from '../../../shared/findings.js';
import type { VerifyReport } from '../../../shared/verification.js';
import type {
  AccessReport,
  AccessReportRequest,
  AccessRow,
  Alert,
  AlertRuleId,
  IdentifierKind,
  IdentifierMatch,
  ReportFileVerdict,
  TimelineDay,
} from '../../../shared/analyses.js';
import type { AnalysisData, CallRecord } from './analysis-data.js';
import { candidateHashes } from './identifiers.js';
import { LocalClock } from './local-time.js';

/** Purposes that §164.528(a)(1)(i) excludes from an accounting of disclosures: treatment, payment, health-care operations. */
const TREATMENT_PAYMENT_OPERATIONS =
  /^(?:treatment|tx|care|clinical[ _-]?care|patient[ _-]?care|payment|billing|claims?|reimbursement|operations|health[ _-]?care[ _-]?operations|healthcare[ _-]?operations|hco|quality(?:[ _-]?assurance)?|tpo)$/i;

/** The same calendar instant six years earlier (29 February falls back to 1 March). */
function sixYearsBefore(ms: number): number {
  const d = new Date(ms);
  d.setUTCFullYear(d.getUTCFullYear() - 6);
  return d.getTime();
}

export function isTreatmentPaymentOperations(purpose: string | null): boolean {
  return purpose !== null && TREATMENT_PAYMENT_OPERATIONS.test(purpose.trim());
}

const patientIndexes = new WeakMap<AnalysisData, Map<string, number[]>>();

/** Calls per patient id, built on first use and kept for the lifetime of the data. */
export function patientIndex(data: AnalysisData): Map<string, number[]> {
  let index = patientIndexes.get(data);
  if (!index) {
    index = new Map();
    for (const call of data.calls) {
      if (call.patient === null) continue;
      const list = index.get(call.patient);
      if (list) list.push(call.index);
      else index.set(call.patient, [call.index]);
    }
    patientIndexes.set(data, index);
  }
  return index;
}

export interface ReportContext {
  /** Verification of the archives the data came from; absent → every file reads "not verified". */
  verification?: VerifyReport;
  /** Alerts to show beside the rows they cite. */
  alerts?: Alert[];
  now?: Date;
}

function outcome(success: boolean | null): AccessRow['outcome'] {
  return success === null ? 'unknown' : success ? 'success' : 'failure';
}

const alertIndexes = new WeakMap<Alert[], Map<string, Set<AlertRuleId>>>();

/** Evidence line → rules citing it; built once per alert list (reports are asked many times per run). */
function alertIndex(alerts: Alert[]): Map<string, Set<AlertRuleId>> {
  const cached = alertIndexes.get(alerts);
  if (cached) return cached;
  const index = new Map<string, Set<AlertRuleId>>();
  alertIndexes.set(alerts, index);
  for (const alert of alerts) {
    for (const ref of alert.evidence) {
      const key = `${ref.file}\u0000${ref.line}`;
      const set = index.get(key) ?? new Set();
      set.add(alert.rule);
      index.set(key, set);
    }
  }
  return index;
}

function fileVerdicts(files: Map<string, number>, verification: VerifyReport | undefined): ReportFileVerdict[] {
  const findingsByFile = new Map<string, Finding[]>();
  for (const f of verification?.findings ?? []) {
    const list = findingsByFile.get(f.file) ?? [];
    list.push(f);
    findingsByFile.set(f.file, list);
  }
  return [...files.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([file, rows]) => {
      const report = verification?.files.find((f) => f.path === file);
      const findings = findingsByFile.get(file) ?? [];
      return {
        file,
        format: report?.format ?? null,
        chain: report ? report.chain.status : 'not-verified',
        criticalFindings: findings.filter((f) => f.severity === 'critical').length,
        warningFindings: findings.filter((f) => f.severity === 'warning').length,
        rows,
      };
    });
}

function bannerFor(files: ReportFileVerdict[], verification: VerifyReport | undefined): string[] {
  const banner: string[] = [];
  if (!verification) {
    banner.push('The archive was not verified for this report: nothing here proves the log was not altered.');
    return banner;
  }
  for (const f of files) {
    if (f.chain === 'broken')
      banner.push(`${f.file}: the hash chain is BROKEN (${f.criticalFindings} critical findings) — entries were changed, removed or inserted; ${f.rows} rows of this report come from it.`);
    else if (f.chain === 'unchained') banner.push(`${f.file} has no hash chain: nothing proves its ${f.rows} rows in this report were not altered.`);
    else if (f.chain === 'not-verified') banner.push(`${f.file} was not part of the verification: its rows are unverified.`);
    else if (f.criticalFindings > 0) banner.push(`${f.file} has ${f.criticalFindings} critical findings.`);
  }
  if (verification.verdict.completeness !== 'confirmed') {
    banner.push(
      verification.verdict.completeness === 'incomplete'
        ? 'The archive is INCOMPLETE: entries or files are known to be missing, so accesses may be absent from this report.'
        : 'Completeness is unconfirmed: without an anchor or seal, removal of the newest entries cannot be ruled out.',
    );
  }
  return banner;
}

/** The calls a report covers, however they were found (in memory or in the indexed store). */
export interface PatientSelection {
  calls: CallRecord[];
  /** Patients asked for plus those resolved from identifiers. */
  patients: Set<string>;
  identifierMatches: IdentifierMatch[];
}

/** Patients asked for by id; clear identifiers and the ids themselves are hashed for lookups. */
export function requestedPatients(request: AccessReportRequest): { patients: string[]; identifiers: Array<{ kind: IdentifierKind; value: string }> } {
  const patients = [...new Set((request.patients ?? []).map((p) => p.trim()).filter((p) => p.length > 0))];
  if (patients.length === 0 && (request.identifiers ?? []).length === 0) throw new Error('Name a patient id or at least one identifier to report on.');
  // A patient id may itself be logged hashed (selectools HASHED privacy): search its hashed forms too.
  return { patients, identifiers: [...(request.identifiers ?? []), ...patients.map((value) => ({ kind: 'patient-id' as const, value }))] };
}

/** Selection through the in-memory per-patient index and hash-token index. */
export function selectPatientCalls(data: AnalysisData, request: AccessReportRequest): PatientSelection {
  const { patients, identifiers } = requestedPatients(request);
  const index = patientIndex(data);
  const selected = new Set<number>();
  const coveredPatients = new Set(patients);
  for (const p of patients) for (const i of index.get(p) ?? []) selected.add(i);

  // Identifier hashes: every call carrying one, plus every call of the patients they resolve to.
  const identifierMatches: IdentifierMatch[] = [];
  for (const identifier of identifiers) {
    const matched: string[] = [];
    const resolved = new Set<string>();
    let entries = 0;
    for (const hash of candidateHashes(identifier.kind, identifier.value)) {
      const hits = data.hashTokens.get(hash);
      if (!hits) continue;
      matched.push(hash);
      if (index.has(hash)) resolved.add(hash);
      entries += hits.entries;
      for (const p of hits.patients) resolved.add(p);
      for (const i of hits.calls) selected.add(i);
    }
    for (const p of resolved) {
      coveredPatients.add(p);
      for (const i of index.get(p) ?? []) selected.add(i);
    }
    if (identifier.kind !== 'patient-id' || matched.length > 0) identifierMatches.push({ kind: identifier.kind, matchedHashes: matched, patients: [...resolved].sort(), entries });
  }
  return { calls: [...selected].map((i) => data.calls[i] as CallRecord), patients: coveredPatients, identifierMatches };
}

/** Builds the report; throws only on a bad request (unknown time zone, no patient or identifier). */
export function buildAccessReport(data: AnalysisData, request: AccessReportRequest, context: ReportContext = {}): AccessReport {
  return assembleAccessReport(selectPatientCalls(data, request), request, context);
}

/** Pure assembly of rows, summary, timeline and verdicts from selected calls. */
export function assembleAccessReport(selection: PatientSelection, request: AccessReportRequest, context: ReportContext = {}): AccessReport {
  const { patients } = requestedPatients(request);
  const coveredPatients = selection.patients;
  const identifierMatches = selection.identifierMatches;
  const timeZone = request.timeZone ?? 'UTC';
  const clock = LocalClock.for(timeZone);
  const now = context.now ?? new Date();
  const disclosures = request.disclosures !== undefined;
  const toMs = request.toMs ?? null;
  // An accounting of disclosures covers the six years before the request (§164.528(a)(3)).
  const fromMs = request.fromMs ?? (disclosures ? sixYearsBefore(toMs ?? now.getTime()) : null);

  const alertsByLine = alertIndex(context.alerts ?? []);
  const rows: AccessRow[] = [];
  let excludedTpo = 0;
  for (const call of selection.calls) {
    if (call.timeMs !== null && ((fromMs !== null && call.timeMs < fromMs) || (toMs !== null && call.timeMs > toMs))) continue;
    if (disclosures && request.disclosures?.excludeTreatmentPaymentOperations && isTreatmentPaymentOperations(call.purpose)) {
      excludedTpo++;
      continue;
    }
    const rules = new Set<AlertRuleId>();
    for (const ref of [call.source, ...call.related]) for (const r of alertsByLine.get(`${ref.file}\u0000${ref.line}`) ?? []) rules.add(r);
    rows.push({
      timeMs: call.timeMs,
      timeRaw: call.timeRaw,
      user: call.user,
      role: call.role,
      patient: call.patient,
      tool: call.tool,
      purpose: call.purpose,
      outcome: outcome(call.success),
      breakGlass: call.breakGlass,
      alerts: [...rules].sort(),
      format: call.format,
      source: call.source,
      related: call.related,
      viaIdentifier: call.patient === null || !coveredPatients.has(call.patient),
    });
  }
  rows.sort(
    (a, b) =>
      (a.timeMs ?? Infinity) - (b.timeMs ?? Infinity) || a.source.file.localeCompare(b.source.file) || a.source.line - b.source.line,
  );

  const users = new Map<string, number>();
  const purposes = new Map<string, number>();
  const days = new Map<string, TimelineDay>();
  const files = new Map<string, number>();
  let failures = 0;
  let breakGlass = 0;
  let missing = 0;
  let undated = 0;
  let firstMs: number | null = null;
  let lastMs: number | null = null;
  for (const row of rows) {
    if (row.user === null || row.patient === null) missing++;
    if (row.user !== null) users.set(row.user, (users.get(row.user) ?? 0) + 1);
    const purpose = row.purpose ?? '(not recorded)';
    purposes.set(purpose, (purposes.get(purpose) ?? 0) + 1);
    if (row.outcome === 'failure') failures++;
    if (row.breakGlass.length > 0) breakGlass++;
    for (const ref of [row.source, ...row.related]) files.set(ref.file, (files.get(ref.file) ?? 0) + (ref === row.source ? 1 : 0));
    if (row.timeMs === null) {
      undated++;
      continue;
    }
    firstMs = firstMs === null ? row.timeMs : Math.min(firstMs, row.timeMs);
    lastMs = lastMs === null ? row.timeMs : Math.max(lastMs, row.timeMs);
    const day = clock.dayKey(row.timeMs);
    const bucket = days.get(day) ?? { day, accesses: 0, failures: 0, breakGlass: 0 };
    bucket.accesses++;
    if (row.outcome === 'failure') bucket.failures++;
    if (row.breakGlass.length > 0) bucket.breakGlass++;
    days.set(day, bucket);
  }

  const verification = context.verification;
  const verdicts = fileVerdicts(files, verification);
  const banner = bannerFor(verdicts, verification);
  if (undated > 0) banner.push(`${undated} accesses have no usable timestamp: they are listed last and cannot be placed in the date range or timeline.`);
  const integrity = !verification
    ? 'not-verified'
    : verdicts.length === 0
      ? verification.verdict.integrity
      : verdicts.some((f) => f.chain === 'broken')
      ? 'broken'
      : verdicts.some((f) => f.chain === 'not-verified')
        ? 'not-verified'
        : verdicts.some((f) => f.chain === 'unchained')
          ? 'unchained'
          : 'intact';

  const byCount = (m: Map<string, number>) => [...m.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return {
    generatedAt: now.toISOString(),
    query: {
      patients,
      identifierKinds: (request.identifiers ?? []).map((i) => i.kind),
      fromMs,
      toMs,
      mode: disclosures ? 'disclosures' : 'access',
      timeZone,
    },
    patients: [...coveredPatients].sort(),
    identifierMatches,
    banner,
    integrity,
    completeness: verification ? verification.verdict.completeness : 'not-verified',
    files: verdicts,
    summary: {
      totalAccesses: rows.length,
      uniqueUsers: users.size,
      users: byCount(users).map(([user, accesses]) => ({ user, accesses })),
      purposes: byCount(purposes).map(([purpose, accesses]) => ({ purpose, accesses })),
      failures,
      breakGlass,
      missingAttribution: missing,
      undated,
      firstMs,
      lastMs,
      excludedAsTreatmentPaymentOperations: excludedTpo,
    },
    timeline: [...days.values()].sort((a, b) => a.day.localeCompare(b.day)),
    rows,
  };
}
