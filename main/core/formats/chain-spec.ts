/**
 * What each format's hash chain protects, and how its hashes are computed.
 *
 * A chain entry stores its own hash and its predecessor's hash. The stored hash must equal
 * sha256 (hex) of the canonical serialization of the covered fields, so Custos re-serializes the
 * parsed entry canonically and never hashes the raw line: a line re-written with another key
 * order, other separators or raw UTF-8 still verifies, while any changed value does not.
 */
import { hash } from 'node:crypto';
import type { CanonicalForm, FormatId, GenericMapping } from '../../../shared/formats.js';
import { jcsCanonicalize } from '../json/jcs.js';
import type { PyObject } from '../json/py-value.js';
import { canonicalPython } from '../json/python-dumps.js';

export interface ChainSpec {
  hashField: string;
  previousHashField: string;
  /** The previous-hash value of a chain's first entry. */
  genesis: string;
  /** "all-but-hash", or the explicit top-level fields the hash covers. */
  covered: 'all-but-hash' | readonly string[];
  canonical: CanonicalForm;
}

/** The lesson's ImmutableAuditLog: `_hash = sha256(json.dumps(entry without _hash, sort_keys=True, default=str))`. */
export const CHAINED_SPEC: ChainSpec = {
  hashField: '_hash',
  previousHashField: '_previous_hash',
  genesis: 'genesis',
  covered: 'all-but-hash',
  canonical: 'python-json',
};

/** The lesson's HIPAAAuditLog: the hash covers only five fields, so the others can be altered undetected. */
export const HIPAA_SPEC: ChainSpec = {
  hashField: 'entry_hash',
  previousHashField: 'previous_hash',
  genesis: 'genesis',
  covered: ['timestamp', 'user_id', 'tool_name', 'patient_id', 'previous_hash'],
  canonical: 'python-json',
};

/** The chain spec for a format, or null when the format carries no chain. */
export function chainSpecFor(format: FormatId, mapping?: GenericMapping): ChainSpec | null {
  switch (format) {
    case 'chained':
      return CHAINED_SPEC;
    case 'hipaa':
      return HIPAA_SPEC;
    case 'generic':
      return mapping?.chain ? { ...mapping.chain } : null;
    case 'selectools':
    case 'fhir':
      return null;
  }
}

/** The part of an entry its hash covers. */
export function coveredContent(entry: PyObject, spec: ChainSpec): PyObject {
  if (spec.covered === 'all-but-hash') {
    const copy: PyObject = new Map(entry);
    copy.delete(spec.hashField);
    return copy;
  }
  const content: PyObject = new Map();
  for (const field of spec.covered) {
    const value = entry.get(field);
    // A covered field that is missing was not there when hashed (or was removed): hash without it.
    if (value !== undefined) content.set(field, value);
  }
  return content;
}

/** The canonical text that the entry's hash covers. Throws when the content cannot be canonicalized (JCS rejects some values). */
export function canonicalText(entry: PyObject, spec: ChainSpec): string {
  const content = coveredContent(entry, spec);
  return spec.canonical === 'jcs' ? jcsCanonicalize(content) : canonicalPython(content);
}

/** One-shot hashing (crypto.hash) costs a third of createHash().update().digest() for line-sized inputs. */
export function sha256Hex(data: string | Buffer): string {
  return hash('sha256', data, 'hex');
}

/** sha256 hex of the entry's covered content, as the writer computed it. */
export function computeEntryHash(entry: PyObject, spec: ChainSpec): string {
  return sha256Hex(Buffer.from(canonicalText(entry, spec), 'utf8'));
}

/** Covered and uncovered fields, for the report. `seenFields` are the top-level fields seen in the file. */
export function describeCoverage(spec: ChainSpec, seenFields: Iterable<string>): { coveredFields: string[]; uncoveredFields: string[] } {
  if (spec.covered === 'all-but-hash') return { coveredFields: ['*'], uncoveredFields: [] };
  const covered = new Set(spec.covered);
  const uncovered = new Set<string>();
  for (const field of seenFields) if (!covered.has(field) && field !== spec.hashField) uncovered.add(field);
  return { coveredFields: [...spec.covered], uncoveredFields: [...uncovered].sort() };
}
