/** Log formats Custos reads. See ../shared/seeds for their sources. */
export const FORMAT_IDS = ['chained', 'hipaa', 'selectools', 'fhir', 'generic'] as const;
export type FormatId = (typeof FORMAT_IDS)[number];

export function isFormatId(value: unknown): value is FormatId {
  return typeof value === 'string' && (FORMAT_IDS as readonly string[]).includes(value);
}

/** Canonical serializations a chain may hash. */
export type CanonicalForm = 'python-json' | 'jcs';

/** User-supplied mapping for the `generic` format (a JSON file). Field paths are dot-separated. */
export interface GenericMapping {
  fields: {
    timestamp: string;
    user?: string;
    role?: string;
    patient?: string;
    tool?: string;
    purpose?: string;
    outcome?: string;
    duration?: string;
    conversation?: string;
    model?: string;
    /** Optional extras, used when present. */
    eventType?: string;
    callId?: string;
    turn?: string;
    trigger?: string;
    clientIp?: string;
    /** Arguments and result objects (rendered as text for search and PII checks). */
    arguments?: string;
    result?: string;
  };
  /** Values of the outcome field that mean success (default: true, "success", "ok"). */
  successValues?: Array<string | boolean | number>;
  chain?: {
    hashField: string;
    previousHashField: string;
    genesis: string;
    /** "all-but-hash" or an explicit list of covered top-level fields. */
    covered: 'all-but-hash' | string[];
    canonical: CanonicalForm;
  };
}
