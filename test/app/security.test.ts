import { describe, expect, it, vi } from 'vitest';
import { CONTENT_SECURITY_POLICY as HOST_POLICY } from '../../shared/content-security-policy.js';
import { APP_ORIGIN, CONTENT_SECURITY_POLICY, hardenSession, hardenWebContents, isAppUrl, secureWebPreferences } from '../../main/app/security.js';

function directives(policy: string): Map<string, string[]> {
  return new Map(
    policy
      .split(';')
      .map((part) => part.trim().split(/\s+/))
      .filter((words) => words[0])
      .map(([name, ...values]) => [name as string, values]),
  );
}

describe('renderer window security settings', () => {
  it('sandboxes and isolates the renderer with the real webPreferences', () => {
    const prefs = secureWebPreferences('/app/preload.cjs');
    expect(prefs.sandbox).toBe(true);
    expect(prefs.contextIsolation).toBe(true);
    expect(prefs.nodeIntegration).toBe(false);
    expect(prefs.nodeIntegrationInWorker).toBe(false);
    expect(prefs.nodeIntegrationInSubFrames).toBe(false);
    expect(prefs.webSecurity).toBe(true);
    expect(prefs.allowRunningInsecureContent).toBe(false);
    expect(prefs.webviewTag).toBe(false);
    expect(prefs.navigateOnDragDrop).toBe(false);
    expect(prefs.experimentalFeatures).toBe(false);
    expect(prefs.preload).toBe('/app/preload.cjs');
  });

  it('has a strict CSP: self only, no eval, no inline script, no remote, no framing', () => {
    const csp = directives(CONTENT_SECURITY_POLICY);
    expect(csp.get('default-src')).toEqual(["'self'"]);
    expect(csp.get('script-src')).toEqual(["'self'"]);
    expect(csp.get('style-src')).toEqual(["'self'"]);
    expect(csp.get('connect-src')).toEqual(["'self'"]);
    expect(csp.get('object-src')).toEqual(["'none'"]);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    expect(csp.get('base-uri')).toEqual(["'none'"]);
    expect(csp.get('form-action')).toEqual(["'none'"]);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-eval|unsafe-inline|https?:|\*/);
    // The browser host sends the very same policy.
    expect(HOST_POLICY).toBe(CONTENT_SECURITY_POLICY);
  });

  it('recognises only its own origin as the app', () => {
    expect(isAppUrl(`${APP_ORIGIN}/index.html`)).toBe(true);
    expect(isAppUrl('app://evil/index.html')).toBe(false);
    expect(isAppUrl('https://custos/index.html')).toBe(false);
    expect(isAppUrl('file:///etc/passwd')).toBe(false);
    expect(isAppUrl('not a url')).toBe(false);
  });

  it('denies every permission and blocks remote requests in the session', () => {
    const handlers: Record<string, (...args: never[]) => unknown> = {};
    const session = {
      setPermissionRequestHandler: (h: never) => (handlers.request = h),
      setPermissionCheckHandler: (h: never) => (handlers.check = h),
      setDevicePermissionHandler: (h: never) => (handlers.device = h),
      webRequest: {
        onBeforeRequest: (h: never) => (handlers.beforeRequest = h),
        onHeadersReceived: (h: never) => (handlers.headers = h),
      },
    };
    hardenSession(session as never);
    const granted = vi.fn();
    (handlers.request as (c: unknown, p: string, cb: (v: boolean) => void) => void)(null, 'media', granted);
    expect(granted).toHaveBeenCalledWith(false);
    expect((handlers.check as () => boolean)()).toBe(false);
    expect((handlers.device as () => boolean)()).toBe(false);
    const decide = (url: string) => {
      let cancel: boolean | undefined;
      (handlers.beforeRequest as (d: { url: string }, cb: (r: { cancel: boolean }) => void) => void)({ url }, (r) => (cancel = r.cancel));
      return cancel;
    };
    expect(decide('https://example.com/x.js')).toBe(true);
    expect(decide('http://127.0.0.1:8080/')).toBe(true);
    expect(decide(`${APP_ORIGIN}/assets/index.js`)).toBe(false);
    let headers: Record<string, string[]> | undefined;
    (handlers.headers as (d: unknown, cb: (r: { responseHeaders: Record<string, string[]> }) => void) => void)(
      { responseHeaders: {} },
      (r) => (headers = r.responseHeaders),
    );
    expect(headers?.['Content-Security-Policy']).toEqual([CONTENT_SECURITY_POLICY]);
  });

  it('blocks navigation away, new windows and webviews', () => {
    const listeners: Record<string, (event: { preventDefault: () => void }, url?: string) => void> = {};
    let openHandler: (() => { action: string }) | undefined;
    const contents = {
      on: (name: string, listener: (event: { preventDefault: () => void }, url?: string) => void) => (listeners[name] = listener),
      setWindowOpenHandler: (h: () => { action: string }) => (openHandler = h),
    };
    hardenWebContents(contents as never);
    const navigate = (name: string, url: string) => {
      const preventDefault = vi.fn();
      listeners[name]?.({ preventDefault }, url);
      return preventDefault.mock.calls.length > 0;
    };
    expect(navigate('will-navigate', 'https://example.com')).toBe(true);
    expect(navigate('will-navigate', 'file:///home/user/log.jsonl')).toBe(true);
    expect(navigate('will-navigate', `${APP_ORIGIN}/index.html`)).toBe(false);
    expect(navigate('will-redirect', 'https://example.com')).toBe(true);
    expect(navigate('will-attach-webview', 'app://custos/')).toBe(true);
    expect(openHandler?.()).toEqual({ action: 'deny' });
  });
});
