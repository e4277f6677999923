/**
 * The one listening socket of the server. Without TLS it is a plain HTTP server. With TLS, HTTPS and
 * WSS are served on the port, and plain HTTP arriving there (someone typing `http://host:port`) gets
 * a redirect to the same address over https instead of a TLS error: the first byte of a connection
 * tells them apart (0x16 starts every TLS handshake; HTTP starts with a method's letters).
 */
import { createServer as createHttpServer, type RequestListener, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import type { TlsCredentials } from './tls-credentials.js';

/** TLS record type 22: handshake. */
const TLS_HANDSHAKE = 0x16;
/** Two years, the value hstspreload.org asks for. Browsers ignore it on connections with certificate errors. */
export const HSTS_VALUE = 'max-age=63072000';
/** How long a connection may stay silent before its first byte, so idle sockets cannot pile up. */
const FIRST_BYTE_TIMEOUT_MS = 10_000;

export interface FrontDoor {
  /** The server whose `request`, `upgrade` and `clientError` events carry the traffic. */
  web: HttpServer;
  /** What listens on the port. */
  listener: NetServer;
  scheme: 'http' | 'https';
  /** Stops listening and cuts every connection, including those still in a handshake. */
  close(): Promise<void>;
}

export function createFrontDoor(handler: RequestListener, tls: TlsCredentials | undefined): FrontDoor {
  if (!tls) {
    const web = createHttpServer(handler);
    return {
      web,
      listener: web,
      scheme: 'http',
      close: () =>
        new Promise((resolve) => {
          web.close(() => resolve());
          web.closeAllConnections();
        }),
    };
  }

  const web: HttpServer = createHttpsServer({ cert: tls.cert, key: tls.key }, (req, res) => {
    res.setHeader('Strict-Transport-Security', HSTS_VALUE);
    handler(req, res);
  });
  const plain = createHttpServer(redirectToHttps);
  plain.on('upgrade', (_req, socket) => {
    socket.end('HTTP/1.1 426 Upgrade Required\r\nConnection: close\r\n\r\nUse wss://\n');
  });
  plain.on('clientError', (_error, socket) => socket.destroy());

  const sockets = new Set<Socket>();
  const listener = createNetServer({ pauseOnConnect: true }, (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.setTimeout(FIRST_BYTE_TIMEOUT_MS, () => socket.destroy());
    socket.once('readable', () => {
      const first = socket.read(1) as Buffer | null;
      if (first === null) return void socket.destroy();
      socket.setTimeout(0);
      socket.unshift(first);
      (first[0] === TLS_HANDSHAKE ? web : plain).emit('connection', socket);
    });
  });

  return {
    web,
    listener,
    scheme: 'https',
    close: () =>
      new Promise((resolve) => {
        listener.close(() => resolve());
        web.closeAllConnections();
        plain.closeAllConnections();
        for (const socket of sockets) socket.destroy();
      }),
  };
}

/** A host as a browser sends it: a name or IPv4 address, or a bracketed IPv6 address, and a port. */
const HOST_HEADER = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/** 308 keeps the method; a request without a usable Host gets a page that says what to do instead. */
const redirectToHttps: RequestListener = (req, res) => {
  const host = req.headers.host ?? '';
  if (!HOST_HEADER.test(host)) {
    res.writeHead(400, { 'Content-Type': 'text/plain; charset=utf-8', Connection: 'close' });
    res.end('This Parley server speaks HTTPS only: open it with https:// instead of http://.\n');
    return;
  }
  const location = `https://${host}${req.url?.startsWith('/') ? req.url : '/'}`;
  res.writeHead(308, {
    Location: location,
    'Content-Type': 'text/plain; charset=utf-8',
    Connection: 'close',
  });
  res.end(`This Parley server speaks HTTPS only: ${location}\n`);
};
