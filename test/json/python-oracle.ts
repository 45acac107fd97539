/**
 * Runs many JSON texts through CPython in ONE python3 process and returns its answers, so
 * property tests can compare hundreds of generated cases byte for byte against the reference.
 * Texts travel as ensure_ascii JSON strings (one per line) so lone surrogates and control
 * characters survive the pipe unchanged.
 */
import { spawnSync } from 'node:child_process';

export type PythonOp =
  | { op: 'dumps'; sortKeys?: boolean; ensureAscii?: boolean; separators?: [string, string]; withoutKey?: string }
  | { op: 'str' }
  | { op: 'loads' };

export type PythonAnswer = { ok: true; text: string } | { ok: false; error: string };

const SCRIPT = String.raw`
import json, sys
out = sys.stdout
for line in sys.stdin:
    op, text, opts = json.loads(line)
    try:
        value = json.loads(text)
        if op == 'dumps':
            if opts.get('withoutKey') is not None:
                value.pop(opts['withoutKey'], None)
            seps = tuple(opts['separators']) if opts.get('separators') else None
            result = json.dumps(value, sort_keys=opts.get('sortKeys', False), ensure_ascii=opts.get('ensureAscii', True), separators=seps, default=str)
        elif op == 'str':
            result = str(value)
        else:
            result = ''
        answer = ['ok', result]
    except Exception as e:
        answer = ['err', type(e).__name__ + ': ' + str(e)]
    out.write(json.dumps(answer) + '\n')
`;

export function askPython(requests: ReadonlyArray<{ text: string; op: PythonOp }>): PythonAnswer[] {
  const input = requests.map(({ text, op }) => JSON.stringify([op.op, text, op])).join('\n') + '\n';
  const run = spawnSync('python3', ['-c', SCRIPT], { input, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (run.status !== 0) throw new Error(`python3 failed (${run.status}): ${run.stderr}`);
  const lines = run.stdout.split('\n').filter((l) => l.length > 0);
  if (lines.length !== requests.length) throw new Error(`python3 answered ${lines.length} of ${requests.length}`);
  return lines.map((line) => {
    const [status, payload] = JSON.parse(line) as [string, string];
    return status === 'ok' ? { ok: true, text: payload } : { ok: false, error: payload };
  });
}

export interface Mismatch {
  text: string;
  ours: string;
  python: string;
}

/**
 * Runs `ours` and CPython on every text; returns the cases where they disagree. When Python
 * rejects a text, `ours` must throw (and vice versa); when both accept, the outputs must be equal.
 */
export function compareWithPython(texts: readonly string[], op: PythonOp, ours: (text: string) => string): Mismatch[] {
  const answers = askPython(texts.map((text) => ({ text, op })));
  const mismatches: Mismatch[] = [];
  texts.forEach((text, i) => {
    const answer = answers[i]!;
    let mine: PythonAnswer;
    try {
      mine = { ok: true, text: ours(text) };
    } catch (e) {
      mine = { ok: false, error: (e as Error).message };
    }
    const same = answer.ok && mine.ok ? answer.text === mine.text : answer.ok === mine.ok;
    if (!same) {
      mismatches.push({
        text,
        ours: mine.ok ? mine.text : `THROWS ${mine.error}`,
        python: answer.ok ? answer.text : `REJECTS ${answer.error}`,
      });
    }
  });
  return mismatches;
}

/** A random seed per run, printed with any failure so it can be replayed with CUSTOS_FC_SEED. */
export function propertySeed(): number {
  const fromEnv = process.env['CUSTOS_FC_SEED'];
  return fromEnv !== undefined ? Number(fromEnv) : Math.floor(Math.random() * 2 ** 31);
}

/** Case counts for property tests, scaled by CUSTOS_FUZZ_SCALE for deeper runs (e.g. 50). */
export function propertyRuns(base: number): number {
  const scale = Number(process.env['CUSTOS_FUZZ_SCALE'] ?? 1);
  return Math.max(1, Math.round(base * (Number.isFinite(scale) && scale > 0 ? scale : 1)));
}
