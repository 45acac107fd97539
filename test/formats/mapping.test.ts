import { mkdtempSync, writeFileSync, statSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getAtPath, loadMapping, MappingError, splitFieldPath } from '../../main/core/formats/mapping.js';
import { parsePyJson } from '../../main/core/json/parse.js';

const dir = mkdtempSync(join(tmpdir(), 'custos-mapping-'));

function writeMapping(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return path;
}

async function rejection(path: string): Promise<MappingError> {
  try {
    await loadMapping(path);
  } catch (error) {
    expect(error).toBeInstanceOf(MappingError);
    return error as MappingError;
  }
  throw new Error(`${path} was accepted`);
}

describe('loadMapping', () => {
  it('loads a complete mapping with a chain spec', async () => {
    const content = {
      fields: {
        timestamp: 'event.time',
        user: 'actor.id',
        role: 'actor.role',
        patient: 'subject.patient_id',
        tool: 'action',
        purpose: 'context.purpose',
        outcome: 'result.status',
        duration: 'metrics.elapsed_ms',
        conversation: 'session',
        model: 'llm.model',
      },
      successValues: ['OK', 200, true],
      chain: { hashField: 'h', previousHashField: 'prev', genesis: '0'.repeat(64), covered: 'all-but-hash', canonical: 'jcs' },
    };
    const path = writeMapping('good.json', content);
    const before = statSync(path).mtimeMs;
    await expect(loadMapping(path)).resolves.toEqual(content);
    expect(statSync(path).mtimeMs).toBe(before);
    expect(readFileSync(path, 'utf8')).toBe(JSON.stringify(content, null, 2));
  });

  it('accepts a minimal mapping (only the timestamp is required) and a $schema hint', async () => {
    const path = writeMapping('minimal.json', { $schema: './mapping.schema.json', fields: { timestamp: 'ts' } });
    await expect(loadMapping(path)).resolves.toEqual({ fields: { timestamp: 'ts' } });
  });

  it('names the file and the path of a misspelled field', async () => {
    const error = await rejection(writeMapping('typo.json', { fields: { timestamp: 'ts', uesr: 'user_id' } }));
    expect(error.message).toContain('typo.json');
    expect(error.problems).toEqual(['fields.uesr: unknown field (check its spelling)']);
  });

  it('names a missing required field', async () => {
    const error = await rejection(writeMapping('no-time.json', { fields: { user: 'user_id' } }));
    expect(error.problems).toEqual(['fields.timestamp: is required']);
  });

  it('names a field of the wrong type and a malformed path', async () => {
    const error = await rejection(writeMapping('types.json', { fields: { timestamp: 'a..b', patient: 7 } }));
    expect(error.problems).toEqual([
      'fields.timestamp: field path "a..b" has an empty segment (two dots, or a leading or trailing dot)',
      'fields.patient: Invalid input: expected string, received number',
    ]);
  });

  it('names the bad entry of a list by index', async () => {
    const error = await rejection(writeMapping('success.json', { fields: { timestamp: 't' }, successValues: ['ok', null] }));
    expect(error.problems).toEqual(['successValues[1]: must be a string, true/false or a number']);
  });

  it('checks the chain spec', async () => {
    const base = { hashField: 'h', previousHashField: 'p', genesis: 'genesis', covered: 'all-but-hash', canonical: 'python-json' };
    const wrongCanonical = await rejection(writeMapping('c1.json', { fields: { timestamp: 't' }, chain: { ...base, canonical: 'sha256' } }));
    expect(wrongCanonical.problems[0]).toMatch(/^chain\.canonical: .*python-json.*jcs/);
    const selfCovering = await rejection(writeMapping('c2.json', { fields: { timestamp: 't' }, chain: { ...base, covered: ['t', 'h'] } }));
    expect(selfCovering.problems).toEqual(['chain.covered: a hash cannot cover its own field']);
    const sameFields = await rejection(writeMapping('c3.json', { fields: { timestamp: 't' }, chain: { ...base, previousHashField: 'h' } }));
    expect(sameFields.problems).toEqual(['chain.previousHashField: must differ from hashField']);
    const missing = await rejection(writeMapping('c4.json', { fields: { timestamp: 't' }, chain: { hashField: 'h' } }));
    expect(missing.problems).toContain('chain.genesis: is required');
  });

  it('rejects invalid JSON and unreadable files, naming the file', async () => {
    const broken = await rejection(writeMapping('broken.json', '{"fields": {"timestamp": "ts",}}'));
    expect(broken.message).toContain('broken.json');
    expect(broken.problems[0]).toMatch(/^not valid JSON/);
    const absent = await rejection(join(dir, 'absent.json'));
    expect(absent.message).toContain('absent.json');
    expect(absent.problems[0]).toMatch(/^cannot read the file/);
  });

  it('rejects a mapping that is not an object', async () => {
    const error = await rejection(writeMapping('list.json', '[]'));
    expect(error.problems[0]).toMatch(/^\(top level\): /);
  });
});

describe('field paths', () => {
  const value = parsePyJson('{"a": {"b": [10, {"c": "deep"}]}, "x.y": 1, "n": null}').value;

  it('walks objects and list indexes', () => {
    expect(getAtPath(value, 'a.b.1.c')).toBe('deep');
    expect(getAtPath(value, 'a.b.0')).toBe(10n);
    expect(getAtPath(value, 'n')).toBeNull();
  });

  it('returns undefined for missing steps rather than throwing', () => {
    expect(getAtPath(value, 'a.missing.c')).toBeUndefined();
    expect(getAtPath(value, 'a.b.7')).toBeUndefined();
    expect(getAtPath(value, 'a.b.c')).toBeUndefined();
    expect(getAtPath(value, 'n.x')).toBeUndefined();
  });

  it('reads keys containing dots through \\.', () => {
    expect(splitFieldPath('x\\.y')).toEqual(['x.y']);
    expect(getAtPath(value, 'x\\.y')).toBe(1n);
  });

  it('does not reach into prototypes', () => {
    expect(getAtPath(value, 'constructor')).toBeUndefined();
    expect(getAtPath(value, '__proto__')).toBeUndefined();
  });
});
