/**
 * Detects personal identifiers written in clear into arguments or results: a sanitization failure.
 * Values are recognised by field name (name, date of birth, phone, address, SSN) and, for SSNs and
 * phone numbers, by shape anywhere in the text. Hashed or redacted values are not PII in clear.
 * Only the field name and kind are reported — never the value.
 */
export const PII_KINDS = ['ssn', 'dob', 'phone', 'name', 'address'] as const;
export type PiiKind = (typeof PII_KINDS)[number];

export interface PiiMatch {
  kind: PiiKind;
  /** The JSON field that held it, or null when found by shape in free text. */
  field: string | null;
  /**
   * The clear value, for field matches only: the collector hashes it at once (so a clear-identifier
   * search also finds logs written without sanitization) and drops it. Never log or keep it.
   */
  value?: string;
}

const HASHED_OR_REDACTED = /^(?:sha256:)?[0-9a-f]{16,64}$|redacted|^\*+$|^<[^>]*>$|^\[[^\]]*\]$|^x{3,}$/i;
const STRING_FIELD = /"((?:[^"\\]|\\.)*)"\s*:\s*"((?:[^"\\]|\\.)*)"/g;
const NUMBER_FIELD = /"((?:[^"\\]|\\.)*)"\s*:\s*(\d{7,})/g;

const THREE_DIGITS = /\d{3}/;
const SSN_SHAPE = /(?<![\d-])(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}(?![\d-])/;
const PHONE_SHAPE = /(?<![\d\w-])(?:\+?1[ .-]?)?(?:\(\d{3}\)\s?|\d{3}[ .-])\d{3}[ .-]\d{4}(?![\d-])/;

const NAME_FIELD = /(?:^|_)(?:patient_?name|full_?name|first_?name|last_?name|given_?name|family_?name|middle_?name|surname|maiden_?name)$/i;
const PLAIN_NAME_FIELD = /^name$/i;
const DOB_FIELD = /(?:^|_)(?:dob|birth_?date|date_?of_?birth|birthdate|birthday)$/i;
const PHONE_FIELD = /(?:^|_)(?:phone|phone_?number|mobile|tel|telephone|fax|cell)$/i;
const ADDRESS_FIELD = /(?:^|_)(?:address|street|addr|address_?line_?\d?|home_?address)$/i;
const SSN_FIELD = /(?:^|_)(?:ssn|social_?security(?:_?number)?)$/i;

/** Cheap pre-check: field extraction only runs when some PII field name occurs at all. */
const PII_FIELD_HINT = /name|dob|birth|phone|mobile|tel|fax|cell|addr|street|ssn|social/i;

const PERSON_NAME = /^\p{Lu}[\p{L}'’.-]*(?:\s+\p{L}[\p{L}'’.-]*)+$/u;

function unescapeJson(s: string): string {
  if (!s.includes('\\')) return s;
  try {
    return JSON.parse(`"${s}"`) as string;
  } catch {
    return s;
  }
}

function classifyField(field: string, value: string): PiiKind | null {
  if (value.trim().length === 0 || HASHED_OR_REDACTED.test(value.trim())) return null;
  if (SSN_FIELD.test(field)) return /\d{3}-?\d{2}-?\d{4}/.test(value) ? 'ssn' : null;
  if (DOB_FIELD.test(field)) return /\d/.test(value) ? 'dob' : null;
  if (PHONE_FIELD.test(field)) return value.replace(/\D/g, '').length >= 7 ? 'phone' : null;
  if (ADDRESS_FIELD.test(field)) return /\p{L}/u.test(value) ? 'address' : null;
  if (NAME_FIELD.test(field)) return /\p{L}/u.test(value) ? 'name' : null;
  // A bare "name" field holds many things; only a multi-word personal name counts.
  if (PLAIN_NAME_FIELD.test(field)) return PERSON_NAME.test(value.trim()) ? 'name' : null;
  return null;
}

/** All PII kinds found in one arguments or result text, at most one match per kind and field. */
export function findPiiInClear(text: string | null): PiiMatch[] {
  if (!text) return [];
  const matches: PiiMatch[] = [];
  const seen = new Set<string>();
  const add = (kind: PiiKind, field: string | null, value?: string): void => {
    const key = `${kind}\u0000${field ?? ''}`;
    if (seen.has(key)) return;
    seen.add(key);
    matches.push(value === undefined ? { kind, field } : { kind, field, value });
  };
  if (text.includes('"') && PII_FIELD_HINT.test(text)) {
    for (const m of text.matchAll(STRING_FIELD)) {
      const field = unescapeJson(m[1] ?? '');
      const value = unescapeJson(m[2] ?? '');
      const kind = classifyField(field, value);
      if (kind) add(kind, field, value);
    }
    for (const m of text.matchAll(NUMBER_FIELD)) {
      const field = unescapeJson(m[1] ?? '');
      if (SSN_FIELD.test(field) && (m[2] ?? '').length === 9) add('ssn', field);
      else if (PHONE_FIELD.test(field)) add('phone', field);
    }
  }
  if (!THREE_DIGITS.test(text)) return matches;
  const kindsByField = new Set(matches.map((m) => m.kind));
  if (!kindsByField.has('ssn') && SSN_SHAPE.test(text)) add('ssn', null);
  if (!kindsByField.has('phone') && PHONE_SHAPE.test(text)) add('phone', null);
  return matches;
}
