/**
 * Hashes a clear identifier the ways our formats sanitize them, so a sanitized archive can be
 * searched without the clear value being stored or logged:
 *  - the lesson's hash_pii: "sha256:" + first 16 hex of sha256(value.encode())  (UTF-8)
 *  - selectools PrivacyLevel.HASHED: first 16 hex of sha256(str(value))  (str of a string is itself)
 * A person types an identifier one way and a system logged it another, so a few spelling variants
 * (whitespace, Unicode normalization, letter case for names, punctuation for numbers, common date
 * layouts for dates of birth) are hashed too. The clear values live only inside this function.
 */
import { createHash } from 'node:crypto';
import type { IdentifierKind } from '../../../shared/analyses.js';

/** Both hashed spellings of one exact value. */
export function hashedForms(value: string): string[] {
  const hex16 = createHash('sha256').update(value, 'utf8').digest('hex').slice(0, 16);
  return [`sha256:${hex16}`, hex16];
}

/** Values that match a hashed token in the logs: "sha256:" + 16 hex, or a bare 16-hex string. */
export const HASH_TOKEN = /^(?:sha256:)?[0-9a-f]{16}$/;

function dateVariants(value: string): string[] {
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(value);
  const us = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(value);
  const compact = /^(\d{4})(\d{2})(\d{2})$/.exec(value);
  let y: string | undefined;
  let m: string | undefined;
  let d: string | undefined;
  if (iso) [, y, m, d] = iso;
  else if (us) [, m, d, y] = us;
  else if (compact) [, y, m, d] = compact;
  if (!y || !m || !d) return [];
  const mm = m.padStart(2, '0');
  const dd = d.padStart(2, '0');
  return [`${y}-${mm}-${dd}`, `${mm}/${dd}/${y}`, `${y}${mm}${dd}`, `${dd}.${mm}.${y}`, `${dd}/${mm}/${y}`];
}

function spellingVariants(kind: IdentifierKind, value: string): string[] {
  const trimmed = value.trim();
  const base = [value, trimmed, trimmed.normalize('NFC'), trimmed.normalize('NFD'), trimmed.replace(/\s+/g, ' ')];
  switch (kind) {
    case 'name': {
      const collapsed = trimmed.replace(/\s+/g, ' ').normalize('NFC');
      const titled = collapsed.toLowerCase().replace(/(^|[\s'-])(\p{L})/gu, (_all, sep: string, ch: string) => sep + ch.toUpperCase());
      const cased = [collapsed, collapsed.toLowerCase(), collapsed.toUpperCase(), titled];
      return [...base, ...cased, ...cased.map((v) => v.normalize('NFD'))];
    }
    case 'ssn': {
      const digits = trimmed.replace(/\D/g, '');
      return digits.length === 9 ? [...base, digits, `${digits.slice(0, 3)}-${digits.slice(3, 5)}-${digits.slice(5)}`] : base;
    }
    case 'phone': {
      const digits = trimmed.replace(/\D/g, '');
      const national = digits.length === 11 && digits.startsWith('1') ? digits.slice(1) : digits;
      if (national.length !== 10) return [...base, digits];
      const [a, b, c] = [national.slice(0, 3), national.slice(3, 6), national.slice(6)];
      return [...base, digits, national, `${a}-${b}-${c}`, `(${a}) ${b}-${c}`, `${a}.${b}.${c}`, `+1${national}`, `+1-${a}-${b}-${c}`];
    }
    case 'dob':
      return [...base, ...dateVariants(trimmed)];
    case 'address':
      return [...base, trimmed.replace(/\s+/g, ' ').toUpperCase(), trimmed.replace(/\s+/g, ' ').toLowerCase()];
    default:
      return base;
  }
}

/** Every hashed form under which this identifier may appear in a sanitized log. */
export function candidateHashes(kind: IdentifierKind, value: string): string[] {
  const out = new Set<string>();
  for (const variant of new Set(spellingVariants(kind, value))) {
    if (variant.length === 0) continue;
    for (const form of hashedForms(variant)) out.add(form);
  }
  return [...out];
}
