/**
 * Turns a parsed log line of any supported format into the one NormalizedEntry every store
 * query and analysis works on. Entry point: createNormalizer.
 */
import { DEFAULT_BREAK_GLASS_CONFIG } from '../../../../shared/break-glass.js';
import type { NormalizedEntry, SourceLocation } from '../../../../shared/entry.js';
import type { Finding } from '../../../../shared/findings.js';
import type { FormatId } from '../../../../shared/formats.js';
import type { PyValue } from '../../json/py-value.js';
import { BreakGlassCollector } from './break-glass.js';
import { FieldReader } from './field-reader.js';
import { readFhirEntry } from './fhir.js';
import { createGenericReader } from './generic.js';
import { readChainedEntry, readHipaaEntry } from './lesson.js';
import { SelectoolsReader } from './selectools.js';
import { EMPTY_FIELDS, type FormatReading, type LineContext, type NormalizeResult, type Normalizer, type NormalizerOptions } from './types.js';

export type { NormalizeResult, Normalizer, NormalizerOptions } from './types.js';
export type { BreakGlassConfig } from '../../../../shared/break-glass.js';
export { DEFAULT_BREAK_GLASS_CONFIG } from '../../../../shared/break-glass.js';
export { breakGlassConfigSchema, resolveBreakGlassConfig } from './break-glass.js';
export { detectPrivacy, SELECTOOLS_EVENTS } from './selectools.js';
export { normalizationFindings } from './findings.js';

/**
 * A normalizer for one archive of `format`. It keeps state only for selectools (open calls and
 * each run's model, so a tool_end gets the patient of its tool_start): use one normalizer per
 * archive, feed its files in order (daily files in date order), and a new one for another archive.
 * The generic format needs `options.mapping`.
 */
export function createNormalizer(format: FormatId, options: NormalizerOptions = {}): Normalizer {
  const config = options.breakGlass ?? DEFAULT_BREAK_GLASS_CONFIG;
  const { read, finish } = formatReader(format, options);

  const normalize = (value: PyValue, location: SourceLocation, lineSha256: string): NormalizeResult => {
    const reader = new FieldReader(value);
    const breakGlass = new BreakGlassCollector();
    let reading: FormatReading;
    if (value instanceof Map) {
      const ctx: LineContext = { reader, breakGlass, config, location };
      reading = read(ctx);
    } else {
      reader.problems.push(`the line is a JSON ${describeTopLevel(value)}, not an object, so it has no fields`);
      reading = {
        fields: { ...EMPTY_FIELDS, eventType: 'unknown', callRecord: false },
        time: { timeMs: null, timeRaw: null, timeAssumedUtc: false, error: 'the line is not an object, so it has no timestamp' },
      };
    }
    const entry: NormalizedEntry = {
      source: location,
      format,
      timeMs: reading.time.timeMs,
      timeRaw: reading.time.timeRaw,
      timeAssumedUtc: reading.time.timeAssumedUtc,
      ...reading.fields,
      breakGlass: breakGlass.signals,
      lineSha256,
    };
    return { entry, problems: reader.problems, timestampError: reading.time.error };
  };
  return Object.assign(normalize, { finish });
}

interface FormatReader {
  read: (ctx: LineContext) => FormatReading;
  finish: () => Finding[];
}

function formatReader(format: FormatId, options: NormalizerOptions): FormatReader {
  const stateless = (read: FormatReader['read']): FormatReader => ({ read, finish: () => [] });
  switch (format) {
    case 'chained':
      return stateless(readChainedEntry);
    case 'hipaa':
      return stateless(readHipaaEntry);
    case 'fhir':
      return stateless(readFhirEntry);
    case 'selectools': {
      const selectools = new SelectoolsReader();
      return { read: (ctx) => selectools.read(ctx), finish: () => selectools.unfinishedCalls() };
    }
    case 'generic':
      if (!options.mapping) throw new Error('The generic format needs a mapping file naming its fields (--mapping FILE).');
      return stateless(createGenericReader(options.mapping));
  }
}

function describeTopLevel(value: PyValue): string {
  if (Array.isArray(value)) return 'list';
  if (value === null) return 'null';
  return typeof value === 'string' ? 'string' : typeof value === 'boolean' ? 'boolean' : 'number';
}
