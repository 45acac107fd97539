/**
 * Drives the real workbench for end-to-end tests and `npm run bench:ui`: starts the built browser
 * host (dist/main/host/serve.js) as a child process with its own data directory, and launches
 * Debian's Chromium through playwright-core. Nothing here is a fake: it is what a user runs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

/** The repository root, from scripts/ (source) or dist/scripts/ (built). */
function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return dir;
}

export const REPO_ROOT = repoRoot();
export const SERVE_ENTRY = join(REPO_ROOT, 'dist', 'main', 'host', 'serve.js');
export const RENDERER_INDEX = join(REPO_ROOT, 'dist', 'renderer', 'index.html');
export const CHROMIUM_PATH = process.env.CUSTOS_CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Why the UI cannot be driven here, or null when it can. */
export function uiUnavailableReason(): string | null {
  const reason =
    !existsSync(SERVE_ENTRY) || !existsSync(RENDERER_INDEX)
      ? `the app is not built (${SERVE_ENTRY} or ${RENDERER_INDEX} is missing): run \`npm run build\` first`
      : !existsSync(CHROMIUM_PATH)
        ? `Chromium is not installed at ${CHROMIUM_PATH} (apt-get install -y chromium)`
        : null;
  // CI installs Chromium and builds first: there a missing piece is a failure, not a skip.
  if (reason && process.env.CI) throw new Error(`end-to-end tests cannot run in CI: ${reason}`);
  return reason;
}

export interface HostProcess {
  url: string;
  dataDir: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Starts `node dist/main/host/serve.js` with a fresh data directory and waits for its URL. */
export async function startHostProcess(options: { dataDir?: string; env?: Record<string, string> } = {}): Promise<HostProcess> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'custos-e2e-data-'));
  const child = spawn(process.execPath, [SERVE_ENTRY], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...options.env, CUSTOS_DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`the host printed no URL within 30 s:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolveUrl(match[0]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the host exited with ${code} before printing its URL:\n${output}`));
    });
  });
  return {
    url,
    dataDir,
    child,
    stop: () =>
      new Promise<void>((resolveStop) => {
        if (child.exitCode !== null) return resolveStop();
        child.once('exit', () => resolveStop());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      }),
  };
}

/** Debian Chromium, headless; playwright gives every launch a fresh temporary profile (user-data-dir). */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_FLAGS });
}

export const RESULTS_DIR = resolve(REPO_ROOT, 'test-results');

/**
 * The served workbench in a fresh Chromium page, as every end-to-end test starts: the host on a
 * fresh data dir, the page at its one-time URL, and page errors collected into `pageErrors`.
 */
export async function openWorkbench(pageErrors: string[]): Promise<{ host: HostProcess; browser: Browser; page: Page }> {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const host = await startHostProcess();
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(host.url);
  return { host, browser, page };
}
