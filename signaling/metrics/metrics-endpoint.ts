import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServerMetrics } from './server-metrics.js';

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/**
 * Whether the request carries `Authorization: Bearer <token>`. Both sides are hashed first, so the
 * comparison is constant-time whatever the lengths and reveals nothing of the token.
 */
function authorized(header: string | undefined, expected: Buffer): boolean {
  const match = /^Bearer +(\S+)\s*$/i.exec(header ?? '');
  return match !== null && timingSafeEqual(digest(match[1]!), expected);
}

/** `GET /metrics`: the Prometheus text exposition, for requests bearing `token`; 401 for the rest. */
export function createMetricsEndpoint(
  metrics: ServerMetrics,
  token: string,
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  if (token.length === 0) throw new TypeError('the metrics token must not be empty');
  const expected = digest(token);
  return async (req, res) => {
    if (!authorized(req.headers.authorization, expected)) {
      res.writeHead(401, {
        'Content-Type': 'text/plain; charset=utf-8',
        'Cache-Control': 'no-store',
        'WWW-Authenticate': 'Bearer realm="metrics"',
      });
      res.end('unauthorized');
      return;
    }
    const body = await metrics.render();
    res.writeHead(200, { 'Content-Type': metrics.contentType, 'Cache-Control': 'no-store' });
    res.end(req.method === 'HEAD' ? undefined : body);
  };
}
