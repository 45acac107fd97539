/**
 * Turns the paths a user gave (files and folders) into the ordered list of evidence files to read.
 *
 * Folders are walked recursively. Within a folder, names are ordered with numbers compared by
 * value, so `audit-2026-07-09.jsonl` comes before `audit-2026-07-10.jsonl` and a daily-rotated
 * chain is read in date order. Symlink loops and unreadable entries become findings, never crashes.
 */
import { readdir, realpath, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Finding } from '../../../shared/findings.js';
import { FINDING_SEVERITY } from '../../../shared/findings.js';

export interface ArchiveFile {
  /** The path as Custos reports it (absolute). */
  path: string;
  size: number;
  mtimeMs: number;
  /** gzip-compressed (`.gz`): read through a streaming inflater, cannot be split for parallel work. */
  compressed: boolean;
}

export interface SkippedPath {
  path: string;
  reason: string;
}

export interface CollectedFiles {
  files: ArchiveFile[];
  findings: Finding[];
  /** Files inside folders that are not audit logs by name (e.g. README.md, a seal file). */
  skipped: SkippedPath[];
  /** Paths given by the user that could not be opened at all. */
  unopened: string[];
}

/** Names in a folder that are read as audit logs. Files named explicitly are always read. */
const LOG_NAME = /\.(jsonl|ndjson|log)(\.gz)?$/i;

export function isCompressedName(path: string): boolean {
  return /\.gz$/i.test(path);
}

/** Orders names so that digit runs compare by value ("day-9" < "day-10"), other characters by code unit. */
export function compareNatural(a: string, b: string): number {
  const pa = a.match(/\d+|\D+/g) ?? [];
  const pb = b.match(/\d+|\D+/g) ?? [];
  const n = Math.min(pa.length, pb.length);
  for (let i = 0; i < n; i++) {
    const x = pa[i] as string;
    const y = pb[i] as string;
    if (x === y) continue;
    const xDigits = /^\d/.test(x);
    const yDigits = /^\d/.test(y);
    if (xDigits && yDigits) {
      const diff = BigInt(x) - BigInt(y);
      if (diff !== 0n) return diff < 0n ? -1 : 1;
      if (x.length !== y.length) return x.length - y.length;
      continue;
    }
    return x < y ? -1 : 1;
  }
  return pa.length - pb.length;
}

function unreadable(file: string, detail: string): Finding {
  return { kind: 'unreadable', severity: FINDING_SEVERITY.unreadable, file, line: null, detail };
}

function describeError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return 'no such file or folder';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ELOOP':
      return 'symbolic link loop (the link points back to itself)';
    default:
      return (error as Error).message;
  }
}

export async function collectArchiveFiles(paths: readonly string[]): Promise<CollectedFiles> {
  const result: CollectedFiles = { files: [], findings: [], skipped: [], unopened: [] };
  const seenFiles = new Set<string>();

  const addFile = async (path: string, real: string, size: number, mtimeMs: number): Promise<void> => {
    if (seenFiles.has(real)) return;
    seenFiles.add(real);
    result.files.push({ path, size, mtimeMs, compressed: isCompressedName(path) });
  };

  const walk = async (dir: string, ancestors: ReadonlySet<string>): Promise<number> => {
    let names: string[];
    try {
      names = (await readdir(dir)).sort(compareNatural);
    } catch (error) {
      result.findings.push(unreadable(dir, `Cannot list the folder: ${describeError(error)}.`));
      return 0;
    }
    let found = 0;
    for (const name of names) {
      const path = join(dir, name);
      let info;
      let real: string;
      try {
        info = await stat(path);
        real = await realpath(path);
      } catch (error) {
        result.findings.push(unreadable(path, `Cannot open: ${describeError(error)}.`));
        continue;
      }
      if (info.isDirectory()) {
        if (ancestors.has(real)) {
          result.findings.push(unreadable(path, `Symbolic link loop: this folder leads back to ${real}, which is already being read; skipped.`));
          continue;
        }
        found += await walk(path, new Set([...ancestors, real]));
      } else if (info.isFile()) {
        if (!LOG_NAME.test(name)) {
          result.skipped.push({ path, reason: 'not named like an audit log (.jsonl, .ndjson, .log, optionally .gz)' });
          continue;
        }
        await addFile(path, real, info.size, info.mtimeMs);
        found++;
      } else {
        result.skipped.push({ path, reason: 'not a regular file' });
      }
    }
    return found;
  };

  for (const given of paths) {
    const path = resolve(given);
    let info;
    let real: string;
    try {
      info = await stat(path);
      real = await realpath(path);
    } catch (error) {
      result.findings.push(unreadable(path, `Cannot open: ${describeError(error)}.`));
      result.unopened.push(path);
      continue;
    }
    if (info.isDirectory()) {
      const found = await walk(path, new Set([real]));
      if (found === 0) result.findings.push(unreadable(path, 'The folder contains no audit log files (.jsonl, .ndjson, .log, optionally .gz).'));
    } else if (info.isFile()) {
      await addFile(path, real, info.size, info.mtimeMs);
    } else {
      result.findings.push(unreadable(path, 'Not a regular file or folder.'));
    }
  }
  // Whatever order paths were given in, a rotated series must be read oldest first.
  result.files.sort((a, b) => compareNatural(a.path, b.path));
  return result;
}
