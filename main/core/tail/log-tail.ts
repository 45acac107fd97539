/**
 * LogTail follows a folder of audit logs as they are written: appended lines of every file, new
 * (daily-rotated) files as they appear with the hash chain continuing across them, and changes
 * to bytes it already verified. Each complete line is verified and delivered once; where it
 * stopped is saved in Custos's data folder so a restart resumes after the last delivered line.
 *
 * Watcher events (fs.watch on the folder, or chokidar polling for network shares) only say "look now"; every
 * look re-lists the folder, re-stats each file and reads from the stored offset, and a periodic
 * sweep does the same in case an event was missed.
 *
 * Events: `entries` (ReadBatch & { tailId }), `finding` (Finding), `alert` (TailAlert),
 * `status` (TailStatus). `sink`, when given, is awaited for every batch before its position is
 * saved (the backend indexes entries there).
 */
import { randomUUID, createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { watch as fsWatch } from 'node:fs';
import { watch } from 'chokidar';
import type { Finding } from '../../../shared/findings.js';
import type { FormatId, GenericMapping } from '../../../shared/formats.js';
import type { TailAlert, TailFileStatus, TailState, TailStatus } from '../../../shared/tail.js';
import { defaultRulesConfig, type RulesConfig } from '../analyses/rules-config.js';
import { dataDir } from '../data-dir.js';
import { createNormalizer, type Normalizer } from '../formats/normalize/index.js';
import { compareNatural } from '../reader/archive-files.js';
import { makeFinding } from '../verify/file-verifier.js';
import { FollowedFile, type ChainFacts, type FileChange, type ReadBatch } from './followed-file.js';
import { LiveAnalyses, type LiveAlert } from './live-analyses.js';
import { loadResumeState, saveResumeState, type FileResumeState, type TailResumeState } from './resume-state.js';

/** Names read as audit logs (as when opening a folder); `.gz` files are listed but cannot be followed. */
const LOG_NAME = /\.(jsonl|ndjson|log)(\.gz)?$/i;
const DATE_IN_NAME = /(\d{4})-(\d{2})-(\d{2})/;

export interface LogTailOptions {
  dir: string;
  tailId?: string;
  format?: FormatId;
  mapping?: GenericMapping;
  /** Poll instead of file-system events (network shares). */
  polling?: boolean;
  /** The safety-net sweep, in ms (default 1000). */
  sweepIntervalMs?: number;
  /** How often the verified bytes of each file are re-hashed to catch in-place changes (default 2000 ms; longer for big files). */
  verifyIntervalMs?: number;
  /** Where positions are saved (default: the data folder); null keeps them in memory only. */
  stateDir?: string | null;
  /** Start from the saved position (default true). */
  resume?: boolean;
  /** Deliver the entries re-read after a restart too, flagged `replay` (the backend re-indexes them). */
  replay?: boolean;
  /** Alert rules (default: the built-in defaults). */
  rules?: RulesConfig;
  /** Run anomaly rules and break-the-glass detection (default true). */
  analyses?: boolean;
  sink?: (batch: TailBatch) => Promise<void>;
  /** How long a last line may wait for its newline before the status says so (default 5000 ms). */
  partialLineWarnMs?: number;
  /** Most bytes read from one file in one batch (default 4 MiB). */
  maxBatchBytes?: number;
}

/** A batch as delivered, with where its file stands after it. */
export type TailBatch = ReadBatch & {
  tailId: string;
  format: FormatId | null;
  /** Stored hash of the file's last entry so far. */
  lastHash: string | null;
  verifiedBytes: number;
  lines: number;
};

export interface LogTailEvents {
  entries: [TailBatch];
  finding: [Finding];
  alert: [TailAlert];
  status: [TailStatus];
}

const CHANGE_TITLES: Record<FileChange['kind'], string> = {
  truncated: 'Evidence file cut short',
  modified: 'Verified lines changed',
  deleted: 'Evidence file deleted',
  renamed: 'Evidence file renamed',
  replaced: 'Evidence file replaced',
  'changed-while-away': 'Evidence changed while not watched',
  'unreadable-while-away': 'Evidence file cannot be re-checked',
};

function seriesKey(name: string): string {
  return name.replace(/\.gz$/i, '').replace(DATE_IN_NAME, '#');
}

export class LogTail extends EventEmitter<LogTailEvents> {
  readonly tailId: string;
  readonly dir: string;
  private readonly options: LogTailOptions;
  private readonly files = new Map<string, FollowedFile>();
  /** Files listed but not followed (compressed), by name. */
  private readonly others = new Map<string, TailFileStatus>();
  /** Names not followed because they are the new name of a renamed file, or a file that replaced a followed one. */
  private readonly ignored = new Set<string>();
  private readonly normalizers = new Map<FormatId, Normalizer>();
  private readonly analyses: LiveAnalyses | null;
  private readonly stateDir: string | null;
  private watcher: { close(): Promise<void> } | null = null;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private state: TailState = 'starting';
  private stateMessage = 'Starting.';
  private entries = 0;
  private findings = 0;
  private alerts = 0;
  private resumed = false;
  private readonly startedAt = new Date().toISOString();
  private lastStatusJson = '';
  private lastStatusAt = 0;
  private statusTimer: NodeJS.Timeout | null = null;
  private readonly nextVerify = new Map<string, number>();
  private dirty = false;
  private dirIno: number | null = null;

  constructor(options: LogTailOptions) {
    super();
    this.options = options;
    this.tailId = options.tailId ?? randomUUID();
    this.dir = resolve(options.dir);
    this.stateDir = options.stateDir === undefined ? join(dataDir(), 'tail') : options.stateDir;
    this.analyses = options.analyses === false ? null : new LiveAnalyses({ rules: options.rules ?? defaultRulesConfig() });
  }

  /** Reads what is there (resuming from the saved position), then follows the folder. */
  async start(): Promise<void> {
    this.publishStatus(true);
    const saved = this.stateDir !== null && this.options.resume !== false ? loadResumeState(this.stateDir, this.dir) : { state: null, problem: null };
    if (saved.problem) this.stateMessage = saved.problem;
    await this.runCycle(saved.state);
    if (this.stopped) return;
    this.startWatcher();
    this.timer = setInterval(() => this.schedule(), this.options.sweepIntervalMs ?? 1000);
    this.timer.unref?.();
  }

  /** Stops watching after the batch in progress; saves the position. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.statusTimer) clearTimeout(this.statusTimer);
    const watcher = this.watcher;
    this.watcher = null;
    await watcher?.close().catch(() => undefined);
    while (this.running) await this.running;
    this.save();
    this.state = 'stopped';
    this.stateMessage = `Stopped. ${this.entries} new entries verified.`;
    this.publishStatus(true);
  }

  status(): TailStatus {
    const files = [...this.files.values()].map((f) => f.status());
    files.push(...this.others.values());
    files.sort((a, b) => compareNatural(a.path, b.path));
    return {
      tailId: this.tailId,
      dir: this.dir,
      state: this.state,
      message: this.stateMessage,
      polling: this.options.polling === true,
      files,
      entries: this.entries,
      findings: this.findings,
      alerts: this.alerts,
      startedAt: this.startedAt,
      resumed: this.resumed,
    };
  }

  /** Asks for a look at the folder now (watcher events and the sweep call this). */
  schedule(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    void this.runCycle(null);
  }

  private runCycle(saved: TailResumeState | null): Promise<void> {
    const run = (async () => {
      try {
        do {
          this.again = false;
          await this.cycle(saved);
          saved = null;
        } while (this.again && !this.stopped);
      } catch (error) {
        this.stateMessage = `Tailing hit an unexpected error and continues: ${(error as Error).message}`;
      } finally {
        this.running = null;
      }
      this.publishStatus(false);
    })();
    this.running = run;
    return run;
  }

  private async cycle(saved: TailResumeState | null): Promise<void> {
    const names = await this.listFolder();
    if (names === null) return;
    if (saved) await this.resume(saved, names);
    // Before new names are picked up: a followed file missing from the folder may have been renamed to one of them.
    for (const file of [...this.files.values()]) if (!file.retired && !names.has(file.name)) await this.reportGone(file, names);
    await this.discover(names);
    const ordered = [...this.files.values()].sort((a, b) => compareNatural(a.name, b.name));
    for (const file of ordered) {
      if (this.stopped) break;
      await this.follow(file, names);
    }
    await this.verifyDue(ordered);
    if (this.dirty) this.save();
    if (this.state !== 'watching') {
      this.state = 'watching';
      this.stateMessage = this.resumed ? `Watching ${this.dir} (resumed after the last delivered line).` : `Watching ${this.dir}.`;
    }
  }

  /** The folder's entries, or null when the folder is missing (status says so; it is checked again). */
  private async listFolder(): Promise<Set<string> | null> {
    try {
      const names = new Set(await readdir(this.dir));
      const { ino } = await stat(this.dir);
      const recreated = this.dirIno !== null && ino !== this.dirIno;
      this.dirIno = ino;
      if (this.state === 'folder-missing' || recreated) {
        this.state = 'watching';
        this.stateMessage = `The folder ${this.dir} ${recreated ? 'was deleted and created again' : 'is back'}; watching it again.`;
        // A watch on the old folder hears nothing from the new one.
        const old = this.watcher;
        this.watcher = null;
        await old?.close().catch(() => undefined);
        this.startWatcher();
      }
      return names;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'does not exist (it may have been deleted)' : code === 'EACCES' || code === 'EPERM' ? 'cannot be listed: permission denied' : `cannot be listed: ${(error as Error).message}`;
      if (this.state !== 'folder-missing') {
        this.state = 'folder-missing';
        this.stateMessage = `The folder ${this.dir} ${why}. Custos keeps checking and resumes when it is back.`;
        const watcher = this.watcher;
        this.watcher = null;
        await watcher?.close().catch(() => undefined);
        // Files that vanished with their folder are deletions of evidence.
        if (code === 'ENOENT') for (const file of this.files.values()) if (!file.retired) await this.reportGone(file, new Set());
      }
      return null;
    }
  }

  /**
   * Local folders: the operating system's change events on the folder (inotify, FSEvents,
   * ReadDirectoryChangesW via fs.watch) report appends to the files in it at once. Network shares
   * send no events: chokidar polls each file there. Either way the sweep looks every second too.
   */
  private startWatcher(): void {
    if (this.watcher || this.stopped) return;
    try {
      if (this.options.polling === true) {
        const poller = watch(this.dir, { depth: 0, ignoreInitial: true, usePolling: true, interval: 200, binaryInterval: 200, ignorePermissionErrors: true });
        poller.on('all', () => this.schedule());
        poller.on('error', () => this.schedule());
        this.watcher = { close: () => poller.close() };
      } else {
        const watcher = fsWatch(this.dir, { persistent: true }, () => this.schedule());
        watcher.on('error', () => {
          // The folder went away (or the watch broke): the sweep notices and watches again.
          watcher.close();
          if (this.watcher?.close === closeWatcher) this.watcher = null;
          this.schedule();
        });
        const closeWatcher = async (): Promise<void> => watcher.close();
        this.watcher = { close: closeWatcher };
      }
    } catch {
      this.watcher = null; // the sweep still looks every second
    }
  }

  /** Starts following files that are new in the folder. */
  private async discover(names: Set<string>): Promise<void> {
    for (const name of [...names].sort(compareNatural)) {
      if (!LOG_NAME.test(name) || this.files.has(name) || this.others.has(name) || this.ignored.has(name)) continue;
      const path = join(this.dir, name);
      let info;
      try {
        info = await stat(path);
      } catch {
        continue; // gone again, or unreadable: the next look tries again
      }
      if (!info.isFile()) continue;
      if (/\.gz$/i.test(name)) {
        this.others.set(name, {
          path,
          state: 'compressed',
          format: null,
          verifiedBytes: 0,
          lines: 0,
          entries: 0,
          criticalFindings: 0,
          pendingBytes: 0,
          message: `${name} is compressed and cannot be appended to, so it is not followed; open it as an archive to verify it.`,
        });
        continue;
      }
      this.files.set(name, this.newFile(path, info.ino));
      this.dirty = true;
    }
  }

  private newFile(path: string, ino: number): FollowedFile {
    return new FollowedFile(path, ino, {
      normalizerFor: (format) => this.normalizerFor(format),
      previousInSeries: (file) => this.previousInSeries(file),
      ...(this.options.format === undefined ? {} : { format: this.options.format }),
      ...(this.options.mapping === undefined ? {} : { mapping: this.options.mapping }),
    });
  }

  private normalizerFor(format: FormatId): Normalizer {
    let normalizer = this.normalizers.get(format);
    if (!normalizer) {
      normalizer = createNormalizer(format, this.options.mapping === undefined ? {} : { mapping: this.options.mapping });
      this.normalizers.set(format, normalizer);
    }
    return normalizer;
  }

  private previousInSeries(file: FollowedFile): ChainFacts | null {
    const key = seriesKey(file.name);
    let previous: FollowedFile | null = null;
    for (const other of this.files.values()) {
      if (other === file || other.entries === 0 || seriesKey(other.name) !== key) continue;
      if (compareNatural(other.name, file.name) >= 0) continue;
      if (previous === null || compareNatural(other.name, previous.name) > 0) previous = other;
    }
    return previous?.facts ?? null;
  }

  /** Rebuilds each file from its saved position: verified bytes are re-read and must hash the same. */
  private async resume(saved: TailResumeState, names: Set<string>): Promise<void> {
    this.resumed = true;
    const ordered = [...saved.files].sort((a, b) => compareNatural(a.name, b.name));
    for (const record of ordered) {
      const path = join(this.dir, record.name);
      if (record.retired !== null) {
        const file = this.restoredFile(path, record);
        file.retire(record.state, record.retired);
        if (record.state === 'renamed' || record.state === 'replaced') this.ignored.add(record.name);
        continue;
      }
      if (!names.has(record.name)) {
        const file = this.restoredFile(path, record);
        await this.reportChange(file, {
          kind: 'deleted',
          file: path,
          detail: `${record.name} was deleted while Custos was not watching; ${record.entries} entries from it were verified and delivered before.`,
          lines: [],
          findings: [makeFinding('file-changed', path, null, `${record.name} was deleted while Custos was not watching, after ${record.entries} of its entries were verified.`)],
        });
        file.retire('deleted', `Deleted while Custos was not watching; its ${record.entries} verified entries were delivered before.`);
        continue;
      }
      let info;
      try {
        info = await stat(path);
      } catch {
        continue; // the next look reports it
      }
      if (info.ino !== record.ino) {
        const file = this.restoredFile(path, record);
        this.ignored.add(record.name);
        await this.reportChange(file, {
          kind: 'replaced',
          file: path,
          detail: `${record.name} was replaced by a different file while Custos was not watching; the new file is not followed.`,
          lines: [],
          findings: [makeFinding('file-changed', path, null, `${record.name} was replaced by a different file while Custos was not watching.`)],
        });
        file.retire('replaced', 'Replaced by a different file while Custos was not watching; open the new file as an archive to verify it.');
        continue;
      }
      const file = this.newFile(path, info.ino);
      this.files.set(record.name, file);
      const failing: number[] = [];
      const change = await file.replayTo(
        { offset: record.offset, prefixSha256: record.prefixSha256, lastHash: record.lastHash },
        (batch) => {
          for (const f of batch.findings) if (f.severity === 'critical' && f.line !== null) failing.push(f.line);
          return this.deliver(file, batch);
        },
        this.options.partialLineWarnMs ?? 5000,
      );
      if (change) {
        // The chain, re-verified on the bytes as they are now, names the lines that no longer hold.
        if (failing.length > 0) {
          change.lines = failing.slice(0, 1000);
          change.detail += ` Verifying them again now fails at line${failing.length === 1 ? '' : 's'} ${failing.slice(0, 10).join(', ')}${failing.length > 10 ? ` and ${failing.length - 10} more` : ''}.`;
        }
        await this.reportChange(file, change);
      }
    }
  }

  /** A placeholder for a file known only from the saved state (deleted or replaced while away). */
  private restoredFile(path: string, record: FileResumeState): FollowedFile {
    const file = this.newFile(path, record.ino);
    file.offset = record.offset;
    file.lines = record.lines;
    file.entries = record.entries;
    file.format = record.format;
    file.lastHash = record.lastHash;
    this.files.set(record.name, file);
    return file;
  }

  private async follow(file: FollowedFile, names: Set<string>): Promise<void> {
    if (file.retired) {
      this.noticeReplacement(file, names);
      return;
    }
    for (let round = 0; round < 64 && !this.stopped; round++) {
      const outcome = await file.read(this.options.maxBatchBytes ?? 4 << 20, this.options.partialLineWarnMs ?? 5000);
      switch (outcome.kind) {
        case 'nothing':
          return;
        case 'batch':
          await this.deliver(file, outcome.batch);
          if (!outcome.more) return;
          break;
        case 'gone':
          await this.reportGone(file, names);
          return;
        case 'replaced':
          this.ignored.add(file.name);
          await this.reportChange(file, {
            kind: 'replaced',
            file: file.path,
            detail: `${file.name} was replaced by a different file (the name now points to another file) after Custos verified ${file.lines} lines of it. The verified entries are kept and marked; the new file is not followed.`,
            lines: [],
            findings: [makeFinding('file-changed', file.path, null, `${file.name} was replaced by a different file after Custos verified ${file.lines} lines.`)],
          });
          file.retire('replaced', 'Replaced by a different file; the verified entries are kept and marked. Open the new file as an archive to verify it.');
          return;
        case 'change':
          await this.reportChange(file, outcome.change);
          break;
        case 'unreadable':
          return;
      }
    }
  }

  /** A followed file is no longer in the folder: renamed (same file under another name) or deleted. */
  private async reportGone(file: FollowedFile, listed: Set<string>): Promise<void> {
    let renamedTo: string | null = null;
    // List again: the listing of this look may predate the rename.
    const names = await readdir(this.dir).then((found) => new Set(found), () => listed);
    for (const name of names) {
      if (this.files.has(name)) continue;
      try {
        const info = await stat(join(this.dir, name));
        if (info.ino === file.ino) {
          renamedTo = name;
          break;
        }
      } catch {
        // vanished meanwhile
      }
    }
    const kept = `The ${file.entries} entries verified from it are kept and marked.`;
    if (renamedTo !== null) {
      this.ignored.add(renamedTo);
      const detail = `${file.name} was renamed to ${renamedTo} after Custos verified ${file.lines} lines of it. ${kept}`;
      await this.reportChange(file, { kind: 'renamed', file: file.path, detail, lines: [], findings: [makeFinding('file-changed', file.path, null, detail)] });
      file.retire('renamed', `Renamed to ${renamedTo}; it is not followed under its new name. ${kept}`);
    } else {
      const detail = `${file.name} was deleted after Custos verified ${file.lines} lines of it. ${kept}`;
      await this.reportChange(file, { kind: 'deleted', file: file.path, detail, lines: [], findings: [makeFinding('file-changed', file.path, null, detail)] });
      file.retire('deleted', `Deleted. ${kept}`);
    }
  }

  /** A file appeared again under the name of a deleted one: it is another file, so it is not followed. */
  private noticeReplacement(file: FollowedFile, names: Set<string>): void {
    if (file.state !== 'deleted' || !names.has(file.name)) return;
    this.ignored.add(file.name);
    file.state = 'replaced';
    file.message = `${file.name} was deleted and a new file with the same name appeared; the new file is not followed (open it as an archive to verify it). The entries verified from the original are kept and marked.`;
    this.dirty = true;
  }

  private async deliver(file: FollowedFile, read: ReadBatch): Promise<void> {
    const batch: TailBatch = { ...read, tailId: this.tailId, format: file.format, lastHash: file.lastHash, verifiedBytes: file.offset, lines: file.lines };
    if (!batch.replay || this.options.replay) {
      if (this.options.sink) {
        try {
          await this.options.sink(batch);
        } catch (error) {
          this.stateMessage = `Could not index entries of ${file.name} (lines ${batch.fromLine}–${batch.toLine}): ${(error as Error).message}`;
        }
      }
      this.emit('entries', batch);
    }
    if (!batch.replay) {
      this.entries += batch.entries.length;
      this.findings += batch.findings.length;
      for (const finding of batch.findings) this.emit('finding', finding);
    }
    if (this.analyses) {
      for (const alert of this.analyses.observe(batch.entries, batch.findings, !batch.replay)) this.raise(alert);
    }
    this.dirty = true;
    this.publishStatus(false);
  }

  private async reportChange(file: FollowedFile, change: FileChange): Promise<void> {
    if (change.findings.length > 0) {
      const lines = change.findings.map((f) => f.line).filter((l): l is number => l !== null);
      const fromLine = lines.length > 0 ? Math.min(...lines) : 0;
      const toLine = lines.length > 0 ? Math.max(...lines) : 0;
      await this.deliver(file, { file: file.path, entries: [], findings: change.findings, fromLine, toLine, replay: false });
    }
    this.raise({
      id: createHash('sha256').update(`${change.kind}\u0000${change.file}\u0000${change.detail}`).digest('hex').slice(0, 16),
      kind: 'integrity',
      severity: 'critical',
      rule: 'tampering',
      title: CHANGE_TITLES[change.kind],
      explanation: change.detail,
      file: change.file,
      evidence: change.lines.slice(0, 50).map((line) => ({ file: change.file, line })),
      raisedAt: new Date().toISOString(),
    });
    this.dirty = true;
  }

  private raise(alert: LiveAlert): void {
    this.alerts++;
    this.emit('alert', { ...alert, tailId: this.tailId });
  }

  /** Re-hashes the verified bytes of files whose turn it is (the interval grows with the file). */
  private async verifyDue(files: FollowedFile[]): Promise<void> {
    const now = Date.now();
    const base = this.options.verifyIntervalMs ?? 2000;
    for (const file of files) {
      if (this.stopped || file.retired || file.offset === 0) continue;
      const due = this.nextVerify.get(file.name) ?? now + base;
      if (!this.nextVerify.has(file.name)) this.nextVerify.set(file.name, due);
      if (now < due) continue;
      const started = Date.now();
      const change = await file.verifyPrefix();
      const took = Date.now() - started;
      // Never spend more than about a twentieth of the time re-hashing.
      this.nextVerify.set(file.name, Date.now() + Math.max(base, took * 20));
      if (change) await this.reportChange(file, change);
    }
  }

  private save(): void {
    this.dirty = false;
    if (this.stateDir === null) return;
    const files: FileResumeState[] = [...this.files.values()].map((file) => ({
      name: file.name,
      ino: file.ino,
      offset: file.offset,
      lines: file.lines,
      entries: file.entries,
      prefixSha256: file.prefixSha256,
      format: file.format,
      lastHash: file.lastHash,
      state: file.state,
      retired: file.retired ? (file.message ?? file.state) : null,
    }));
    try {
      saveResumeState(this.stateDir, { version: 1, dir: this.dir, format: this.options.format ?? null, updatedAt: new Date().toISOString(), files });
    } catch (error) {
      this.stateMessage = `The tail position cannot be saved in ${this.stateDir}: ${(error as Error).message}. A restart would read the folder from the beginning.`;
    }
  }

  /** Emits the status when it changed, at most twice a second (`now` forces it). */
  private publishStatus(now: boolean): void {
    const status = this.status();
    const json = JSON.stringify(status);
    if (json === this.lastStatusJson) return;
    const wait = 500 - (Date.now() - this.lastStatusAt);
    if (!now && wait > 0) {
      this.statusTimer ??= setTimeout(() => {
        this.statusTimer = null;
        this.publishStatus(true);
      }, wait);
      return;
    }
    this.lastStatusJson = json;
    this.lastStatusAt = Date.now();
    this.emit('status', status);
  }
}
