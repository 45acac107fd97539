/**
 * Files indexed by a live tail keep growing after they are indexed: that is not a change to the
 * evidence. The index remembers which files a tail feeds, so a re-read (the detail view) accepts
 * growth for them and only calls a file changed when it is shorter than what was verified; each
 * re-read line is still checked against its indexed hash.
 */
import { stat } from 'node:fs/promises';
import type { Database } from 'sql.js';

export function markTailFile(db: Database, fileId: number): void {
  db.run('CREATE TABLE IF NOT EXISTS tail_files (file_id INTEGER PRIMARY KEY)');
  db.run('INSERT OR IGNORE INTO tail_files(file_id) VALUES (?)', [fileId]);
}

export function isTailFile(db: Database, fileId: number): boolean {
  try {
    return db.exec('SELECT 1 FROM tail_files WHERE file_id = ?', [fileId]).length > 0;
  } catch {
    return false; // no tail ever ran in this index
  }
}

/** Whether a tailed file still holds at least the bytes that were verified and indexed. */
export async function checkTailFileUnchanged(file: { path: string; size: number }): Promise<{ unchanged: boolean; problem?: string }> {
  try {
    const info = await stat(file.path);
    if (info.size < file.size) return { unchanged: false, problem: `${file.path} is shorter than when it was indexed: ${info.size} bytes, ${file.size} were verified.` };
    return { unchanged: true };
  } catch (error) {
    return { unchanged: false, problem: `${file.path} can no longer be read: ${(error as Error).message}` };
  }
}
