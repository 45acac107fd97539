/**
 * Electron main: one hardened window serving the renderer from app://custos, the backend mounted
 * behind the contract's IPC channels, native dialogs, and remembered window bounds.
 */
import { app, BrowserWindow, dialog, ipcMain, Notification, protocol, screen, session } from 'electron';
import { readFile } from 'node:fs/promises';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EVENT_NAMES, IPC_EVENT_MESSAGE } from '../../shared/contract.js';
import { dataDir } from '../core/data-dir.js';
import { createBackend } from '../service/backend.js';
import { notifyTailAlerts } from './alert-notifications.js';
import { registerIpcHandlers, type NativeDialogs } from './ipc.js';
import { APP_HOST, APP_ORIGIN, APP_SCHEME, CONTENT_SECURITY_POLICY, hardenSession, hardenWebContents, secureWebPreferences } from './security.js';
import { isVisibleOnSomeDisplay, loadWindowBounds, saveWindowBounds } from './window-state.js';

const here = dirname(fileURLToPath(import.meta.url));
const rendererDir = join(here, '..', '..', 'renderer');
const preloadPath = join(here, '..', 'preload', 'preload.cjs');

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.map': 'application/json',
  '.woff2': 'font/woff2',
};

protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  void start();
}

async function serveRendererFile(request: Request): Promise<Response> {
  const url = new URL(request.url);
  const relative = url.pathname === '/' ? 'index.html' : decodeURIComponent(url.pathname).replace(/^\/+/, '');
  const filePath = normalize(join(rendererDir, relative));
  const headers = { 'Content-Security-Policy': CONTENT_SECURITY_POLICY, 'X-Content-Type-Options': 'nosniff' };
  if (url.host !== APP_HOST || !filePath.startsWith(rendererDir + sep)) return new Response('Not found', { status: 404, headers });
  try {
    const body = await readFile(filePath);
    return new Response(body, { status: 200, headers: { ...headers, 'Content-Type': CONTENT_TYPES[extname(filePath)] ?? 'application/octet-stream' } });
  } catch {
    return new Response('Not found', { status: 404, headers });
  }
}

async function start(): Promise<void> {
  const directory = dataDir();
  app.setPath('userData', directory);
  await app.whenReady();

  hardenSession(session.defaultSession);
  protocol.handle(APP_SCHEME, serveRendererFile);
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents));

  const backend = await createBackend({ dataDir: directory });
  let window: BrowserWindow | null = null;

  const dialogs: NativeDialogs = {
    async openPaths(kind) {
      const options: Electron.OpenDialogOptions = {
        title: kind === 'folder' ? 'Open a folder of audit logs' : 'Open audit log files',
        properties: kind === 'folder' ? ['openDirectory'] : ['openFile', 'multiSelections'],
        filters: kind === 'folder' ? [] : [{ name: 'Audit logs', extensions: ['jsonl', 'gz', 'json', 'log', 'ndjson'] }, { name: 'All files', extensions: ['*'] }],
      };
      const result = window ? await dialog.showOpenDialog(window, options) : await dialog.showOpenDialog(options);
      return result.canceled ? [] : result.filePaths;
    },
    async savePath(defaultName, extensions) {
      const options: Electron.SaveDialogOptions = { defaultPath: defaultName, filters: [{ name: extensions.join(', ').toUpperCase(), extensions }] };
      const result = window ? await dialog.showSaveDialog(window, options) : await dialog.showSaveDialog(options);
      return result.canceled || !result.filePath ? null : result.filePath;
    },
  };
  registerIpcHandlers(ipcMain, backend, dialogs);

  for (const event of EVENT_NAMES) {
    backend.on(event, (payload) => window?.webContents.send(IPC_EVENT_MESSAGE, event, payload));
  }
  notifyTailAlerts({
    on: (event, listener) => backend.on(event, listener),
    enabled: () => backend.notificationsEnabled(),
    create: Notification.isSupported() ? (options) => new Notification(options) : null,
    onClick: () => {
      if (!window) return;
      if (window.isMinimized()) window.restore();
      window.focus();
    },
  });

  const bounds = loadWindowBounds(directory);
  const visible = isVisibleOnSomeDisplay(bounds, screen.getAllDisplays().map((display) => display.workArea));
  window = new BrowserWindow({
    width: bounds.width,
    height: bounds.height,
    ...(visible && bounds.x !== undefined && bounds.y !== undefined ? { x: bounds.x, y: bounds.y } : {}),
    minWidth: 800,
    minHeight: 560,
    show: false,
    title: 'Custos',
    backgroundColor: '#1b1f24',
    webPreferences: secureWebPreferences(preloadPath),
  });
  if (bounds.maximized) window.maximize();
  window.once('ready-to-show', () => window?.show());
  window.on('close', () => {
    if (!window) return;
    saveWindowBounds(directory, { ...window.getNormalBounds(), maximized: window.isMaximized() });
  });
  window.on('closed', () => {
    window = null;
  });
  app.on('second-instance', () => {
    if (!window) return;
    if (window.isMinimized()) window.restore();
    window.focus();
  });
  app.on('window-all-closed', () => {
    void backend.close().finally(() => app.quit());
  });
  await window.loadURL(`${APP_ORIGIN}/index.html`);
}
