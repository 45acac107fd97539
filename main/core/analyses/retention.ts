/**
 * Retention review: each entry's retention end is its time plus its category's retention. The
 * review counts, per category and per evidence file, what is under retention, expiring soon and
 * past retention as of a date, and says which files could be disposed of. It is a review only:
 * Custos never deletes anything.
 */
import type { FileReport } from '../../../shared/verification.js';
import type { LegalHold, RetentionCounts, RetentionPolicy, RetentionReview } from '../../../shared/analyses.js';
import type { AnalysisData } from './analysis-data.js';
import { toolCategoryMatcher } from './retention-policy.js';

const DAY_MS = 86_400_000;

export interface RetentionOptions {
  asOfMs: number;
  legalHolds?: LegalHold[];
  /** Verification reports: files with lines that could not be parsed are never disposal-eligible. */
  files?: FileReport[];
  expiringWindowDays?: number;
}

function emptyCounts(): RetentionCounts {
  return { entries: 0, oldestMs: null, newestMs: null, underRetention: 0, expiringSoon: 0, pastRetention: 0, undated: 0, nextExpiryMs: null };
}

function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function reviewRetention(data: AnalysisData, policy: RetentionPolicy, options: RetentionOptions): RetentionReview {
  const { asOfMs } = options;
  const windowDays = options.expiringWindowDays ?? 90;
  const soonLimit = asOfMs + windowDays * DAY_MS;
  const holds = options.legalHolds ?? [];
  const cols = data.entries;
  const categoryOf = toolCategoryMatcher(policy);
  const retentionMs = [...policy.categories.map((c) => c.retentionDays * DAY_MS), policy.catchAll.retentionDays * DAY_MS];
  const catchAllIndex = policy.categories.length;

  const byCategory = retentionMs.map(emptyCounts);
  const byFile = cols.files.map(emptyCounts);
  const fileLatestEnd: Array<number | null> = cols.files.map(() => null);
  const fileHolds = cols.files.map(() => new Set<string>());
  const unmatched = new Map<number, number>();
  let withoutTool = 0;

  // Legal hold scopes in interned-string ids, so the per-entry check compares numbers.
  const idOf = new Map(cols.strings.map((s, i) => [s, i] as const));
  const holdScopes = holds.map((hold) => ({
    id: hold.id,
    patient: hold.scope.patient === undefined ? null : (idOf.get(hold.scope.patient) ?? -2),
    user: hold.scope.user === undefined ? null : (idOf.get(hold.scope.user) ?? -2),
    tool: hold.scope.tool === undefined ? null : (idOf.get(hold.scope.tool) ?? -2),
    fromMs: hold.scope.fromMs ?? Number.NEGATIVE_INFINITY,
    toMs: hold.scope.toMs ?? Number.POSITIVE_INFINITY,
    ranged: hold.scope.fromMs !== undefined || hold.scope.toMs !== undefined,
  }));
  const categoryCache = new Map<number, number>();

  const n = cols.file.length;
  for (let i = 0; i < n; i++) {
    const tool = cols.tool[i] ?? -1;
    let category = categoryCache.get(tool);
    if (category === undefined) {
      const matched = categoryOf(tool < 0 ? null : (cols.strings[tool] ?? null));
      category = matched < 0 ? catchAllIndex : matched;
      categoryCache.set(tool, category);
    }
    if (category === catchAllIndex) {
      if (tool < 0) withoutTool++;
      else unmatched.set(tool, (unmatched.get(tool) ?? 0) + 1);
    }
    const fileIndex = cols.file[i] ?? 0;
    const time = cols.timeMs[i] ?? Number.NaN;
    const cat = byCategory[category];
    const file = byFile[fileIndex];
    if (!cat || !file) continue;
    cat.entries++;
    file.entries++;
    for (const scope of holdScopes) {
      if (scope.patient !== null && scope.patient !== cols.patient[i]) continue;
      if (scope.user !== null && scope.user !== cols.user[i]) continue;
      if (scope.tool !== null && scope.tool !== tool) continue;
      if (scope.ranged && !(time >= scope.fromMs && time <= scope.toMs)) continue;
      fileHolds[fileIndex]?.add(scope.id);
    }
    if (Number.isNaN(time)) {
      cat.undated++;
      file.undated++;
      continue;
    }
    const end = time + (retentionMs[category] ?? 0);
    for (const counts of [cat, file]) {
      if (counts.oldestMs === null || time < counts.oldestMs) counts.oldestMs = time;
      if (counts.newestMs === null || time > counts.newestMs) counts.newestMs = time;
      if (end <= asOfMs) counts.pastRetention++;
      else {
        counts.underRetention++;
        if (end <= soonLimit) counts.expiringSoon++;
        if (counts.nextExpiryMs === null || end < counts.nextExpiryMs) counts.nextExpiryMs = end;
      }
    }
    const latest = fileLatestEnd[fileIndex];
    if (latest === null || latest === undefined || end > latest) fileLatestEnd[fileIndex] = end;
  }

  const reports = new Map((options.files ?? []).map((f) => [f.path, f] as const));
  const files = cols.files.map((path, index) => {
    const counts = byFile[index] ?? emptyCounts();
    const heldBy = [...(fileHolds[index] ?? [])];
    const report = reports.get(path);
    const unparsed = report ? Math.max(0, report.lines - report.entries) : 0;
    const eligibleFromMs = counts.undated === 0 ? (fileLatestEnd[index] ?? null) : null;
    let reason: string;
    let eligible = false;
    if (counts.undated > 0) reason = `${counts.undated} entries have no usable timestamp, so their retention end is unknown.`;
    else if (unparsed > 0) reason = `${unparsed} lines could not be parsed, so their retention cannot be established.`;
    else if (counts.underRetention > 0)
      reason = `${counts.underRetention} of ${counts.entries} entries are still under retention; the last one ends ${eligibleFromMs === null ? 'unknown' : utcDay(eligibleFromMs)}.`;
    else if (heldBy.length > 0) reason = `Every entry is past retention, but ${heldBy.length === 1 ? 'a legal hold applies' : `${heldBy.length} legal holds apply`}.`;
    else {
      eligible = counts.entries > 0;
      reason = eligible ? 'Every entry is past retention and no legal hold applies.' : 'The file has no entries.';
    }
    return { file: path, ...counts, disposalEligible: eligible, reason, legalHolds: heldBy, eligibleFromMs };
  });

  const categories = [...policy.categories, { ...policy.catchAll }].map((category, index) => ({
    category: category.id,
    label: category.label,
    retentionDays: category.retentionDays,
    source: category.source,
    ...(byCategory[index] ?? emptyCounts()),
  }));

  return {
    asOfMs,
    policyRevision: policy.revision,
    expiringWindowDays: windowDays,
    categories,
    files,
    unmatchedTools: [...unmatched.entries()]
      .map(([tool, entries]) => ({ tool: cols.strings[tool] ?? '', entries }))
      .sort((a, b) => b.entries - a.entries || a.tool.localeCompare(b.tool)),
    entriesWithoutTool: withoutTool,
    activeLegalHolds: holds,
    notes: [
      ...policy.notes,
      'This is a review, not an action: Custos never deletes, moves or changes evidence files.',
      `Retention end = entry time + the retention of the entry's category; "expiring soon" means within ${windowDays} days after the as-of date.`,
    ],
  };
}
