/**
 * selectools `AuditLogger` events (../shared/seeds/selectools-audit-logging.txt).
 *
 * One tool call is written as several lines: policy_decision (with tool_args, no call_id),
 * tool_start (call_id, tool_args), then tool_end (call_id, duration, success — but no tool_args)
 * or tool_error. The model is only on llm_end lines. So the reader keeps state across lines:
 * the arguments of open calls by call_id, and the latest model of each run by run_id. Create one
 * reader per archive and feed its files in order, so a run that crosses midnight keeps its state.
 *
 * Which line is THE record of a call (`callRecord`): tool_end and tool_error, which carry the
 * outcome, and a denied policy_decision — a denied attempt is an access attempt that failed
 * (success false), and no tool_start follows it. tool_start, allowed/reviewed decisions, llm
 * and run events are context, so counting callRecord lines counts each call once.
 *
 * selectools records no user: `user` is null (missing attribution) unless tool_args carries a
 * user_id. Under HASHED privacy the patient is the 16-hex hash, which the patient search matches
 * by hashing the identifier it is given.
 */
import type { PrivacyLevel } from '../../../../shared/entry.js';
import { FINDING_SEVERITY, type Finding } from '../../../../shared/findings.js';
import type { PyObject, PyValue } from '../../json/py-value.js';
import { isSelectoolsEvent, SELECTOOLS_EVENTS } from '../selectools-events.js';
import { scanBreakGlass } from './break-glass.js';
import { renderText } from './field-reader.js';
import { EMPTY_FIELDS, type EntryFields, type FormatReading, type LineContext } from './types.js';

export { SELECTOOLS_EVENTS };

/** Bounds the memory of a log whose runs or calls never end (a crashed writer). */
const MAX_OPEN_ITEMS = 50_000;
const HASHED_VALUE = /^[0-9a-f]{16}$/;

interface OpenCall {
  toolArgs: PyValue;
  runId: string | null;
  tool: string | null;
  file: string;
  line: number;
}

export class SelectoolsReader {
  private readonly openCalls = new Map<string, OpenCall>();
  private readonly runModels = new Map<string, string>();

  read(ctx: LineContext): FormatReading {
    const { reader } = ctx;
    const root = reader.root as PyObject;
    const event = typeof root.get('event') === 'string' ? (root.get('event') as string) : null;
    if (event === null) reader.problems.push('event: missing, so the kind of event is unknown');
    else if (!isSelectoolsEvent(event)) reader.problems.push(`event: "${event}" is not a selectools event`);

    const runId = reader.label('run_id');
    const callId = reader.label('call_id');

    // tool_end has no tool_args: take them from the tool_start of the same call. selectools'
    // documented tool_error has no call_id: it belongs to the latest open call of its run and tool.
    const finishing = event === 'tool_end' || event === 'tool_error';
    const tool = reader.label('tool_name');
    const openKey = finishing ? (callId ?? this.latestOpenCall(runId, tool)) : null;
    const open = openKey === null ? undefined : this.openCalls.get(openKey);
    let effective: PyObject = root;
    if (finishing && !root.has('tool_args')) {
      if (open) {
        effective = new Map(root);
        effective.set('tool_args', open.toolArgs);
      } else if (callId !== null) {
        reader.problems.push(`call_id: no tool_start for call "${callId}" earlier in this archive, so its patient and arguments are unknown`);
      } else {
        reader.problems.push(`no call_id, and no open ${tool ?? 'tool'} call in run "${runId ?? '?'}" to match it with, so its patient and arguments are unknown`);
      }
    }
    const effectiveReader = effective === root ? reader : reader.withRoot(effective);

    if (event === 'llm_end' && runId !== null) {
      const model = reader.label('model');
      if (model !== null) remember(this.runModels, runId, model);
    }
    const model = event === 'llm_end' ? reader.label('model') : runId === null ? null : (this.runModels.get(runId) ?? null);

    const toolArgs = effective.get('tool_args');
    const privacy = detectPrivacy(toolArgs);
    const decision = reader.label('decision');
    const fields: EntryFields = {
      ...EMPTY_FIELDS,
      eventType: event ?? 'unknown',
      conversationId: runId,
      callId,
      model,
      tool,
      user: effectiveReader.label('tool_args.user_id', 'user_id'),
      role: effectiveReader.label('tool_args.user_role', 'user_role'),
      patient: effectiveReader.label('tool_args.patient_id', 'patient_id'),
      purpose: effectiveReader.label('tool_args.purpose', 'tool_args.access_purpose', 'purpose'),
      durationMs: reader.number('duration_ms'),
      argsText: toolArgs === undefined || toolArgs === null ? null : renderText(toolArgs),
      privacy,
      decision,
      ...outcome(event, reader.boolean('success'), decision),
      ...messages(event, reader),
    };
    scanBreakGlass(effective, ctx.config, ctx.breakGlass);

    if (event === 'tool_start' && callId !== null) {
      remember(this.openCalls, callId, { toolArgs: toolArgs ?? null, runId, tool, file: ctx.location.file, line: ctx.location.line });
    } else if (finishing && openKey !== null) {
      this.openCalls.delete(openKey);
    } else if ((event === 'run_end' || event === 'error') && runId !== null) {
      // An error event is unrecoverable: the run is over either way.
      this.runModels.delete(runId);
    }
    return { fields, time: reader.time('ts') };
  }

  /** The call id of the most recently started open call of this run and tool. */
  private latestOpenCall(runId: string | null, tool: string | null): string | null {
    let found: string | null = null;
    for (const [id, call] of this.openCalls) if (call.runId === runId && call.tool === tool) found = id;
    return found;
  }

  /** Calls that started and never reported an outcome, in the order they started. */
  unfinishedCalls(): Finding[] {
    return [...this.openCalls].map(([callId, call]) => ({
      kind: 'field-problem',
      severity: FINDING_SEVERITY['field-problem'],
      file: call.file,
      line: call.line,
      detail:
        `The ${call.tool ?? 'tool'} call "${callId}" started here but has no tool_end or tool_error in this archive: ` +
        'its outcome is unknown (the writer stopped mid-call, or those lines were removed).',
    }));
  }
}

function outcome(event: string | null, stated: boolean | null, decision: string | null): Pick<EntryFields, 'success' | 'callRecord'> {
  switch (event) {
    case 'tool_end':
      // tool_end is written "after successful tool"; trust an explicit success field when present.
      return { success: stated ?? true, callRecord: true };
    case 'tool_error':
      return { success: false, callRecord: true };
    case 'policy_decision':
      return decision?.toLowerCase() === 'deny' ? { success: false, callRecord: true } : { success: null, callRecord: false };
    case 'error':
      return { success: false, callRecord: false };
    default:
      return { success: stated, callRecord: false };
  }
}

/** Error text for failures; reasons and guardrail details as the searchable result text. */
function messages(event: string | null, reader: LineContext['reader']): Pick<EntryFields, 'error' | 'resultText'> {
  switch (event) {
    case 'tool_error':
    case 'error': {
      const message = reader.text('error');
      const type = reader.text('error_type');
      const error = type && message ? `${type}: ${message}` : (message ?? type);
      return { error, resultText: error };
    }
    case 'policy_decision':
      return { error: null, resultText: reader.text('reason') };
    case 'guardrail_triggered': {
      const parts = [reader.text('guardrail_name'), reader.text('stage'), reader.text('action'), reader.text('detail')].filter((p) => p !== null);
      return { error: null, resultText: parts.length > 0 ? parts.join(' · ') : null };
    }
    default:
      return { error: null, resultText: null };
  }
}

/** The privacy level the writer used, judged from the argument values (null when there are none). */
export function detectPrivacy(toolArgs: PyValue | undefined): PrivacyLevel | null {
  if (!(toolArgs instanceof Map)) return null;
  // NONE writes {}; a tool without parameters looks the same, so {} is read as "none".
  if (toolArgs.size === 0) return 'none';
  const values = [...toolArgs.values()];
  if (values.every((value) => value === '<redacted>')) return 'keys-only';
  if (values.every((value) => typeof value === 'string' && HASHED_VALUE.test(value))) return 'hashed';
  return 'full';
}

function remember<V>(map: Map<string, V>, key: string, value: V): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > MAX_OPEN_ITEMS) {
    const oldest = map.keys().next();
    if (!oldest.done) map.delete(oldest.value);
  }
}
