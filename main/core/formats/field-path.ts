/**
 * Dot paths into parsed log values: `session_metadata.user_role`, `agent.0.who.display`.
 * A segment that is all digits indexes a list; `\.` is a literal dot inside a key name.
 */
import type { PyValue } from '../json/py-value.js';

export function splitFieldPath(path: string): string[] {
  const segments: string[] = [];
  let current = '';
  for (let i = 0; i < path.length; i++) {
    const char = path[i];
    if (char === '\\' && path[i + 1] === '.') {
      current += '.';
      i++;
    } else if (char === '.') {
      segments.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  segments.push(current);
  return segments;
}

/** Why a path cannot be used, or null when it is well-formed. */
export function fieldPathProblem(path: string): string | null {
  if (path.trim() === '') return 'is empty';
  if (splitFieldPath(path).some((segment) => segment === '')) return `"${path}" has an empty segment (two dots, or a leading or trailing dot)`;
  return null;
}

// Normalizers read the same few dozen paths on every line: split each once.
const splitCache = new Map<string, readonly string[]>();
const SPLIT_CACHE_LIMIT = 10_000;

function cachedSegments(path: string): readonly string[] {
  let segments = splitCache.get(path);
  if (segments === undefined) {
    segments = path === '' ? [] : splitFieldPath(path);
    if (splitCache.size >= SPLIT_CACHE_LIMIT) splitCache.clear();
    splitCache.set(path, segments);
  }
  return segments;
}

/** The value at `path`, or undefined when any step is missing or of the wrong kind. */
export function getAtPath(value: PyValue | undefined, path: string | readonly string[]): PyValue | undefined {
  const segments = typeof path === 'string' ? cachedSegments(path) : path;
  let current: PyValue | undefined = value;
  for (const segment of segments) {
    if (current instanceof Map) current = current.get(segment);
    else if (Array.isArray(current) && /^\d+$/.test(segment)) current = current[Number(segment)];
    else return undefined;
    if (current === undefined) return undefined;
  }
  return current;
}
