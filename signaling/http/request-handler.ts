import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Logger } from '../logger.js';
import { serveStatic } from './static-files.js';

export interface RequestHandlerOptions {
  /** The built client; without it every file is a 404 (a server used only for signaling). */
  clientDir: string | undefined;
  /** False while shutting down, so a load balancer stops sending traffic. */
  isReady: () => boolean;
  logger: Logger;
  /** `GET /metrics` (see metrics/metrics-endpoint.ts); without it the path is a 404 like any other. */
  metrics?: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
}

/** Plain HTTP: `GET /healthz` and the static client. The WebSocket upgrade is handled elsewhere. */
export function createRequestHandler(options: RequestHandlerOptions): RequestListener {
  const { clientDir, isReady, logger, metrics } = options;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?', 1)[0];
    if (path === '/healthz') {
      const ready = isReady();
      res.writeHead(ready ? 200 : 503, {
        'Content-Type': 'text/plain; charset=utf-8',
        'Cache-Control': 'no-store',
      });
      res.end(ready ? 'ok' : 'shutting down');
      return;
    }
    if (path === '/metrics' && metrics) return metrics(req, res);
    if (!clientDir) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('not found');
      return;
    }
    await serveStatic(clientDir, req, res);
  }

  return (req, res) => {
    handle(req, res).catch((error: unknown) => {
      logger.error(
        { err: error instanceof Error ? error.message : String(error), url: req.url },
        'request failed',
      );
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('internal error');
    });
  };
}
