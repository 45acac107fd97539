/**
 * The live-tail channels of the backend (`tail.start`, `tail.stop`, `tail.status`,
 * `tail.notifications`): runs one LogTail per watched folder, indexes every verified batch into
 * the worker's database before its position is saved, and forwards batches, alerts and status as
 * events. The session-changed event that refreshes the views is throttled, so a fast writer does
 * not flood the renderer.
 */
import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { EventName, Events, RequestOf, ResponseOf } from '../../shared/contract.js';
import type { TailStatus } from '../../shared/tail.js';
import { rulesConfigStore } from '../core/analyses/rules-config.js';
import { chainSpecFor } from '../core/formats/chain-spec.js';
import { LogTail, type TailBatch } from '../core/tail/index.js';
import type { DbClient } from '../worker/client.js';
import { WorkerError } from '../worker/protocol.js';
import { TailSettings } from './tail-settings.js';

type TailChannel = 'tail.start' | 'tail.stop' | 'tail.status' | 'tail.notifications';

export interface TailServiceOptions {
  client: DbClient;
  dataDir: string;
  emit: <E extends EventName>(event: E, payload: Events[E]) => void;
  /** Tells the views the session changed (summary re-read). */
  announceSession: () => Promise<void>;
  /** Least time between session-changed events caused by tails (default 1000 ms). */
  refreshIntervalMs?: number;
}

export interface TailService {
  implementations: { [C in TailChannel]: (request: RequestOf<C>) => Promise<ResponseOf<C>> };
  /** Whether new alerts should raise an OS notification (the desktop shell asks). */
  notificationsEnabled(): boolean;
  /** Stops every tail (each reports its stopped status). */
  stopAll(): Promise<void>;
}

export function createTailService(options: TailServiceOptions): TailService {
  const tails = new Map<string, LogTail>();
  const settings = new TailSettings(join(options.dataDir, 'tail-settings.json'));
  const refreshMs = options.refreshIntervalMs ?? 1000;
  let refreshTimer: NodeJS.Timeout | null = null;
  let lastRefresh = 0;

  const refreshSoon = (): void => {
    if (refreshTimer) return;
    const wait = Math.max(0, refreshMs - (Date.now() - lastRefresh));
    refreshTimer = setTimeout(() => {
      refreshTimer = null;
      lastRefresh = Date.now();
      void options.announceSession();
    }, wait);
  };

  const index = async (tail: LogTail, begun: Set<string>, batch: TailBatch): Promise<void> => {
    let mtimeMs = Date.now();
    try {
      mtimeMs = (await stat(batch.file)).mtimeMs;
    } catch {
      // deleted: the batch still carries its findings
    }
    const begin = !begun.has(batch.file);
    await options.client.call('tail.append', {
      tailId: tail.tailId,
      dir: tail.dir,
      file: batch.file,
      begin,
      entries: batch.entries,
      findings: batch.findings,
      format: batch.format,
      chained: batch.format !== null && chainSpecFor(batch.format) !== null,
      headHash: batch.lastHash,
      verifiedBytes: batch.verifiedBytes,
      lines: batch.lines,
      mtimeMs,
    });
    begun.add(batch.file);
  };

  const implementations: TailService['implementations'] = {
    'tail.start': async ({ dir, format, polling }) => {
      const absolute = resolve(dir);
      for (const tail of tails.values()) if (tail.dir === absolute) return { tailId: tail.tailId };
      try {
        if (!(await stat(absolute)).isDirectory()) throw new WorkerError({ code: 'invalid-request', message: `${absolute} is not a folder.`, file: absolute, hint: 'Choose the folder the audit logs are written to.' });
      } catch (error) {
        if (error instanceof WorkerError) throw error;
        throw new WorkerError({ code: 'not-found', message: `${absolute} cannot be opened: ${(error as Error).message}`, file: absolute });
      }
      const rules = rulesConfigStore(join(options.dataDir, 'alert-rules.json')).current;
      const begun = new Set<string>();
      const tail: LogTail = new LogTail({
        dir: absolute,
        polling: polling === true,
        stateDir: join(options.dataDir, 'tail'),
        // The index lives in memory: a resumed tail re-indexes what it delivered before (flagged replay).
        replay: true,
        rules,
        ...(format === undefined ? {} : { format }),
        sink: (batch) => index(tail, begun, batch),
      });
      tail.on('entries', (batch) => {
        options.emit('tail.batch', {
          tailId: batch.tailId,
          file: batch.file,
          fromLine: batch.fromLine,
          toLine: batch.toLine,
          entries: batch.entries.length,
          findings: batch.findings,
          replay: batch.replay,
          verifiedAt: Date.now(),
        });
        refreshSoon();
      });
      tail.on('alert', (alert) => options.emit('tail.alert', alert));
      tail.on('status', (status) => options.emit('tail.status', status));
      tails.set(tail.tailId, tail);
      // Reading what is already there can take a while: answer now, progress comes as events.
      void tail.start().catch(() => undefined);
      return { tailId: tail.tailId };
    },
    'tail.stop': async ({ tailId }) => {
      const tail = tails.get(tailId);
      if (!tail) return { stopped: false };
      tails.delete(tailId);
      await tail.stop();
      return { stopped: true };
    },
    'tail.status': async () => ({ tails: [...tails.values()].map((tail): TailStatus => tail.status()) }),
    'tail.notifications': async ({ enabled }) => {
      if (enabled !== undefined) settings.setNotifications(enabled);
      return { enabled: settings.notifications };
    },
  };

  return {
    implementations,
    notificationsEnabled: () => settings.notifications,
    async stopAll() {
      if (refreshTimer) clearTimeout(refreshTimer);
      refreshTimer = null;
      const stopping = [...tails.values()];
      tails.clear();
      await Promise.all(stopping.map((tail) => tail.stop()));
    },
  };
}
