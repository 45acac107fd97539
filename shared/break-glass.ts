/**
 * Which fields and values mark an entry as break-the-glass (emergency) access. Field names are
 * compared exactly; values case-insensitively. Containers are the objects searched besides the
 * top level ("" is the top level itself).
 */
export interface BreakGlassConfig {
  /** Objects searched for the fields below, as dot paths; "" is the entry's top level. */
  containers: string[];
  /** Boolean flags that mean break-the-glass when true (true, 1, "true", "yes"). */
  flagFields: string[];
  /** Purpose fields whose value may name emergency access. */
  purposeFields: string[];
  purposeValues: string[];
  /** Urgency or priority fields and the values that count as elevated. */
  urgencyFields: string[];
  urgencyValues: string[];
  /**
   * Boolean fields such as `urgent` that ask for prompt handling. They do not by themselves mean
   * the user overrode access controls (selectools scheduling calls carry `"urgent": true`
   * routinely), so they count only when `countUrgentFlags` is on.
   */
  urgentFlagFields: string[];
  countUrgentFlags: boolean;
  /** FHIR purposeOfEvent / agent.purposeOfUse codes meaning break-the-glass. */
  fhirPurposeCodes: string[];
}

export const DEFAULT_BREAK_GLASS_CONFIG: BreakGlassConfig = {
  containers: ['', 'session_metadata', 'arguments', 'arguments_sanitized', 'tool_args', 'context'],
  flagFields: ['break_the_glass', 'break_glass', 'btg', 'emergency_access', 'emergency_override'],
  purposeFields: ['purpose', 'access_purpose'],
  purposeValues: ['emergency', 'break_the_glass', 'break-the-glass', 'btg', 'emergency_access'],
  urgencyFields: ['urgency', 'priority'],
  urgencyValues: ['emergency', 'critical', 'stat', 'high'],
  urgentFlagFields: ['urgent'],
  countUrgentFlags: false,
  fhirPurposeCodes: ['BTG'],
};
