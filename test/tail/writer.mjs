// A separate writer process for the live-tail tests and bench: appends chained audit entries
// (the lesson's ImmutableAuditLog: _hash = sha256(json.dumps(entry without _hash, sort_keys=True)))
// to daily files audit-YYYY-MM-DD.jsonl, continuing the chain of whatever the folder already holds.
//
//   node writer.mjs DIR PLAN.json
//
// PLAN is a list of steps, run in order:
//   { "append": { "day": "2026-03-01", "count": 5, "user": "dr_a", "patient": "P1", "startMs": 0, "stepMs": 1000,
//                 "tool": "access_patient_record", "role": "physician", "purpose": "treatment" } }
//   { "partial": { "day": ..., same fields, "count": 1, "pauseMs": 300 } }  one line written in two parts
//   { "rate": { "perSecond": 1000, "seconds": 60, "days": ["2026-03-01", "2026-03-02"] } }  steady stream; the
//        day switches halfway (a rotation at midnight); each entry carries its write time in arguments.written_at_ms
//   { "crash": { "day": ..., same fields } }  writes half a line and exits at once (a writer crashing mid-line)
//   { "sleep": 200 }
// On stdout: one JSON line per step done ({"done": i, "written": n}) and {"finished": true, "written": total}.
import { createHash } from 'node:crypto';
import { appendFileSync, closeSync, existsSync, fsyncSync, openSync, readdirSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';

const [dir, planPath] = process.argv.slice(2);
const plan = JSON.parse(readFileSync(planPath, 'utf8'));

function pyDumps(value) {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(pyDumps).join(', ')}]`;
  return `{${Object.keys(value)
    .sort()
    .map((k) => `${JSON.stringify(k)}: ${pyDumps(value[k])}`)
    .join(', ')}}`;
}

function lastHashInFolder() {
  if (!existsSync(dir)) return 'genesis';
  const files = readdirSync(dir).filter((n) => /^audit-\d{4}-\d{2}-\d{2}\.jsonl$/.test(n)).sort();
  for (let i = files.length - 1; i >= 0; i--) {
    const lines = readFileSync(join(dir, files[i]), 'utf8').split('\n').filter((l) => l.trim() !== '');
    for (let j = lines.length - 1; j >= 0; j--) {
      try {
        return JSON.parse(lines[j])._hash;
      } catch {
        // a cut line: look further back
      }
    }
  }
  return 'genesis';
}

let previous = lastHashInFolder();
let sequence = 0;
let written = 0;

function entryLine(spec, index, timeMs) {
  const entry = {
    timestamp: new Date(timeMs).toISOString().replace('Z', '+00:00'),
    user_id: spec.user ?? 'dr_a',
    tool_name: spec.tool ?? 'access_patient_record',
    arguments: { patient_id: spec.patient ?? `P${(sequence % 5000) + 1}` },
    success: true,
    duration_ms: 12,
    conversation_id: `conv-${spec.user ?? 'w'}-${Math.floor(sequence / 50)}`,
    session_metadata: { user_role: spec.role ?? 'physician', access_purpose: spec.purpose ?? 'treatment' },
    seq: sequence++,
  };
  if (spec.breakGlass) entry.arguments.break_the_glass = true;
  if (spec.writtenAt) entry.arguments.written_at_ms = Date.now();
  entry._previous_hash = previous;
  entry._hash = createHash('sha256').update(pyDumps(entry)).digest('hex');
  previous = entry._hash;
  return JSON.stringify(entry).replace(/","/g, '", "').replace(/":/g, '": ');
}

function fileOf(day) {
  return join(dir, `audit-${day}.jsonl`);
}

function timeOf(spec, i) {
  const base = spec.startMs ?? Date.parse(`${spec.day}T10:00:00Z`);
  return base + i * (spec.stepMs ?? 1000);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

for (let step = 0; step < plan.length; step++) {
  const s = plan[step];
  if (s.append) {
    const lines = [];
    for (let i = 0; i < s.append.count; i++) lines.push(entryLine(s.append, i, timeOf(s.append, i)) + '\n');
    appendFileSync(fileOf(s.append.day), lines.join(''));
    written += s.append.count;
  } else if (s.partial) {
    const line = entryLine(s.partial, 0, timeOf(s.partial, 0)) + '\n';
    const cut = Math.floor(line.length / 2);
    const fd = openSync(fileOf(s.partial.day), 'a');
    writeSync(fd, line.slice(0, cut));
    fsyncSync(fd);
    await sleep(s.partial.pauseMs ?? 300);
    writeSync(fd, line.slice(cut));
    closeSync(fd);
    written += 1;
  } else if (s.crash) {
    // Dies mid-line: half of an entry, no newline, and the process is gone.
    const line = entryLine(s.crash, 0, timeOf(s.crash, 0));
    appendFileSync(fileOf(s.crash.day), line.slice(0, Math.floor(line.length / 2)));
    process.stdout.write(JSON.stringify({ crashed: true, written }) + '\n');
    process.exit(0);
  } else if (s.sleep) {
    await sleep(s.sleep);
  } else if (s.rate) {
    const { perSecond, seconds, days } = s.rate;
    const total = perSecond * seconds;
    const started = Date.now();
    const tickMs = 20;
    let done = 0;
    while (done < total) {
      const due = Math.min(total, Math.floor(((Date.now() - started) / 1000) * perSecond));
      if (due > done) {
        const dayIndex = Math.min(days.length - 1, Math.floor((done / total) * days.length));
        const day = days[dayIndex];
        const chunk = [];
        for (; done < due; done++) {
          const dayIndexNow = Math.min(days.length - 1, Math.floor((done / total) * days.length));
          if (dayIndexNow !== dayIndex) break;
          chunk.push(entryLine({ user: `user${done % 40}`, patient: `P${(done * 7919) % 20000}`, writtenAt: true }, done, Date.parse(`${day}T12:00:00Z`) + done) + '\n');
        }
        appendFileSync(fileOf(day), chunk.join(''));
        written += chunk.length;
      }
      await sleep(tickMs);
    }
  }
  process.stdout.write(JSON.stringify({ done: step, written }) + '\n');
}
process.stdout.write(JSON.stringify({ finished: true, written }) + '\n');
