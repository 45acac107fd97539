/** Turning anything thrown inside the worker into an ErrorInfo that can cross the thread boundary. */
import type { ErrorCode, ErrorInfo } from '../../shared/result.js';

/** An error with a code chosen on purpose (not-found, cancelled…). */
export class RequestError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extra: Omit<ErrorInfo, 'code' | 'message'> = {},
  ) {
    super(message);
    this.name = 'RequestError';
  }
}

const IO_CODES = new Set(['ENOENT', 'EACCES', 'EPERM', 'EISDIR', 'ENOTDIR', 'EMFILE', 'ENOSPC', 'EROFS', 'EBUSY']);

export function serializeError(error: unknown): ErrorInfo {
  if (error instanceof RequestError) return { code: error.code, message: error.message, ...error.extra };
  if (error instanceof Error) {
    const errno = (error as NodeJS.ErrnoException).code;
    if (errno !== undefined && IO_CODES.has(errno)) {
      const path = (error as NodeJS.ErrnoException).path;
      return { code: 'io', message: error.message, ...(path !== undefined ? { file: path } : {}) };
    }
    if (error.name === 'AbortError') return { code: 'cancelled', message: 'Cancelled.' };
    return { code: 'internal', message: error.message };
  }
  return { code: 'internal', message: String(error) };
}
