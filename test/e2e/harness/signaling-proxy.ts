/**
 * A hostile signaling server for e2e tests: a proxy in front of the real server that the browsers
 * load the app from and open their WebSocket to. It passes everything through, except what a test
 * tells it to take: signals between two people go to an interceptor (an attacker page) instead of
 * the server, the device key the server advertises for someone is replaced, and someone is slipped
 * into every group as a member (the server's word only: no signed invitation or accept).
 */
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import type { PublicIdentity } from '../../../shared/identity-protocol.js';

/** Where intercepted signals go: `from` sent `data` to `to`. */
export type Interceptor = (from: string, to: string, data: unknown) => void;

interface GroupShape {
  createdAt: number;
  members: Array<{ user: string; since: number }>;
}

interface Frame {
  type?: unknown;
  [field: string]: unknown;
}

export class SignalingProxy {
  readonly #http: Server;
  readonly #wss: WebSocketServer;
  readonly #target: URL;
  /** Signed-in browsers, by the name their welcome gave them. */
  readonly #users = new Map<string, WebSocket>();
  #intercepted: { between: Set<string>; to: Interceptor } | null = null;
  readonly #fakeKeys = new Map<string, PublicIdentity>();
  /** Whom the server (this proxy) puts into every group it tells anyone of. */
  #inserted: string | null = null;
  /** Extra pages the proxy serves itself (the attacker page), by path. */
  readonly #pages = new Map<string, string>();

  private constructor(target: string) {
    this.#target = new URL(target);
    this.#http = createServer((req, res) => this.#serve(req, res));
    this.#wss = new WebSocketServer({ server: this.#http, path: '/ws' });
    this.#wss.on('connection', (socket) => this.#connect(socket));
  }

  /** Starts a proxy for the server at `target` (`http://127.0.0.1:port`) on a free loopback port. */
  static async start(target: string): Promise<SignalingProxy> {
    const proxy = new SignalingProxy(target);
    await new Promise<void>((resolve) => proxy.#http.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.#http.address() as AddressInfo).port}`;
  }

  /** Serves `html` at `path` (same origin as the app, so WebRTC and storage behave alike). */
  page(path: string, html: string): void {
    this.#pages.set(path, html);
  }

  /** From now on, signals between `a` and `b` (either way) go to `to`, not to the server. */
  intercept(a: string, b: string, to: Interceptor): void {
    this.#intercepted = { between: new Set([a, b]), to };
  }

  /** Sends `to` a signal as the server would, claiming it is from `from`. */
  inject(to: string, from: string, data: unknown): void {
    this.#users.get(to)?.send(JSON.stringify({ type: 'signal', from, data }));
  }

  /** From now on, the key advertised for `user` (welcome `keys`, `user-online`) is `identity`. */
  advertise(user: string, identity: PublicIdentity): void {
    this.#fakeKeys.set(user, identity);
  }

  /**
   * From now on, `user` is listed as a member of every group in every `welcome` and `group-update`,
   * and gets each `group-update` anyone gets: a member the server inserted, with no signed change.
   */
  insertMember(user: string): void {
    this.#inserted = user;
  }

  async close(): Promise<void> {
    for (const client of this.#wss.clients) client.terminate();
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
    this.#http.closeAllConnections();
    await new Promise<void>((resolve) => this.#http.close(() => resolve()));
  }

  #serve(req: IncomingMessage, res: ServerResponse): void {
    const own = this.#pages.get(req.url ?? '');
    if (own !== undefined) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(own);
      return;
    }
    const upstream = request(
      {
        host: this.#target.hostname,
        port: this.#target.port,
        path: req.url,
        method: req.method,
        headers: { ...req.headers, host: this.#target.host },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  }

  /** One browser's socket: a socket of our own to the server (no `Origin`: not a browser) behind it. */
  #connect(browser: WebSocket): void {
    const server = new WebSocket(new URL('/ws', this.#target.href.replace(/^http/, 'ws')));
    const early: string[] = [];
    let user: string | null = null;
    server.on('open', () => early.splice(0).forEach((text) => server.send(text)));
    server.on('message', (data: RawData) => {
      const frame = JSON.parse(String(data)) as Frame;
      if (frame.type === 'welcome' && typeof frame.user === 'string') {
        user = frame.user;
        this.#users.set(user, browser);
      }
      const rewritten = this.#insert(this.#rewrite(frame));
      browser.send(JSON.stringify(rewritten));
      // The inserted member hears of each group as its members do.
      const inserted = this.#inserted;
      if (rewritten.type === 'group-update' && inserted !== null && user !== inserted) {
        this.#users.get(inserted)?.send(JSON.stringify(rewritten));
      }
    });
    browser.on('message', (data: RawData) => {
      const text = String(data);
      const frame = JSON.parse(text) as Frame;
      const interception = this.#intercepted;
      if (
        frame.type === 'signal' &&
        user !== null &&
        typeof frame.to === 'string' &&
        interception?.between.has(user) &&
        interception.between.has(frame.to)
      ) {
        interception.to(user, frame.to, frame.data);
        return;
      }
      if (server.readyState === WebSocket.OPEN) server.send(text);
      else early.push(text);
    });
    const end = (): void => {
      if (user !== null && this.#users.get(user) === browser) this.#users.delete(user);
      browser.close();
      server.close();
    };
    server.on('close', end);
    browser.on('close', end);
    server.on('error', end);
    browser.on('error', end);
  }

  /** The frame with the inserted member added to the groups it lists. */
  #insert(frame: Frame): Frame {
    const user = this.#inserted;
    if (user === null) return frame;
    const withUser = (group: GroupShape): GroupShape =>
      group.members.some((member) => member.user === user)
        ? group
        : { ...group, members: [...group.members, { user, since: group.createdAt }] };
    if (frame.type === 'group-update') return { ...frame, group: withUser(frame.group as GroupShape) };
    if (frame.type === 'welcome') return { ...frame, groups: (frame.groups as GroupShape[]).map(withUser) };
    return frame;
  }

  /** The frame with the advertised keys replaced where the test said so. */
  #rewrite(frame: Frame): Frame {
    if (this.#fakeKeys.size === 0) return frame;
    if (frame.type === 'user-online' && typeof frame.user === 'string') {
      const fake = this.#fakeKeys.get(frame.user);
      return fake ? { ...frame, identity: fake } : frame;
    }
    if ((frame.type === 'welcome' || frame.type === 'online-more') && Array.isArray(frame.keys)) {
      const keys = (frame.keys as Array<{ user: string; identity: PublicIdentity }>).map((entry) => {
        const fake = this.#fakeKeys.get(entry.user);
        return fake ? { ...entry, identity: fake } : entry;
      });
      return { ...frame, keys };
    }
    return frame;
  }
}
