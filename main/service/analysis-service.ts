/**
 * The analysis channels of the backend (shared/analyses.ts `AnalysisChannels`): one AnalysisSession
 * answers them all. Its data is the open archive files re-read from disk (read-only) with
 * `loadForAnalysis`, reloaded lazily when the set of open files or their sizes changed since the
 * last load — so an open, add, close, saved index or live-tail append is picked up by the next
 * analysis request, and a session that nobody analyses costs nothing.
 *
 * The loaded snapshot is the backend's only in-memory analysis data: report exports take it from
 * `loaded()` (waiting for a load under way rather than starting their own), so an export reads no
 * archive again. Files opened with a generic mapping are read with that mapping, as the index was.
 */
import type { AnalysisChannels } from '../../shared/analyses.js';
import type { RequestOf, ResponseOf } from '../../shared/contract.js';
import type { ArchiveFile, SessionSummary } from '../../shared/archive.js';
import type { FormatId, GenericMapping } from '../../shared/formats.js';
import type { VerifyReport } from '../../shared/verification.js';
import type { AnalysisData } from '../core/analyses/analysis-data.js';
import { loadForAnalysis, type LoadOptions } from '../core/analyses/load-archive.js';
import { AnalysisSession } from '../core/analyses/session.js';
import { loadMapping } from '../core/formats/mapping.js';
import { JournalTamperedError } from '../core/journal/journal.js';
import type { DbClient } from '../worker/client.js';
import { WorkerError } from '../worker/protocol.js';

type AnalysisChannel = keyof AnalysisChannels;

export interface AnalysisServiceOptions {
  client: DbClient;
  dataDir: string;
  now?: () => number;
}

/** The analysis data of the open files, as one load read them. */
export interface LoadedAnalysis {
  data: AnalysisData;
  verification: VerifyReport;
  /** The open files it was read from, in the session's order. */
  paths: string[];
  /** Their size on disk, summed: what a load reads. */
  bytes: number;
}

export interface LoadedOptions {
  /** Stops waiting (the load itself goes on: the analysis views need it too). */
  signal?: AbortSignal;
  /** Archive bytes read so far of `total` by the load under way, or (`reused`) done === total when the data was already loaded. */
  onProgress?: (done: number, total: number, source: 'shared-load' | 'reused') => void;
}

export interface AnalysisService {
  implementations: { [C in AnalysisChannel]: (request: RequestOf<C>) => Promise<ResponseOf<C>> };
  /**
   * The loaded snapshot of the open files: the one the analysis views use, loaded first if the open
   * set changed, or the load already under way. Never a second read or copy of the archives.
   */
  loaded(options?: LoadedOptions): Promise<LoadedAnalysis>;
  /** Files just opened, and the mapping file they were opened with (none: detected formats). */
  noteOpened(paths: readonly string[], mappingPath: string | undefined): void;
  /** A saved index was loaded: its files are read with the mappings it recorded (`saved`), the others as detected. */
  noteLoadedIndex(indexPath: string, saved: ReadonlyArray<{ path: string; mapping: GenericMapping }>): void;
  /** How `paths` are read again: each with the mapping it was opened with (none given: formats detected as at open). */
  readOptions(paths: readonly string[]): Promise<{ mappingFor?: (path: string) => GenericMapping | undefined }>;
}

/** What identifies the analysed content: each open file's path, size, entry count and mapping. */
function fingerprintOf(summary: SessionSummary, mappingPathOf: (path: string) => string | undefined): string {
  return summary.files
    .map((file) => `${file.path}\u0000${file.size}\u0000${file.entries}\u0000${file.mtimeMs}\u0000${mappingPathOf(file.path) ?? ''}`)
    .sort()
    .join('\u0001');
}

/** A format chosen at open (rather than detected) is kept when every open file has it. */
function sharedFormat(files: readonly ArchiveFile[]): FormatId | undefined {
  const formats = new Set(files.map((file) => file.format));
  const [only] = formats;
  return formats.size === 1 && only ? only : undefined;
}

/** A mapping file some open files were opened with. */
export interface OpenedMapping {
  path: string;
  mapping: Promise<GenericMapping>;
}

/** The one load of the open files under way: how far it got, and the exports following it. */
interface LoadUnderWay {
  fingerprint: string;
  done: Promise<LoadedAnalysis>;
  read: number;
  total: number;
  listeners: Set<(done: number, total: number) => void>;
}

/** Rows fetched around a guessed position when finding the entry at a file and line. */
const LOCATE_WINDOW = 256;

export function createAnalysisService(options: AnalysisServiceOptions): AnalysisService {
  const { client } = options;
  const session = new AnalysisSession({ dir: options.dataDir, ...(options.now ? { now: options.now } : {}) });
  /** Mapping files by the archive file opened with them; parsed once, when the file was opened. */
  const mappings = new Map<string, OpenedMapping>();
  let snapshot: { fingerprint: string; loaded: LoadedAnalysis } | null = null;
  let loading: LoadUnderWay | null = null;

  const readOptions: AnalysisService['readOptions'] = async (paths) => {
    const mapped = new Map<string, GenericMapping>();
    for (const path of paths) {
      const opened = mappings.get(path);
      if (opened) mapped.set(path, await opened.mapping);
    }
    return mapped.size === 0 ? {} : { mappingFor: (path) => mapped.get(path) };
  };

  /** Reads the open files in one pass, each with the mapping it was opened with (files without one as at open). */
  const load = async (summary: SessionSummary, onRead: (done: number) => void): Promise<LoadedAnalysis> => {
    const paths = summary.files.map((file) => file.path);
    const format = sharedFormat(summary.files);
    const loadOptions: LoadOptions = {
      ...(format ? { format } : {}),
      ...(await readOptions(paths)),
      onProgress: (progress) => onRead(progress.archiveBytesRead),
    };
    const loaded = await loadForAnalysis(paths, loadOptions);
    return { data: loaded.data, verification: loaded.verification, paths, bytes: summary.files.reduce((sum, file) => sum + file.size, 0) };
  };

  /** The snapshot matching the open files, reading them again only when they changed. */
  const loaded = async (waitOptions: LoadedOptions = {}): Promise<LoadedAnalysis> => {
    const { signal, onProgress } = waitOptions;
    signal?.throwIfAborted();
    const summary = await client.call('summary', {});
    const fingerprint = fingerprintOf(summary, (path) => mappings.get(path)?.path);
    if (snapshot?.fingerprint === fingerprint) {
      onProgress?.(snapshot.loaded.bytes, snapshot.loaded.bytes, 'reused');
      return snapshot.loaded;
    }
    if (loading?.fingerprint !== fingerprint) {
      const total = summary.files.reduce((sum, file) => sum + file.size, 0);
      const state: LoadUnderWay = {
        fingerprint,
        read: 0,
        total,
        listeners: new Set(),
        done: load(summary, (read) => {
          state.read = read;
          for (const listener of state.listeners) listener(read, total);
        }).then((result) => {
          // A later load may have started while this one ran: only the newest becomes the snapshot.
          if (loading === state) {
            session.setArchives(result.data, result.verification);
            snapshot = { fingerprint, loaded: result };
            loading = null;
          }
          return result;
        }),
      };
      state.done.catch(() => {
        if (loading === state) loading = null;
      });
      loading = state;
    }
    const waiting = loading;
    const follow = onProgress ? (done: number, total: number) => onProgress(done, total, 'shared-load') : null;
    if (follow) {
      waiting.listeners.add(follow);
      follow(waiting.read, waiting.total);
    }
    try {
      if (!signal) return await waiting.done;
      return await new Promise<LoadedAnalysis>((resolveWait, rejectWait) => {
        const stop = () => rejectWait(signal.reason);
        signal.addEventListener('abort', stop, { once: true });
        waiting.done.then(resolveWait, rejectWait).finally(() => signal.removeEventListener('abort', stop));
      });
    } finally {
      if (follow) waiting.listeners.delete(follow);
    }
  };

  /** Makes the session's data match the open files. */
  const current = async (): Promise<AnalysisSession> => {
    await loaded();
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
    loaded,
    noteOpened(paths, mappingPath) {
      if (mappingPath === undefined) {
        for (const path of paths) mappings.delete(path);
        return;
      }
      const mapping = { path: mappingPath, mapping: loadMapping(mappingPath) };
      mapping.mapping.catch(() => undefined);
      for (const path of paths) mappings.set(path, mapping);
    },
    noteLoadedIndex(indexPath, saved) {
      mappings.clear();
      // One entry per distinct mapping, named after the index (there is no mapping file to name).
      const byJson = new Map<string, OpenedMapping>();
      for (const { path, mapping } of saved) {
        const json = JSON.stringify(mapping);
        let opened = byJson.get(json);
        if (!opened) {
          opened = { path: `${indexPath} (mapping ${byJson.size + 1})`, mapping: Promise.resolve(mapping) };
          byJson.set(json, opened);
        }
        mappings.set(path, opened);
      }
    },
    readOptions,
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
