/** Event names the selectools AuditLogger writes (v1.3; ../shared/seeds/selectools-audit-logging.txt). */
export const SELECTOOLS_EVENTS = [
  'run_start',
  'run_end',
  'tool_start',
  'tool_end',
  'tool_error',
  'llm_end',
  'policy_decision',
  'guardrail_triggered',
  'error',
] as const;

const KNOWN_EVENTS: ReadonlySet<string> = new Set(SELECTOOLS_EVENTS);

export function isSelectoolsEvent(event: string): boolean {
  return KNOWN_EVENTS.has(event);
}
