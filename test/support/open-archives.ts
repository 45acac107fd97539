/** Opening archives in a test backend the way the workbench does: start the job, wait for its outcome. */
import type { OpenOutcome } from '../../shared/archive.js';
import type { Backend } from '../../main/service/backend.js';

export interface OpenInTest {
  paths: string[];
  mode?: 'add' | 'replace';
  mappingPath?: string;
}

/** Starts an open (replace by default) and resolves with the job's outcome; a refused start throws. */
export async function openAndWait(backend: Backend, request: OpenInTest): Promise<OpenOutcome> {
  const done = new Promise<OpenOutcome>((resolveDone) => {
    const off = backend.on('open.done', (outcome) => {
      off();
      resolveDone(outcome);
    });
  });
  const started = await backend.invoke('archives.open', { mode: 'replace', ...request });
  if (!started.ok) throw new Error(started.error.message);
  return done;
}
