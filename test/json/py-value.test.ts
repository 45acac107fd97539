import { describe, expect, it } from 'vitest';
import { parsePyJson } from '../../main/core/json/parse.js';
import { getBool, getInt, getList, getNum, getObj, getStr, pyObject, pyTypeName, toNumber, withoutKey, type PyObject } from '../../main/core/json/py-value.js';

describe('PyValue accessors', () => {
  const entry = parsePyJson('{"s": "x", "i": 12345678901234567890, "f": 1.5, "b": true, "n": null, "o": {"k": 1}, "l": [1]}').value as PyObject;

  it('return a value only when the type matches', () => {
    expect(getStr(entry, 's')).toBe('x');
    expect(getStr(entry, 'i')).toBeUndefined();
    expect(getInt(entry, 'i')).toBe(12345678901234567890n);
    expect(getInt(entry, 'f')).toBeUndefined();
    expect(getNum(entry, 'f')).toBe(1.5);
    expect(getNum(entry, 'i')).toBe(12345678901234567000);
    expect(getNum(entry, 'b')).toBeUndefined(); // bool is not a number here, unlike Python's bool ⊂ int
    expect(getBool(entry, 'b')).toBe(true);
    expect(getObj(entry, 'o')?.get('k')).toBe(1n);
    expect(getList(entry, 'l')).toEqual([1n]);
    expect(getStr(entry, 'missing')).toBeUndefined();
    expect(toNumber('1')).toBeUndefined();
  });

  it('name Python types and copy without a key, keeping order', () => {
    expect(['s', 'i', 'f', 'b', 'n', 'o', 'l'].map((k) => pyTypeName(entry.get(k)!))).toEqual(['str', 'int', 'float', 'bool', 'NoneType', 'dict', 'list']);
    expect([...withoutKey(entry, 'f').keys()]).toEqual(['s', 'i', 'b', 'n', 'o', 'l']);
    expect(entry.has('f')).toBe(true);
    expect([...pyObject([['b', 1n], ['a', 2n], ['b', 3n]]).entries()]).toEqual([['b', 3n], ['a', 2n]]);
  });
});
