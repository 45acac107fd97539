import { mkdirSync } from 'node:fs';
import { homedir, platform } from 'node:os';
import { join } from 'node:path';

/**
 * Where Custos keeps its own records (settings, review journals, seals, recent archives) — never
 * beside the evidence. CUSTOS_DATA_DIR overrides it (tests, portable installs); otherwise the
 * platform's usual per-user application-data folder, the same one Electron's app.getPath('userData') uses.
 */
export function dataDir(): string {
  const override = process.env.CUSTOS_DATA_DIR;
  const dir = override && override.length > 0 ? override : defaultDataDir();
  mkdirSync(dir, { recursive: true });
  return dir;
}

function defaultDataDir(): string {
  const home = homedir();
  switch (platform()) {
    case 'win32':
      return join(process.env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'Custos');
    case 'darwin':
      return join(home, 'Library', 'Application Support', 'Custos');
    default:
      return join(process.env.XDG_CONFIG_HOME ?? join(home, '.config'), 'Custos');
  }
}
