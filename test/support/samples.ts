import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * Real selectools AuditLogger output kept in the team material beside the repository
 * (`../shared/samples`, as CI lays it out); the fixed path is where it lives on our machines.
 */
function findSelectoolsSamples(): string {
  const candidates = [resolve(process.cwd(), '../shared/samples/selectools-privacy-full'), '/work/shared/samples/selectools-privacy-full'];
  const found = candidates.find((dir) => existsSync(dir));
  if (!found) throw new Error(`selectools samples not found; looked in ${candidates.join(', ')}`);
  return found;
}

export const SELECTOOLS_SAMPLES = findSelectoolsSamples();
