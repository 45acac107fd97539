/** The archives opened lately, newest first, kept in Custos's data directory (never beside the evidence). */
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';

const MAX_RECENT = 20;
const FILE_NAME = 'recent-archives.json';
const recentSchema = z.object({ paths: z.array(z.string()) });

export class RecentArchives {
  private readonly file: string;
  private writing: Promise<void> = Promise.resolve();

  constructor(dataDir: string) {
    this.file = join(dataDir, FILE_NAME);
  }

  async list(): Promise<string[]> {
    try {
      const parsed = recentSchema.safeParse(JSON.parse(await readFile(this.file, 'utf8')));
      return parsed.success ? parsed.data.paths.slice(0, MAX_RECENT) : [];
    } catch {
      // Missing or damaged: there is simply no history yet.
      return [];
    }
  }

  /** Puts `paths` first (in the order given), dropping older duplicates. */
  remember(paths: readonly string[]): Promise<void> {
    const task = async (): Promise<void> => {
      const current = await this.list();
      const next = [...new Set([...paths, ...current])].slice(0, MAX_RECENT);
      const temporary = `${this.file}.${process.pid}.tmp`;
      await writeFile(temporary, `${JSON.stringify({ paths: next }, null, 2)}\n`);
      await rename(temporary, this.file);
    };
    this.writing = this.writing.then(task, task);
    return this.writing;
  }
}
