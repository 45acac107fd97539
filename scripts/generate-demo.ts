/** `npm run demo:generate`: rewrites assets/demo from the fixture generator (see main/core/fixtures/demo.ts). */
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeDemo } from '../main/core/fixtures/demo.js';

const repo = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');
const target = join(repo, 'assets', 'demo');
const manifests = await writeDemo(target);
for (const manifest of manifests) {
  process.stdout.write(`${manifest.format}: ${manifest.totalLines} lines in ${manifest.files.length} files, ${manifest.planted.length} planted scenarios\n`);
}
process.stdout.write(`Demo archive written to ${target}\n`);
