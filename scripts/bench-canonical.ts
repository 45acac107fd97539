/**
 * Micro-benchmark of the hash-chain hot loop on chained-format lines (as `json.dumps(entry)`
 * writes them): the generic path (parse + json.dumps(sort_keys=True)) against the single-pass
 * fast path, with sha256 of the raw line as the reference measured in the same run.
 *
 *   npm run bench:canonical            (100,000 lines; BENCH_LINES=N to change)
 */
import { createHash, hash } from 'node:crypto';
import { canonicalWithout } from '../main/core/json/fast-canonical.js';
import { parsePyJson } from '../main/core/json/parse.js';
import { canonicalPython, pythonDumps } from '../main/core/json/python-dumps.js';
import { pyObject, withoutKey, type PyObject } from '../main/core/json/py-value.js';

const LINES = Number(process.env['BENCH_LINES'] ?? 100_000);
const LINK_FIELDS = ['_previous_hash', 'timestamp'];

/** Deterministic PRNG (mulberry32) so every run measures the same lines. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function makeLines(count: number): Buffer[] {
  const rand = prng(42);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)] as T;
  const lines: Buffer[] = [];
  let previous = 'genesis';
  for (let n = 0; n < count; n++) {
    const entry: PyObject = pyObject([
      ['timestamp', new Date(Date.UTC(2026, 0, 1) + n * 1537).toISOString().replace('Z', '')],
      ['conversation_id', `conv_${Math.floor(n / 7)}`],
      ['turn_number', BigInt(n % 7)],
      ['user_id', pick(['u1', 'dr_smith', 'nurse_jones', 'Zoë Müller'])],
      ['tool_name', pick(['get_patient_record', 'search_patients', 'update_medication'])],
      ['arguments', pyObject([['patient_id', `P-${Math.floor(rand() * 100000)}`], ...(rand() < 0.3 ? [['fields', ['name', 'dob']] as [string, string[]]] : [])])],
      ['result_summary', pyObject([['success', rand() < 0.95]])],
      ['duration_ms', Math.round(rand() * 100000) / 100],
      ['model', 'gpt-4.1'],
      ['success', true],
      ['session_metadata', pyObject([['user_role', pick(['nurse', 'doctor', 'admin'])], ['client_ip', '10.0.0.1'], ['user_agent', null]])],
      ['_previous_hash', previous],
    ]);
    const digest = createHash('sha256').update(canonicalPython(entry)).digest('hex');
    entry.set('_hash', digest);
    previous = digest;
    lines.push(Buffer.from(pythonDumps(entry), 'utf8'));
  }
  return lines;
}

interface Variant {
  label: string;
  lines: Buffer[];
  run: (line: Buffer) => number;
}

/**
 * Times every variant (CPU seconds) over several rounds, interleaved so that load from other
 * processes hits them alike, and keeps each variant's best pass.
 */
function measure(variants: Variant[], rounds: number): Array<{ label: string; perSecond: number; check: number }> {
  const best = variants.map(() => Infinity);
  const checks = variants.map(() => 0);
  variants.forEach((v) => {
    for (let k = 0; k < Math.min(v.lines.length, 20000); k++) v.run(v.lines[k]!); // warm up
  });
  for (let round = 0; round < rounds; round++) {
    variants.forEach((v, n) => {
      // CPU time of this process, not wall time: on a shared machine it is far less noisy.
      const start = process.cpuUsage();
      let check = 0;
      for (const line of v.lines) check += v.run(line);
      const used = process.cpuUsage(start);
      best[n] = Math.min(best[n]!, (used.user + used.system) / 1e6);
      checks[n] = check;
    });
  }
  return variants.map((v, n) => ({ label: v.label, perSecond: v.lines.length / best[n]!, check: checks[n]! }));
}

const lines = makeLines(LINES);
const bytes = lines.reduce((sum, line) => sum + line.length, 0);
console.log(`${LINES} chained-format lines, ${(bytes / LINES).toFixed(0)} bytes/line average`);

const sortedLines = lines.map((line) => Buffer.from(pythonDumps(parsePyJson(line.toString('utf8')).value, { sortKeys: true }), 'utf8'));

const results = measure(
  [
    // One-shot crypto.hash, as the verifier hashes (createHash per line costs more than the hashing).
    { label: 'sha256(raw line) [reference]', lines, run: (line) => hash('sha256', line, 'hex').length },
    {
      label: 'generic: parse + json.dumps(sort_keys)',
      lines,
      run: (line) => {
        const value = parsePyJson(line.toString('utf8')).value as PyObject;
        return Buffer.from(canonicalPython(withoutKey(value, '_hash')), 'utf8').length;
      },
    },
    { label: 'fast: canonicalWithout', lines, run: (line) => canonicalWithout(line, '_hash', { reuseBuffer: true })?.canonical.length ?? -1e9 },
    { label: 'fast: canonicalWithout, sort_keys lines', lines: sortedLines, run: (line) => canonicalWithout(line, '_hash', { reuseBuffer: true })?.canonical.length ?? -1e9 },
    {
      label: 'fast + link/time fields + sha256 (verify loop)',
      lines,
      run: (line) => {
        const r = canonicalWithout(line, '_hash', { reuseBuffer: true, fields: LINK_FIELDS });
        return r === null ? -1e9 : hash('sha256', r.canonical, 'hex').length;
      },
    },
  ],
  Number(process.env['BENCH_ROUNDS'] ?? 5),
);

if (results[1]!.check !== results[2]!.check) throw new Error('fast path and generic path disagree on output sizes');
for (const r of results) console.log(`${r.label.padEnd(48)} ${Math.round(r.perSecond).toLocaleString('en-US').padStart(12)} lines/CPU-s  ${(1e6 / r.perSecond).toFixed(2).padStart(7)} µs/line`);
const [reference, generic, fast, , fastHash] = results as Array<(typeof results)[0]> as [(typeof results)[0], (typeof results)[0], (typeof results)[0], (typeof results)[0], (typeof results)[0]];
console.log(`fast path speed-up over generic: ${(fast.perSecond / generic.perSecond).toFixed(1)}x`);
console.log(`fast+sha256 cost relative to sha256 of the raw line: ${(reference.perSecond / fastHash.perSecond).toFixed(2)}x`);
