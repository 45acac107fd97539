import { parsePyJson } from '../../main/core/json/parse.js';
import { canonicalPython } from '../../main/core/json/python-dumps.js';
const line = '{"timestamp": "2026-01-05T10:00:00.123456", "conversation_id": "conv_1", "turn_number": 3, "user_id": "u1", "tool_name": "get_patient_record", "arguments": {"patient_id": "P-12345", "fields": ["name", "dob"]}, "result_summary": {"success": true}, "duration_ms": 145.23, "model": "gpt-4.1", "success": true, "session_metadata": {"user_role": "nurse", "client_ip": "10.0.0.1", "user_agent": null}, "_previous_hash": "genesis", "_hash": "ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12"}';
function bench(name: string, f: () => unknown) {
  for (let i = 0; i < 20000; i++) f();
  const n = 100000; const t = process.hrtime.bigint();
  for (let i = 0; i < n; i++) f();
  console.log(name, (Number(process.hrtime.bigint() - t) / n / 1000).toFixed(2), 'µs');
}
const v = parsePyJson(line).value;
bench('JSON.parse', () => JSON.parse(line));
bench('parsePyJson', () => parsePyJson(line));
bench('canonicalPython', () => canonicalPython(v));
bench('JSON.stringify', () => JSON.stringify(JSON.parse(line)));
