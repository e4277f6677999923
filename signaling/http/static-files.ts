import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { resolve, sep } from 'node:path';
import { contentTypeOf } from './content-types.js';

/**
 * The Content-Security-Policy of the app's HTML. `connect-src 'self'` admits the page's own `ws:`/`wss:`
 * origin (CSP Level 3; Chromium, Firefox and Safari all implement it), and nothing else: an injected
 * script cannot open a socket to another host. No `<base>` may redirect relative URLs, and no other
 * page may frame this one (clickjacking).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "connect-src 'self'",
  "img-src 'self' blob: data:",
  "media-src 'self' blob:",
  "style-src 'self' 'unsafe-inline'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** A request path that maps to a file under the root, or why it does not. */
export type StaticPath = { ok: true; file: string } | { ok: false; status: 400 | 404 };

/**
 * Maps a raw request target (as in `req.url`, not normalized by `new URL`, which would quietly resolve
 * `..`) to a file under `root`. Traversal in any spelling (`..`, `%2e%2e`, `%2f`, backslashes, NUL) is
 * a 400; dot-files are hidden (404).
 */
export function resolveStaticPath(root: string, target: string): StaticPath {
  const rawPath = target.split(/[?#]/, 1)[0] ?? '';
  if (!rawPath.startsWith('/')) return { ok: false, status: 400 };
  let path: string;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    return { ok: false, status: 400 };
  }
  if (path.includes('\0') || path.includes('\\')) return { ok: false, status: 400 };
  const segments = path.slice(1).split('/');
  if (segments.some((segment) => segment === '..' || segment === '.')) return { ok: false, status: 400 };
  if (segments.some((segment) => segment.startsWith('.'))) return { ok: false, status: 404 };
  const relative = path === '/' ? 'index.html' : path.slice(1);
  const base = resolve(root);
  const file = resolve(base, relative);
  // Belt and braces: whatever the checks above missed, nothing outside the root is served.
  if (!file.startsWith(base + sep)) return { ok: false, status: 400 };
  return { ok: true, file };
}

function plain(res: ServerResponse, status: number, text: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Cache-Control': 'no-store',
    ...extra,
  });
  res.end(text);
}

/**
 * Serves the built client. Its file names carry no content hash, so every response is `no-cache`
 * (always revalidated) with an ETag that makes revalidation a cheap 304.
 */
export async function serveStatic(root: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD')
    return plain(res, 405, 'method not allowed', { Allow: 'GET, HEAD' });
  const target = resolveStaticPath(root, req.url ?? '/');
  if (!target.ok) return plain(res, target.status, target.status === 400 ? 'bad request' : 'not found');
  const info = await stat(target.file).catch(() => null);
  if (!info?.isFile()) return plain(res, 404, 'not found');

  const etag = `W/"${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`;
  const type = contentTypeOf(target.file);
  const headers: Record<string, string> = {
    'Content-Type': type,
    'Cache-Control': 'no-cache',
    ETag: etag,
    'Last-Modified': info.mtime.toUTCString(),
    'X-Content-Type-Options': 'nosniff',
  };
  if (type.startsWith('text/html')) {
    headers['Content-Security-Policy'] = CONTENT_SECURITY_POLICY;
    headers['Referrer-Policy'] = 'no-referrer';
    headers['X-Frame-Options'] = 'DENY';
  }
  if (req.headers['if-none-match'] === etag) {
    res.writeHead(304, headers);
    res.end();
    return;
  }
  headers['Content-Length'] = String(info.size);
  res.writeHead(200, headers);
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  await new Promise<void>((done) => {
    const stream = createReadStream(target.file);
    // The headers are out; a read error can only cut the body short.
    stream.on('error', () => {
      res.destroy();
      done();
    });
    stream.on('end', done);
    stream.pipe(res);
  });
}
