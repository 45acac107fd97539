/**
 * The analysis channels of the backend (shared/analyses.ts `AnalysisChannels`): one AnalysisSession
 * answers them all. Its data is the open archive files re-read from disk (read-only) with
 * `loadForAnalysis`, reloaded lazily when the set of open files or their sizes changed since the
 * last load — so an open, add, close, saved index or live-tail append is picked up by the next
 * analysis request, and a session that nobody analyses costs nothing.
 */
import type { AnalysisChannels } from '../../shared/analyses.js';
import type { RequestOf, ResponseOf } from '../../shared/contract.js';
import type { SessionSummary } from '../../shared/archive.js';
import { loadForAnalysis } from '../core/analyses/load-archive.js';
import { AnalysisSession } from '../core/analyses/session.js';
import { JournalTamperedError } from '../core/journal/journal.js';
import type { DbClient } from '../worker/client.js';
import { WorkerError } from '../worker/protocol.js';

type AnalysisChannel = keyof AnalysisChannels;

export interface AnalysisServiceOptions {
  client: DbClient;
  dataDir: string;
  now?: () => number;
}

export interface AnalysisService {
  implementations: { [C in AnalysisChannel]: (request: RequestOf<C>) => Promise<ResponseOf<C>> };
}

/** What identifies the analysed content: each open file's path, size and entry count. */
function fingerprintOf(summary: SessionSummary): string {
  return summary.files
    .map((file) => `${file.path}\u0000${file.size}\u0000${file.entries}\u0000${file.mtimeMs}`)
    .sort()
    .join('\u0001');
}

/** Rows fetched around a guessed position when finding the entry at a file and line. */
const LOCATE_WINDOW = 256;

export function createAnalysisService(options: AnalysisServiceOptions): AnalysisService {
  const { client } = options;
  const session = new AnalysisSession({ dir: options.dataDir, ...(options.now ? { now: options.now } : {}) });
  let loadedFingerprint: string | null = null;
  let loading: { fingerprint: string; done: Promise<void> } | null = null;

  /** Makes the session's data match the open files, reading them again only when they changed. */
  const current = async (): Promise<AnalysisSession> => {
    const summary = await client.call('summary', {});
    const fingerprint = fingerprintOf(summary);
    if (fingerprint === loadedFingerprint) return session;
    if (loading?.fingerprint !== fingerprint) {
      const paths = summary.files.map((file) => file.path);
      // A format chosen at open (rather than detected) is kept when every open file has it.
      const formats = new Set(summary.files.map((file) => file.format));
      const [only] = formats;
      const done = loadForAnalysis(paths, formats.size === 1 && only ? { format: only } : {}).then((loaded) => {
        // A later load may have started while this one ran: only the newest wins.
        if (loading?.fingerprint !== fingerprint) return;
        session.setArchives(loaded.data, loaded.verification);
        loadedFingerprint = fingerprint;
        loading = null;
      });
      loading = { fingerprint, done };
      done.catch(() => {
        if (loading?.fingerprint === fingerprint) loading = null;
      });
    }
    await loading!.done;
    return session;
  };

  /** The index id of the entry at a file's line (evidence links open the entry detail by it). */
  const locateEntry = async ({ file, line }: { file: string; line: number }): Promise<{ id: number }> => {
    const summary = await client.call('summary', {});
    const open = summary.files.find((candidate) => candidate.path === file);
    const notFound = (why: string) => new WorkerError({ code: 'not-found', message: `${file}:${line} ${why}`, file, line });
    if (!open) throw notFound('is not in an open archive file.');
    // Entries are numbered in file and line order, at most one per line: the entry of line L is at
    // position L-1 or earlier within its file.
    let high = Math.min(line - 1, Math.max(0, open.entries - 1));
    for (let attempt = 0; attempt < 64 && high >= 0; attempt++) {
      const offset = Math.max(0, high - LOCATE_WINDOW + 1);
      const page = await client.call('entries.query', { filter: { fileIds: [open.id] }, sort: { column: 'file', direction: 'asc' }, offset, limit: high - offset + 1 });
      const hit = page.rows.find((row) => row.source.line === line);
      if (hit) return { id: hit.id };
      const first = page.rows[0];
      if (!first || first.source.line < line || offset === 0) break;
      high = offset - 1;
    }
    throw notFound('holds no indexed entry (a blank or unreadable line).');
  };

  /** Journal writes refuse on a tampered journal or a missing name: the user's to fix, said plainly. */
  const recorded = <T>(write: () => T): T => {
    try {
      return write();
    } catch (error) {
      if (error instanceof JournalTamperedError) {
        throw new WorkerError({ code: 'forbidden', message: error.message, file: error.status.path, hint: 'Keep the journal as evidence of tampering; Custos will not repair or append to it.' });
      }
      if (error instanceof WorkerError) throw error;
      throw new WorkerError({ code: 'invalid-request', message: (error as Error).message });
    }
  };

  return {
    implementations: {
      'analyses.accessReport': async (request) => (await current()).accessReport(request),
      'analyses.alerts': async ({ filter, asOfMs }) => (await current()).alerts(filter, asOfMs),
      'analyses.alertAck': async (request) => recorded(() => session.ackAlert(request)),
      'analyses.btg': async ({ asOfMs }) => (await current()).btg(asOfMs),
      'analyses.btgReview': async (request) => recorded(() => session.reviewBtg(request)),
      'analyses.retention': async ({ asOfMs }) => (await current()).retention(asOfMs),
      'analyses.legalHolds': async () => session.legalHolds(),
      'analyses.legalHoldPlace': async (request) => recorded(() => session.placeHold(request)),
      'analyses.legalHoldRelease': async (request) => recorded(() => session.releaseHold(request)),
      'analyses.journal': async () => session.journalStatus(),
      'analyses.locateEntry': locateEntry,
      'settings.retentionPolicy': async () => session.retentionPolicy(),
      'settings.saveRetentionPolicy': async ({ policy }) => session.saveRetentionPolicy(policy),
      'settings.alertRules': async () => session.alertRules(),
      'settings.saveAlertRules': async ({ rules }) => session.saveAlertRules(rules),
    },
  };
}
