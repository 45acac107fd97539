/**
 * Live tail of a folder of audit logs (see log-tail.ts): `new LogTail({ dir, ... })`, `start()`,
 * `stop()`, events `entries`, `finding`, `alert`, `status`.
 */
export { LogTail } from './log-tail.js';
export type { LogTailOptions, LogTailEvents, TailBatch } from './log-tail.js';
export { LiveAnalyses, RULE_TITLES } from './live-analyses.js';
export type { FileChange, ReadBatch } from './followed-file.js';
export { loadResumeState, resumeStatePath } from './resume-state.js';
