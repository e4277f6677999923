import type { IncomingMessage } from 'node:http';

/**
 * Whether a WebSocket upgrade may proceed by its `Origin`. Browsers always send it, so a page on another
 * site (which could otherwise register accounts or log in from a visitor's browser) is refused unless
 * listed. A request without `Origin` is allowed: it is not a browser page, and a script or bot could
 * forge any Origin it liked anyway — the check stops cross-site pages, not programs.
 */
export function originAllowed(req: IncomingMessage, allowed: ReadonlySet<string>): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  if (allowed.has(origin)) return true;
  const host = req.headers.host;
  // The server's own page, whether served directly (http) or behind a TLS proxy (https).
  return host !== undefined && (origin === `http://${host}` || origin === `https://${host}`);
}

/** IPv4-mapped IPv6 addresses as plain IPv4, so one client has one form. */
function plain(address: string): string {
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

/**
 * The address logins and connections are counted by. Behind a proxy every client arrives from the
 * proxy's address, so `X-Forwarded-For` is read — but only from a configured proxy, since anyone else
 * could send any header. The last entry is the one the proxy appended; earlier ones the client chose.
 */
export function clientAddress(req: IncomingMessage, trustedProxies: ReadonlySet<string>): string {
  const peer = plain(req.socket.remoteAddress ?? 'unknown');
  if (!trustedProxies.has(peer)) return peer;
  const header = req.headers['x-forwarded-for'];
  const forwarded = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',');
  const last = forwarded[forwarded.length - 1]?.trim();
  return last ? plain(last) : peer;
}
