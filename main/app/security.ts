/*
 * ============================================================================================
 *  SECURITY REGION — every setting that keeps untrusted evidence away from the machine.
 *
 *  Custos is pointed at sensitive, possibly hostile log files. The renderer is treated as
 *  untrusted: it runs sandboxed, isolated from Node, under a strict Content-Security-Policy,
 *  cannot navigate, open windows or obtain permissions, and reaches the backend only through
 *  the contract channels the preload exposes. Change anything here only with a test
 *  (test/app/security.test.ts reads these very objects).
 *
 *  Electron is imported for types only so that this module loads without the Electron binary.
 * ============================================================================================
 */
import type { Session, WebContents, WebPreferences } from 'electron';
import { CONTENT_SECURITY_POLICY as SHARED_CONTENT_SECURITY_POLICY } from '../../shared/content-security-policy.js';

/** The custom scheme the renderer is served from inside Electron. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'custos';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

/** The renderer's CSP (defined beside the contract so the browser host sends the very same string). */
export const CONTENT_SECURITY_POLICY = SHARED_CONTENT_SECURITY_POLICY;

/** The renderer window's webPreferences. The preload path is the only variable. */
export function secureWebPreferences(preloadPath: string): WebPreferences {
  return {
    preload: preloadPath,
    sandbox: true,
    contextIsolation: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
    spellcheck: false,
    devTools: process.env.CUSTOS_DEVTOOLS === '1',
  };
}

/** True for URLs the renderer itself is served from; nothing else may be loaded or navigated to. */
export function isAppUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST;
  } catch {
    return false;
  }
}

/** Session-wide rules: deny every permission, refuse every remote request, add the CSP header. */
export function hardenSession(session: Session): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
  session.webRequest.onBeforeRequest((details, callback) => {
    // Only the app's own files, devtools and data: images may load. Evidence never reaches the network.
    const allowed = isAppUrl(details.url) || details.url.startsWith('devtools://') || details.url.startsWith('data:');
    callback({ cancel: !allowed });
  });
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
}

/** Per-window rules: no navigation away, no new windows, no webviews, no remote content. */
export function hardenWebContents(contents: WebContents): void {
  contents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}
/* ================================= END SECURITY REGION ================================= */
