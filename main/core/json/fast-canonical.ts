/**
 * Fast path for hash-chain verification: one pass over a line's UTF-8 bytes that yields
 * `json.dumps(entry_without_key, sort_keys=True)` (CPython's bytes, ensure_ascii) without building
 * JS values, and returns the removed key's string value.
 *
 * It handles everything a JSON writer commonly produces: any whitespace and separators, any key
 * order at any depth, raw UTF-8 or escaped strings (re-escaped the way Python does), ints of any
 * size, floats in any spelling (re-printed as Python's repr), NaN/Infinity tokens.
 * It returns null — and the caller must fall back to parsePyJson + canonicalPython — whenever it
 * cannot be sure: object keys containing escapes or non-ASCII, duplicate keys, a top-level value
 * that is not an object, nesting deeper than 64, lines over MAX_LINE_BYTES, invalid UTF-8, a
 * removed key whose value is not a plain escape-free ASCII string, and any input that is not valid
 * JSON (the slow path then produces the proper error). It never returns a wrong answer for input it accepts.
 *
 * The scan itself is WebAssembly (assembly/canonical.ts, built by `npm run build:wasm`): it runs for
 * every line of an archive. This module loads it, passes lines in and reads the answer out.
 */
import { readFileSync } from 'node:fs';
import { pythonJsonFloat } from './float-repr.js';

export interface CanonicalWithout {
  /** CPython's `json.dumps(obj_without_key, sort_keys=True).encode()` (ASCII). */
  canonical: Buffer;
  /** The removed key's string value, or null when the key was absent. */
  removed: string | null;
  /**
   * For each of `options.fields`, the top-level member's value: the string (decoded), null when
   * the member is absent, or NOT_A_STRING when it is present with another type.
   */
  fields: Array<string | null | typeof NOT_A_STRING>;
}

/** Marks a requested field that is present but not a string (see CanonicalWithout.fields). */
export const NOT_A_STRING: unique symbol = Symbol('not a string');

export interface CanonicalWithoutOptions {
  /**
   * Return a view into the module's memory instead of a fresh copy (saves an allocation per line).
   * The view is only valid until the next call; hash it immediately.
   */
  reuseBuffer?: boolean;
  /** Top-level fields (ASCII names) whose string values to return, e.g. the previous hash and the time. */
  fields?: readonly string[];
}

/** Longer lines take the slow path: they are not audit entries a logger writes every second. */
export const MAX_LINE_BYTES = 1 << 20;

/** The module's fixed memory layout, as it exports it (assembly/canonical.ts). */
interface Layout {
  result: number;
  config: number;
  configNameSlot: number;
  maxFields: number;
  /** Callers may read file chunks straight into [chunk, line) and canonicalize lines in place. */
  chunk: number;
  /** Lines that live elsewhere are copied here first. */
  line: number;
}
const R_START = 0;
const R_END = 1;
const R_REMOVED_START = 2;
const R_REMOVED_END = 3;
const R_FIELDS = 4;
const QUOTE = 0x22;

interface CanonicalModule {
  canonicalize(start: number, end: number): number;
  resetOrders(): void;
}

/** The loaded module and views of its memory (which never grows, so the views stay valid). */
interface Loaded {
  exports: CanonicalModule;
  layout: Layout;
  heap: Buffer;
  results: Int32Array;
  config: Int32Array;
}

let loaded: Loaded | null = null;

/** The WebAssembly API as far as this module uses it (the project's type libraries leave it out). */
interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}
const webAssembly = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;

function wasmLocation(): URL {
  // Compiled: next to this file in dist/. Under vitest (TypeScript sources): the build's copy.
  return import.meta.url.endsWith('.ts') ? new URL('../../../dist/main/core/json/python-canonical.wasm', import.meta.url) : new URL('./python-canonical.wasm', import.meta.url);
}

function load(): Loaded {
  if (loaded) return loaded;
  let bytes: Buffer;
  try {
    bytes = readFileSync(wasmLocation());
  } catch (error) {
    throw new Error(`Custos's canonical JSON module (python-canonical.wasm) is missing: run "npm run build". (${(error as Error).message})`);
  }
  let heap = Buffer.alloc(0);
  const imports = {
    env: {
      /** Python's repr of the float spelled at [start, end), written at out; its length, or -1 when it does not fit. */
      floatRepr(start: number, end: number, out: number, outMax: number): number {
        const text = pythonJsonFloat(Number(heap.toString('latin1', start, end)));
        if (text.length > outMax) return -1;
        heap.write(text, out, 'latin1');
        return text.length;
      },
    },
  };
  const instance = new webAssembly.Instance(new webAssembly.Module(bytes), imports);
  const memory = instance.exports['memory'] as { buffer: ArrayBuffer };
  const exported = (name: string): number => (instance.exports[name] as { value: number }).value;
  const layout: Layout = {
    result: exported('RESULT'),
    config: exported('CONFIG'),
    configNameSlot: exported('CONFIG_NAME_SLOT'),
    maxFields: exported('MAX_FIELDS'),
    chunk: exported('IN_BASE'),
    line: exported('LINE_BASE'),
  };
  heap = Buffer.from(memory.buffer);
  loaded = {
    exports: instance.exports as unknown as CanonicalModule,
    layout,
    heap,
    results: new Int32Array(memory.buffer, layout.result, R_FIELDS + 3 * layout.maxFields),
    config: new Int32Array(memory.buffer, layout.config, (layout.configNameSlot * (layout.maxFields + 1)) / 4),
  };
  return loaded;
}

/**
 * A buffer in the module's memory to read file chunks into (at most `length` bytes): lines
 * canonicalized from it are read in place, without a copy per line. It stays valid for the process.
 */
export function canonicalChunkBuffer(length: number): Buffer {
  const { heap, layout } = load();
  if (length > layout.line - layout.chunk - 1) throw new RangeError(`chunk of ${length} bytes is over the canonicalizer's ${layout.line - layout.chunk - 1}`);
  return heap.subarray(layout.chunk, layout.chunk + length);
}

let removeKeyText: string | null = null;
let fieldNames: readonly string[] = [];

/** Writes a name into the module's config at byte offset `at` (length, then bytes); false when it does not fit. */
function writeName(module: Loaded, at: number, name: string): boolean {
  if (!isPlainAsciiName(name) || name.length > module.layout.configNameSlot - 8) return false;
  module.config[at / 4] = name.length;
  module.heap.write(name, module.layout.config + at + 4, 'latin1');
  return true;
}

/** Sets the removed key and requested fields when they changed; false when the fast path cannot take them. */
function configure(module: Loaded, key: string, fields: readonly string[]): boolean {
  if (key === removeKeyText && sameNames(fields, fieldNames)) return true;
  removeKeyText = null;
  if (fields.length > module.layout.maxFields || !writeName(module, 4, key)) return false;
  for (let f = 0; f < fields.length; f++) if (!writeName(module, module.layout.configNameSlot * (f + 1), fields[f] as string)) return false;
  module.config[0] = fields.length;
  module.exports.resetOrders();
  removeKeyText = key;
  fieldNames = [...fields];
  return true;
}

/**
 * The canonical python-json bytes of the top-level object in `line` without `key`, plus that
 * key's string value; null when the fast path cannot vouch for the answer (use the slow path).
 */
export function canonicalWithout(line: Buffer, key: string, options: CanonicalWithoutOptions = {}): CanonicalWithout | null {
  const fields = options.fields ?? NO_FIELDS;
  if (!scanCanonical(line, 0, line.length, key, fields)) return null;
  const view = scannedCanonical();
  const removed = scannedRemoved();
  const values: Array<string | null | typeof NOT_A_STRING> = [];
  for (let f = 0; f < fields.length; f++) values.push(fields[f] === key ? removed : scannedField(f));
  return { canonical: options.reuseBuffer ? view : Buffer.from(view), removed, fields: values };
}

/** The module that answered the last scanCanonical (set only when it succeeded). */
let scanned: Loaded | null = null;

/**
 * canonicalWithout of bytes[start, end), for hot loops: no object per line. True when the fast path vouches
 * for the line, whose answer the scanned* functions then read until the next call.
 */
export function scanCanonical(bytes: Buffer, start: number, end: number, key: string, fields: readonly string[]): boolean {
  const module = load();
  scanned = null;
  if (!configure(module, key, fields)) return false;
  const length = end - start;
  if (length > MAX_LINE_BYTES) return false;
  const { heap, layout } = module;
  let at: number;
  if (bytes.buffer === heap.buffer && bytes.byteOffset + start >= layout.chunk && bytes.byteOffset + end < layout.line) {
    at = bytes.byteOffset + start; // already in the chunk region (canonicalChunkBuffer)
  } else {
    bytes.copy(heap, layout.line, start, end);
    at = layout.line;
  }
  if (module.exports.canonicalize(at, at + length) < 0) return false;
  scanned = module;
  return true;
}

function lastScan(): Loaded {
  if (!scanned) throw new Error('no line was canonicalized');
  return scanned;
}

/** The canonical bytes of the last scanned line: a view into the module's memory, valid until the next scan. */
export function scannedCanonical(): Buffer {
  const { heap, results } = lastScan();
  return heap.subarray(results[R_START] as number, results[R_END] as number);
}

/** The removed key's string value in the last scanned line, or null when it was absent. */
export function scannedRemoved(): string | null {
  const { heap, results } = lastScan();
  const start = results[R_REMOVED_START] as number;
  return start >= 0 ? heap.toString('latin1', start, results[R_REMOVED_END] as number) : null;
}

/** Requested field f of the last scanned line: its string, null when absent, NOT_A_STRING for another type. */
export function scannedField(f: number): string | null | typeof NOT_A_STRING {
  const { heap, results } = lastScan();
  const start = results[R_FIELDS + 3 * f] as number;
  if (start < 0) return null;
  const end = results[R_FIELDS + 3 * f + 1] as number;
  if (heap[start] !== QUOTE) return NOT_A_STRING;
  if (results[R_FIELDS + 3 * f + 2] === 1) return heap.toString('latin1', start + 1, end - 1);
  // Escapes, raw UTF-8 or DEL: JSON.parse decodes validated JSON strings exactly (lone surrogates included).
  return JSON.parse(heap.toString('utf8', start, end)) as string;
}

/** Requested field f of the last scanned line is the string `text` (compared in place: no string is made). */
export function scannedFieldIs(f: number, text: string): boolean {
  const { heap, results } = lastScan();
  const start = results[R_FIELDS + 3 * f] as number;
  if (start < 0 || results[R_FIELDS + 3 * f + 2] !== 1) return scannedField(f) === text;
  const end = results[R_FIELDS + 3 * f + 1] as number;
  if (end - start - 2 !== text.length) return false;
  for (let k = 0; k < text.length; k++) if (heap[start + 1 + k] !== text.charCodeAt(k)) return false;
  return true;
}

const NO_FIELDS: readonly string[] = [];

/** Names the fast path can match byte for byte: printable ASCII without quote or backslash. */
function isPlainAsciiName(name: string): boolean {
  for (let k = 0; k < name.length; k++) {
    const c = name.charCodeAt(k);
    if (c < 0x20 || c >= 0x7f || c === QUOTE || c === 0x5c) return false;
  }
  return true;
}

function sameNames(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return false;
  return true;
}
