import { describe, expect, it } from 'vitest';
import { LineSplitter, type RawLine } from '../../main/core/reader/line-splitter.js';

function splitAll(input: Buffer, chunkSize: number, max?: number): RawLine[] {
  const splitter = new LineSplitter(max);
  const out: RawLine[] = [];
  for (let i = 0; i < input.length; i += chunkSize) out.push(...splitter.push(input.subarray(i, i + chunkSize)));
  out.push(...splitter.end());
  return out;
}

const view = (lines: RawLine[]): Array<[number, number, number, string, boolean]> => lines.map((l) => [l.line, l.byteOffset, l.byteLength, l.bytes.toString('utf8'), l.terminated]);

describe('LineSplitter', () => {
  const input = Buffer.from('\ufeff{"a": 1}\r\n\r\n  \n{"é": "ü"}\n{"b": 2}', 'utf8');
  const expected: Array<[number, number, number, string, boolean]> = [
    [1, 3, 8, '{"a": 1}', true],
    [4, 18, 12, '{"é": "ü"}', true],
    [5, 31, 8, '{"b": 2}', false],
  ];

  it('strips a BOM and CRLF, skips blank lines but counts them, keeps byte offsets and lengths', () => {
    expect(view(splitAll(input, input.length))).toEqual(expected);
  });

  it('gives the same lines whatever the chunk boundaries', () => {
    for (let size = 1; size <= input.length; size++) expect(view(splitAll(input, size)), `chunk ${size}`).toEqual(expected);
  });

  it('pushEach gives the same lines as push, as chunk ranges or RawLines, whatever the chunk boundaries', () => {
    const long = Buffer.from(`\ufeff{"a": 1}\r\n \t\r\n${'x'.repeat(60)}\n{"b": 2}\n\n{"c":\r\n{"d": 4}`, 'utf8');
    for (const max of [50, 1000]) {
      const expectedLines = view(splitAll(long, long.length, max)).map(([line, offset, length, text, terminated]) => [line, offset, length, text, terminated]);
      for (let size = 1; size <= long.length; size++) {
        const splitter = new LineSplitter(max);
        const got: Array<[number, number, number, string, boolean]> = [];
        for (let i = 0; i < long.length; i += size) {
          // The chunk buffer is reused: a visitor must copy what it keeps.
          const chunk = Buffer.from(long.subarray(i, i + size));
          splitter.pushEach(
            chunk,
            (bytes, start, end, line, offset) => got.push([line, offset, end - start, bytes.toString('utf8', start, end), true]),
            (raw) => got.push([raw.line, raw.byteOffset, raw.byteLength, raw.bytes.toString('utf8'), raw.terminated]),
          );
          chunk.fill(0x21);
        }
        for (const raw of splitter.end()) got.push([raw.line, raw.byteOffset, raw.byteLength, raw.bytes.toString('utf8'), raw.terminated]);
        expect(got, `chunk ${size}, max ${max}`).toEqual(expectedLines);
      }
    }
  });

  it('offsets point at the line bytes in the stream', () => {
    for (const line of splitAll(input, 4)) expect(input.subarray(line.byteOffset, line.byteOffset + line.byteLength).equals(line.bytes)).toBe(true);
  });

  it('reports an over-long line without keeping it, and continues after it', () => {
    const long = Buffer.from(`${'x'.repeat(100)}\n{"ok": 1}\n`);
    const lines = splitAll(long, 7, 50);
    expect(lines.map((l) => [l.line, l.tooLong, l.byteLength, l.bytes.length])).toEqual([
      [1, true, 100, 0],
      [2, false, 9, 0 + 9],
    ]);
    expect(lines[1]?.byteOffset).toBe(101);
  });

  it('holds a partial last line until its newline arrives (live tail)', () => {
    const splitter = new LineSplitter();
    expect(splitter.push(Buffer.from('{"a": 1}\n{"b"'))).toHaveLength(1);
    expect(splitter.pendingBytes).toBe(4);
    const rest = splitter.push(Buffer.from(': 2}\n'));
    expect(rest.map((l) => [l.line, l.bytes.toString()])).toEqual([[2, '{"b": 2}']]);
  });

  it('does not treat a BOM-like sequence after the start as a BOM', () => {
    const splitter = new LineSplitter(undefined, 100, 1);
    const lines = [...splitter.push(Buffer.from('\ufeffx\n', 'utf8'))];
    expect(lines[0]?.bytes.length).toBe(4);
  });
});
