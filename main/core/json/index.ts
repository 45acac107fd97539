/** Python-compatible JSON: one import for the whole API (see each module for the details). */
export { MAX_LINE_BYTES, NOT_A_STRING, canonicalWithout, type CanonicalWithout, type CanonicalWithoutOptions } from './fast-canonical.js';
export { pythonFloatRepr, pythonJsonFloat } from './float-repr.js';
export { JcsError, jcsCanonicalize } from './jcs.js';
export { compareCodePoints, compareUtf16Units } from './key-order.js';
export { DEFAULT_MAX_DEPTH, JsonSyntaxError, PYTHON_INT_MAX_STR_DIGITS, parsePyJson, type ParseOptions, type ParseResult } from './parse.js';
export { canonicalPython, pythonDumps, pythonJsonStringAscii, pythonJsonStringUnicode, sortedPythonKeys, type PythonDumpsOptions } from './python-dumps.js';
export { isPythonPrintable, pythonRepr, pythonStr, pythonStrRepr } from './python-str.js';
export * from './py-value.js';
