/**
 * The value model for JSON as CPython's `json` module sees it.
 *
 * Python distinguishes int from float, and dict keeps insertion order with plain string keys,
 * so a JS object (prototype keys, integer-like keys reordered) or a JS number (no int/float
 * distinction, no big ints) would lose exactly the information a byte-exact hash depends on.
 *   - Python int   ↔ bigint (always, any size)
 *   - Python float ↔ number (including NaN, ±Infinity and -0)
 *   - Python dict  ↔ Map<string, PyValue> in insertion order
 *   - Python list  ↔ PyValue[]
 */
export type PyValue = null | boolean | string | bigint | number | PyValue[] | PyObject;
export type PyObject = Map<string, PyValue>;

export function isPyObject(value: PyValue | undefined): value is PyObject {
  return value instanceof Map;
}

export function isPyList(value: PyValue | undefined): value is PyValue[] {
  return Array.isArray(value);
}

/** Python int or float as a JS number (big ints lose precision beyond 2^53); undefined otherwise. */
export function toNumber(value: PyValue | undefined): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  return undefined;
}

/** The string at `key`, or undefined when absent or not a string. */
export function getStr(obj: PyObject, key: string): string | undefined {
  const value = obj.get(key);
  return typeof value === 'string' ? value : undefined;
}

/** The int or float at `key` as a number, or undefined when absent or not numeric (booleans are not numbers here). */
export function getNum(obj: PyObject, key: string): number | undefined {
  return toNumber(obj.get(key));
}

/** The int at `key` (bigint), or undefined when absent or not an int. */
export function getInt(obj: PyObject, key: string): bigint | undefined {
  const value = obj.get(key);
  return typeof value === 'bigint' ? value : undefined;
}

/** The boolean at `key`, or undefined when absent or not a boolean. */
export function getBool(obj: PyObject, key: string): boolean | undefined {
  const value = obj.get(key);
  return typeof value === 'boolean' ? value : undefined;
}

/** The object at `key`, or undefined when absent or not an object. */
export function getObj(obj: PyObject, key: string): PyObject | undefined {
  const value = obj.get(key);
  return value instanceof Map ? value : undefined;
}

/** The list at `key`, or undefined when absent or not a list. */
export function getList(obj: PyObject, key: string): PyValue[] | undefined {
  const value = obj.get(key);
  return Array.isArray(value) ? value : undefined;
}

/** Builds a PyObject from entries in order (later duplicates overwrite the value but keep the first position, like a dict). */
export function pyObject(entries: Iterable<readonly [string, PyValue]>): PyObject {
  const obj: PyObject = new Map();
  for (const [key, value] of entries) obj.set(key, value);
  return obj;
}

/** A shallow copy of `obj` without `key` (insertion order preserved). */
export function withoutKey(obj: PyObject, key: string): PyObject {
  const copy: PyObject = new Map(obj);
  copy.delete(key);
  return copy;
}

/** A short Python type name for error messages: 'int', 'float', 'str', 'bool', 'NoneType', 'list', 'dict'. */
export function pyTypeName(value: PyValue): string {
  if (value === null) return 'NoneType';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'string') return 'str';
  if (typeof value === 'bigint') return 'int';
  if (typeof value === 'number') return 'float';
  return Array.isArray(value) ? 'list' : 'dict';
}
