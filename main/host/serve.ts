/**
 * `npm run serve`: the workbench in a browser. Starts the backend and the loopback host, prints
 * the one-time URL, and shuts both down cleanly on Ctrl+C.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dataDir } from '../core/data-dir.js';
import { createBackend } from '../service/backend.js';
import { startHost } from './server.js';

const rendererDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'renderer');

function requestedPort(): number {
  const flag = process.argv.indexOf('--port');
  const value = flag >= 0 ? process.argv[flag + 1] : process.env.CUSTOS_PORT;
  const port = value === undefined ? 0 : Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`custos serve: invalid port "${value}".\n`);
    process.exit(2);
  }
  return port;
}

const backend = await createBackend({ dataDir: dataDir() });
const host = await startHost({ backend, rendererDir, port: requestedPort() });
process.stdout.write(`Custos is running. Open this link once in your browser (it is a one-time login):\n\n  ${host.url}\n\nPress Ctrl+C to stop.\n`);

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  void host
    .close()
    .then(() => backend.close())
    .finally(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
