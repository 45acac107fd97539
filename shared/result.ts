/** Every backend answer crosses a boundary as a Result: errors are values, never thrown across IPC. */
export type ErrorCode =
  | 'invalid-request'
  | 'unknown-channel'
  | 'not-found'
  | 'io'
  | 'parse'
  | 'cancelled'
  | 'unsupported'
  | 'forbidden'
  | 'internal';

export interface ErrorInfo {
  code: ErrorCode;
  message: string;
  /** Evidence location the error is about, when there is one. */
  file?: string;
  line?: number;
  /** What the user can do about it. */
  hint?: string;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ErrorInfo };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail<T = never>(code: ErrorCode, message: string, extra: Omit<ErrorInfo, 'code' | 'message'> = {}): Result<T> {
  return { ok: false, error: { code, message, ...extra } };
}
