/** Live-tail settings kept in the data folder: whether new alerts raise an OS notification. */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';

const schema = z.object({ notifications: z.boolean().default(true) });

export class TailSettings {
  private value: z.infer<typeof schema>;

  constructor(private readonly path: string) {
    let loaded: z.infer<typeof schema> = { notifications: true };
    try {
      const parsed = schema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
      if (parsed.success) loaded = parsed.data;
    } catch {
      // missing or unreadable: defaults
    }
    this.value = loaded;
  }

  get notifications(): boolean {
    return this.value.notifications;
  }

  setNotifications(enabled: boolean): void {
    this.value = { ...this.value, notifications: enabled };
    mkdirSync(dirname(this.path), { recursive: true });
    const temporary = `${this.path}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(this.value, null, 2) + '\n', { mode: 0o600 });
    renameSync(temporary, this.path);
  }
}
