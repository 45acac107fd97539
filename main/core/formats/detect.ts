/**
 * Recognises a file's log format from its first parseable entry.
 *
 * Detection is by the fields each writer always emits; `--format` overrides it, and a generic
 * mapping applies to files that match no known format.
 */
import type { FormatId, GenericMapping } from '../../../shared/formats.js';
import type { PyObject } from '../json/py-value.js';
import { isSelectoolsEvent } from './selectools-events.js';

export type Detection = { format: FormatId; reason: string } | { format: null; reason: string };

const has = (entry: PyObject, key: string): boolean => entry.has(key);

export function detectFormat(entry: PyObject, mapping?: GenericMapping): Detection {
  if (has(entry, '_hash') && has(entry, '_previous_hash')) {
    return { format: 'chained', reason: 'entries carry _hash and _previous_hash (ImmutableAuditLog)' };
  }
  if (has(entry, 'entry_hash') && has(entry, 'previous_hash') && (has(entry, 'patient_id') || has(entry, 'user_role') || has(entry, 'purpose'))) {
    return { format: 'hipaa', reason: 'entries carry entry_hash, previous_hash and patient fields (HIPAAAuditLog)' };
  }
  if (entry.get('resourceType') === 'AuditEvent') {
    return { format: 'fhir', reason: 'entries are FHIR AuditEvent resources' };
  }
  const event = entry.get('event');
  if (typeof event === 'string' && has(entry, 'ts') && (has(entry, 'run_id') || isSelectoolsEvent(event))) {
    return { format: 'selectools', reason: 'entries carry event, ts and run_id (selectools AuditLogger)' };
  }
  if (mapping) return { format: 'generic', reason: 'read with the supplied mapping file' };
  const fields = [...entry.keys()].slice(0, 12).join(', ');
  return {
    format: null,
    reason:
      `the first entry (fields: ${fields || 'none'}) matches no known format — chained needs _hash and _previous_hash, ` +
      'hipaa needs entry_hash, previous_hash and patient_id, selectools needs event, ts and run_id, fhir needs resourceType "AuditEvent"; ' +
      'supply --mapping FILE to read it as generic JSONL',
  };
}

/** The field holding each entry's time, for ordering checks. */
export function timestampPath(format: FormatId, mapping?: GenericMapping): string | null {
  switch (format) {
    case 'chained':
    case 'hipaa':
      return 'timestamp';
    case 'selectools':
      return 'ts';
    case 'fhir':
      return 'recorded';
    case 'generic':
      return mapping?.fields.timestamp ?? null;
  }
}
