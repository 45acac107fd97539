/**
 * Remembers whole-archive answers that need a full scan (per-tool statistics, histograms) until
 * the index changes. Every write to the index bumps its version (writer.ts), which empties the cache.
 */
import type { Database } from 'sql.js';

const versions = new WeakMap<Database, number>();
const caches = new WeakMap<Database, { version: number; answers: Map<string, unknown> }>();
const MAX_ANSWERS = 256;

/** Marks the index as changed: cached answers are no longer true. */
export function bumpVersion(db: Database): void {
  versions.set(db, (versions.get(db) ?? 0) + 1);
}

/** The cached answer for `key`, or computes, remembers and returns it. */
export function cachedAnswer<T>(db: Database, key: string, compute: () => T): T {
  const version = versions.get(db) ?? 0;
  let cache = caches.get(db);
  if (cache === undefined || cache.version !== version) {
    cache = { version, answers: new Map() };
    caches.set(db, cache);
  }
  if (cache.answers.has(key)) return cache.answers.get(key) as T;
  const answer = compute();
  if (cache.answers.size >= MAX_ANSWERS) cache.answers.delete(cache.answers.keys().next().value as string);
  cache.answers.set(key, answer);
  return answer;
}

/** The index's version: it changes with every write, so answers remembered under it go stale with it. */
export function indexVersion(db: Database): number {
  return versions.get(db) ?? 0;
}
