/**
 * Custos's own outputs (seals, identities, reports) are written to a temporary file in the target
 * folder and only then moved into place, so a failure never leaves a half-written file behind.
 */
import { closeSync, constants, existsSync, fsyncSync, linkSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';

/** A new temporary file beside `path`, open for reading and writing. */
function openTemporary(path: string, mode: number): { temporary: string; fd: number } {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    return { temporary, fd: openSync(temporary, constants.O_RDWR | constants.O_CREAT | constants.O_EXCL, mode) };
  } catch (error) {
    throw new Error(`Cannot write ${path}: ${describe(error)}.`, { cause: error });
  }
}

function writeTemporary(path: string, data: Buffer | string, mode: number): string {
  const { temporary, fd } = openTemporary(path, mode);
  try {
    writeSync(fd, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    unlinkSync(temporary);
    throw new Error(`Cannot write ${path}: ${describe(error)}.`, { cause: error });
  }
  closeSync(fd);
  return temporary;
}

/** Writes a new file and refuses to replace an existing one (seals and identities are never overwritten). */
export function writeNewFile(path: string, data: Buffer | string, mode = 0o644): void {
  if (existsSync(path)) throw new Error(`${path} already exists and is never overwritten. Choose another file name.`);
  const temporary = writeTemporary(path, data, mode);
  try {
    // link() fails if the target appeared meanwhile, unlike rename().
    linkSync(temporary, path);
    unlinkSync(temporary);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if ((code === 'EPERM' || code === 'ENOTSUP' || code === 'ENOSYS') && !existsSync(path)) {
      // File systems without hard links (FAT, some network shares).
      renameSync(temporary, path);
      return;
    }
    unlinkSync(temporary);
    if (code === 'EEXIST') throw new Error(`${path} already exists and is never overwritten. Choose another file name.`, { cause: error });
    throw new Error(`Cannot write ${path}: ${describe(error)}.`, { cause: error });
  }
}

/** Writes a file, replacing any previous version atomically (reports the user asked to re-export). */
export function writeFileAtomically(path: string, data: Buffer | string, mode = 0o644): void {
  const temporary = writeTemporary(path, data, mode);
  try {
    renameSync(temporary, path);
  } catch (error) {
    unlinkSync(temporary);
    throw new Error(`Cannot write ${path}: ${describe(error)}.`, { cause: error });
  }
}

/**
 * Like writeFileAtomically for output made as it is written: `write` fills the open temporary
 * file (it may read back and patch it); it is moved into place only when `write` succeeds.
 */
export async function writeFileAtomicallyWith<T>(path: string, write: (fd: number) => Promise<T>, mode = 0o644): Promise<T> {
  const { temporary, fd } = openTemporary(path, mode);
  let result: T;
  try {
    result = await write(fd);
    fsyncSync(fd);
    closeSync(fd);
  } catch (error) {
    closeSync(fd);
    unlinkSync(temporary);
    const code = (error as NodeJS.ErrnoException).code;
    throw code === undefined ? error : new Error(`Cannot write ${path}: ${describe(error)}.`, { cause: error });
  }
  try {
    renameSync(temporary, path);
  } catch (error) {
    unlinkSync(temporary);
    throw new Error(`Cannot write ${path}: ${describe(error)}.`, { cause: error });
  }
  return result;
}

/** Custos never writes over an evidence file: outputs whose path is one of them are refused. */
export function refuseEvidencePath(output: string, evidenceFiles: readonly string[]): void {
  const target = resolve(output);
  if (evidenceFiles.some((file) => resolve(file) === target)) {
    throw new Error(`${target} is an evidence file being reported on: Custos never overwrites evidence. Choose another output file.`);
  }
}

function describe(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return 'the folder does not exist';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'the disk is read-only';
    case 'ENOSPC':
      return 'the disk is full';
    case 'EISDIR':
      return 'it is a folder';
    default:
      return code ?? (error instanceof Error ? error.message : String(error));
  }
}
