/**
 * Custos integrity engine: verification of audit archives, for the CLI, the store and live tail.
 *
 * ## Whole archives — `scanArchive(paths, options): Promise<ScanResult>`
 * `paths` are files and/or folders (walked recursively; `.jsonl`, `.ndjson`, `.log`, each optionally
 * `.gz`; names ordered so daily files run in date order). Every file is opened read-only and streamed
 * (memory stays bounded whatever the file or line size). Per file the format is detected from the
 * first parseable entry (or forced with `options.format`; `options.mapping` reads files as generic),
 * each line is decoded, parsed like CPython's `json.loads`, and its hash chain verified byte-exactly.
 * The result is the shared `VerifyReport` (files, findings, verdict) plus `anchored`.
 *
 * Callbacks, all optional and awaited in file order:
 * - `onFileStart(file)` before a file's first record; `onFileDone(report)` once all files are linked
 *   (chain status final).
 * - `onRecord({ value, format, location, lineSha256 })` for every parsed entry of a file whose format
 *   is known. `value` is the PyObject (ints bigint, dicts Map); `location` is file, 1-based line, byte
 *   offset and byte length in the decompressed stream (line bytes exclude `\n`/`\r\n` and a BOM);
 *   `lineSha256` is sha256 hex of exactly those bytes, to re-check a line re-read from disk.
 * - `onFinding(finding)` as soon as a finding is known (cross-file and anchor findings come last).
 * - `onProgress({ file, bytesRead, bytesTotal, archiveBytesRead, archiveBytesTotal, entries, findings })`.
 * - `signal`: aborting rejects with an Error named "AbortError".
 * Anchors: `expectHead` / `expectLines` add anchor-mismatch findings and confirm completeness.
 * `parallel` (a ParallelVerifier such as main/worker/verify-pool.ts) verifies big uncompressed
 * chained files on several threads; it is ignored when `onRecord` is given.
 *
 * ## Incremental — `ChainVerifier` (live tail, resumed files)
 * `new ChainVerifier(file, spec, firstRule)` then `accept(linkRecordOf(value, spec, line), byteEnd)`
 * per entry (returns findings) and `interrupt(line, byteEnd)` for an unparseable line. `position`
 * ({ lastHash, headHash, lastLine, entries, byteOffset }) is plain data: persist it, and later pass
 * `{ kind: 'resume', position }` to continue verifying exactly where it stopped. `FileVerifier` wraps
 * it with decoding, parsing, format detection and time-order checks for raw lines (`RawLine` from
 * `LineSplitter`, which also holds a partial last line until its newline arrives).
 *
 * ## Verdicts — `computeVerdict(files, findings, { sealed, anchored })`
 * Integrity (intact | broken | unchained) and completeness (confirmed | unconfirmed | incomplete),
 * with plain-language reasons. Recompute it after adding findings (e.g. seal findings).
 */
export { scanArchive } from './scan.js';
export type { ScanOptions, ScanResult, ScannedRecord, ScanProgress, ParallelVerifier } from './scan.js';
export { ChainVerifier } from './chain-verifier.js';
export type { ChainPosition, FirstLinkRule, LinkRecord } from './chain-verifier.js';
export { FileVerifier, linkRecordOf, makeFinding } from './file-verifier.js';
export type { VerifiedSpan, LineOutcome, FileVerifierOptions, TimePoint } from './file-verifier.js';
export { computeVerdict } from './verdict.js';
export type { AnchorState } from './verdict.js';
export { checkAnchors, hasAnchor } from './anchors.js';
export type { AnchorExpectation } from './anchors.js';
export { checkSeries, dateOfName } from './series.js';
export { mergeSpans } from './merge-spans.js';
export { verifyRange, splitAtLines, splitGuided } from './range-verify.js';
export type { RangeRequest } from './range-verify.js';
export { LineSplitter } from '../reader/line-splitter.js';
export type { RawLine } from '../reader/line-splitter.js';
export { collectArchiveFiles } from '../reader/archive-files.js';
export type { ArchiveFile } from '../reader/archive-files.js';
export { chainSpecFor, CHAINED_SPEC, HIPAA_SPEC } from '../formats/chain-spec.js';
export type { ChainSpec } from '../formats/chain-spec.js';
export { detectFormat } from '../formats/detect.js';
