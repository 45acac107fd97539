/**
 * The renderer's Content-Security-Policy, one string for both hosts: the Electron app:// protocol
 * and the loopback browser host send it as a response header (main/app/security.ts owns it; it
 * lives here only so the browser host, which may not import Electron code, sends the same one).
 * No remote origins, no eval, no inline script or style, no plugins, framing or form posts.
 * `connect-src 'self'` covers the browser host's same-origin WebSocket.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "worker-src 'none'",
  "object-src 'none'",
  "frame-src 'none'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');
