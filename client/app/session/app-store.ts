/**
 * The application's state and commands, for the components to read and call. Owns the signaling
 * client, the session (sign-in, resume, its token, sign-out) and the signed-in user's messenger;
 * fires `change` whenever anything visible changed. Which server frame goes where is
 * `server-frames.ts`; the session's own frames (welcome, logged-out, error) come back here.
 */
import { ErrorCode } from '../../../shared/errors.js';
import type { ProtocolError } from '../../../shared/errors.js';
import type { PublicIdentity } from '../../../shared/identity-protocol.js';
import { normalizeUsername, passwordProblem, usernameProblem } from '../../../shared/names.js';
import { Capability, PROTOCOL_VERSION } from '../../../shared/protocol.js';
import type { ClientFrame, ErrorFrame, WelcomeFrame } from '../../../shared/protocol.js';
import type { PeerLinkFactory } from '../../net/peer-mesh.js';
import { SignalingClient } from '../../net/signaling-client.js';
import type { SignalingFrame, SignalingStatus, SocketFactory } from '../../net/signaling-client.js';
import { openAccountStore } from '../../storage/account-store.js';
import {
  clearPendingLogout,
  clearSession,
  loadPendingLogout,
  loadSession,
  savePendingLogout,
  saveSession,
} from '../../storage/session-token.js';
import { AccountCommands, signedOutEverywhereText } from './account-commands.js';
import { errorFrameText, errorText, unreachableText } from './error-text.js';
// The session builds the messenger (the composition root) and feeds it the server's frames.
import { Messenger } from '../messenger.js';
// The session sends group commands over its socket; the roster's GroupRequests matches each to its
// answer. The session is a composition layer above the features (it builds the messenger).
// eslint-disable-next-line no-restricted-imports
import { GroupCommands } from '../roster/group-commands.js';
import { consoleWarn } from '../warn.js';
import { DeviceIdentities } from './device-identity.js';
import { routeServerFrame } from './server-frames.js';
import type { FrameTargets } from './server-frames.js';

export type { SignalingStatus };
export type { GroupRequest } from '../roster/group-requests.js';
export type { AccountCommand, AccountRequest } from './account-commands.js';

export type AuthState =
  /**
   * `error` is shown in an alert; `pending` while the server has not answered; `notice` says why
   * the person is here when that is no error (they signed out everywhere).
   */
  | { kind: 'signed-out'; pending: 'login' | 'register' | null; error: string | null; notice?: string }
  /** Signed in (or resuming a remembered session while the server is away). */
  | { kind: 'signed-in'; user: string }
  /** This tab stopped for good (another session took over); `message` says why. */
  | { kind: 'ended'; user: string; message: string };

export interface AppStoreOptions {
  /** The signaling WebSocket, e.g. `ws://host:port/ws`. */
  signalingUrl: string;
  createLink?: PeerLinkFactory;
  /** Test only: `relay` sends every peer connection through TURN. Never set in production. */
  iceTransportPolicy?: RTCIceTransportPolicy;
  /** The signaling socket; tests hand in one of their own. */
  createSocket?: SocketFactory;
}

/**
 * What this client handles beyond the base protocol, announced in every sign-in frame: fresh TURN
 * credentials (`ice-servers`) keep a long-open tab able to connect; device keys with presence are
 * compared with the keys that sign the hellos (`IdentityBook.advertised`); groups' signed logs
 * (`group-log`) are replayed for their membership (roster/group-ledger.ts).
 */
const CAPABILITIES: Capability[] = [
  Capability.IceRefresh,
  Capability.IdentityKeys,
  Capability.GroupLog,
  Capability.UsersOffline,
];

export class AppStore extends EventTarget {
  readonly #signaling: SignalingClient;
  readonly #options: AppStoreOptions;
  #auth: AuthState = { kind: 'signed-out', pending: null, error: null };
  #messenger: Messenger | null = null;
  /** The remembered session being resumed or in use. */
  #token: string | null = null;
  #opening: Promise<void> | null = null;
  #frames: Promise<void> = Promise.resolve();
  /** Create a group, add members, leave, answer an invitation, and how the last one went. */
  readonly groups = new GroupCommands({
    send: (frame) => this.#signaling.send(frame),
    changed: () => this.#emit(),
    unreachableText,
    log: () => this.#messenger?.groupLog ?? null,
  });
  /** **Change password** and **Sign out everywhere**, and how the last one went. */
  readonly account = new AccountCommands({
    send: (frame) => this.#signaling.send(frame),
    changed: () => this.#emit(),
  });
  /** A signed-out token this connection resumed only to revoke it (see `logout`). */
  #revoking: string | null = null;
  /** A resume the server answered "busy": asked again after the wait it named. */
  #resumeRetry: ReturnType<typeof setTimeout> | undefined;
  /** This browser's device key per account (by name key), announced at sign-in. */
  readonly #deviceKeys = new DeviceIdentities();
  /** A sign-in asked for while the socket was still connecting; sent when it opens. */
  #queued: Extract<ClientFrame, { type: 'login' | 'register' }> | null = null;
  /** Where server frames go (server-frames.ts). */
  readonly #targets: FrameTargets = {
    messenger: () => this.#messenger,
    groups: this.groups,
    welcome: (frame) => this.#welcome(frame),
    loggedOut: () => this.#loggedOut(),
    error: (frame) => this.#onError(frame),
    changed: () => this.#emit(),
  };

  constructor(options: AppStoreOptions) {
    super();
    this.#options = options;
    this.#signaling = new SignalingClient(
      {
        url: options.signalingUrl,
        ...(options.createSocket ? { createSocket: options.createSocket } : {}),
      },
      {
        onStatus: (status) => this.#onStatus(status),
        onFrame: (frame) => this.#onFrame(frame),
        onBadFrame: (error: ProtocolError) => consoleWarn(`bad frame from server: ${error.message}`),
      },
    );
  }

  get auth(): AuthState {
    return this.#auth;
  }

  get connection(): SignalingStatus {
    return this.#signaling.status;
  }

  /** The signed-in user's messenger; null while signed out or while the local history opens. */
  get messenger(): Messenger | null {
    return this.#messenger;
  }

  /**
   * Starts: resumes a remembered session (showing local history at once) and connects. The socket
   * connects while the local history opens, not after it: frames are handled in order and the
   * welcome waits for the history (`#onFrame`, `#welcome`), so nothing arriving early is lost, and a
   * returning member's peers and catch-up start a few hundred milliseconds sooner.
   */
  async start(): Promise<void> {
    const session = loadSession();
    const resuming = session !== null && session.expiresAt > Date.now();
    if (resuming) {
      this.#token = session.token;
      this.#setAuth({ kind: 'signed-in', user: session.user });
    }
    this.#signaling.start();
    if (resuming) await this.#openMessenger(session.user);
  }

  login(username: string, password: string): void {
    this.#authenticate('login', username, password);
  }

  register(username: string, password: string): void {
    this.#authenticate('register', username, password);
  }

  /**
   * Signs out at once here; the token stays remembered as a pending sign-out until the server
   * confirms it revoked it (`logged-out`), so a `logout` frame that never arrived is sent again on
   * the next connection, instead of leaving a live session behind.
   */
  logout(): void {
    if (this.#token) savePendingLogout(this.#token);
    this.#signaling.send({ type: 'logout' });
    this.#endSession();
    this.#setAuth({ kind: 'signed-out', pending: null, error: null });
  }

  /** Retries the server at once (from the unreachable notice, or after another tab took over). */
  reconnect(): void {
    if (this.#auth.kind === 'ended') {
      this.#setAuth({ kind: 'signed-in', user: this.#auth.user });
      void this.#openMessenger(this.#auth.user);
      this.#signaling.start();
      return;
    }
    this.#signaling.tryNow();
  }

  #authenticate(type: 'login' | 'register', rawName: string, password: string): void {
    if (this.#auth.kind !== 'signed-out' || this.#auth.pending) return;
    const username = normalizeUsername(rawName);
    if (type === 'register') {
      const problem = usernameProblem(username) ?? passwordProblem(password);
      if (problem) return this.#setAuth({ kind: 'signed-out', pending: null, error: problem });
    }
    this.#setAuth({ kind: 'signed-out', pending: type, error: null });
    void this.#deviceKeys
      .of(username)
      .then((identity) => this.#sendSignIn(type, username, password, identity));
  }

  #sendSignIn(
    type: 'login' | 'register',
    username: string,
    password: string,
    identity: PublicIdentity | undefined,
  ): void {
    if (this.#auth.kind !== 'signed-out' || this.#auth.pending !== type) return;
    const frame = {
      type,
      version: PROTOCOL_VERSION,
      username,
      password,
      capabilities: CAPABILITIES,
      ...(identity ? { identity } : {}),
    };
    if (this.#signaling.status.kind === 'connecting') {
      this.#queued = frame;
    } else if (!this.#signaling.send(frame)) {
      this.#signaling.tryNow();
      return this.#setAuth({ kind: 'signed-out', pending: null, error: unreachableText() });
    }
  }

  #onStatus(status: SignalingStatus): void {
    this.#revoking = null;
    if (status.kind !== 'open') this.account.connectionLost();
    const pendingLogout = loadPendingLogout();
    clearTimeout(this.#resumeRetry);
    if (status.kind === 'open' && this.#token) {
      this.#sendResume(this.#token);
    } else if (status.kind === 'open' && pendingLogout && !this.#queued) {
      // Resumed only to be revoked: the welcome is answered with `logout` (see #welcome), so no
      // capabilities (nothing will use refreshed ICE servers).
      this.#revoking = pendingLogout;
      this.#signaling.send({ type: 'resume', version: PROTOCOL_VERSION, token: pendingLogout });
    }
    if (status.kind === 'open' && this.#queued) this.#signaling.send(this.#queued);
    if (status.kind !== 'connecting') this.#queued = null;
    const unreachable = status.kind === 'waiting' || status.kind === 'stopped';
    if (unreachable && this.#auth.kind === 'signed-out' && this.#auth.pending) {
      this.#setAuth({ kind: 'signed-out', pending: null, error: unreachableText() });
      return;
    }
    if (status.kind === 'stopped' && status.reason !== 'stopped' && this.#auth.kind === 'signed-in') {
      const user = this.#auth.user;
      this.#messenger?.close();
      this.#messenger = null;
      this.#setAuth({ kind: 'ended', user, message: errorText(status.reason) });
      return;
    }
    this.#emit();
  }

  /**
   * Frames are handled one after another: the welcome opens the local history asynchronously, and
   * a signal or presence change arriving meanwhile must wait for it, not be lost.
   */
  #onFrame(frame: SignalingFrame): void {
    this.#frames = this.#frames
      .then(() => routeServerFrame(frame, this.#targets))
      .catch((error: unknown) => consoleWarn(`handling ${frame.type} failed`, error));
  }

  /** The server revoked this session's token: the sign-out it waited for, or everywhere's. */
  #loggedOut(): void {
    clearPendingLogout();
    this.#revoking = null;
    if (!this.account.loggedOut()) return;
    this.#endSession();
    this.#setAuth({ kind: 'signed-out', pending: null, error: null, notice: signedOutEverywhereText() });
  }

  async #welcome(frame: WelcomeFrame): Promise<void> {
    if (this.#revoking !== null) {
      this.#signaling.send({ type: 'logout' });
      return;
    }
    this.#token = frame.token;
    saveSession({ user: frame.user, token: frame.token, expiresAt: frame.expiresAt });
    // The answer to a password change: the same connection, online throughout, under a new token.
    // Nothing else is new (and the server sends no invitations after it, unlike a sign-in's welcome).
    if (this.#auth.kind === 'signed-in' && this.#auth.user === frame.user && this.account.welcomed()) return;
    this.#signaling.markHealthy();
    if (this.#auth.kind !== 'signed-in' || this.#auth.user !== frame.user) {
      this.#messenger?.close();
      this.#messenger = null;
      this.#setAuth({ kind: 'signed-in', user: frame.user });
    }
    await this.#openMessenger(frame.user);
    this.#messenger?.server.welcome(frame.online, frame.groups, frame.iceServers, frame.keys);
    this.#messenger?.groupLog.resumed();
    this.#emit();
  }

  #sendResume(token: string): void {
    const user = this.#auth.kind === 'signed-in' ? this.#auth.user : null;
    const identity = user === null ? Promise.resolve(undefined) : this.#deviceKeys.of(user);
    void identity.then((found) => {
      // The socket or the session may have changed while the key was read.
      if (this.#token !== token || this.#signaling.status.kind !== 'open') return;
      const frame = { type: 'resume', version: PROTOCOL_VERSION, token, capabilities: CAPABILITIES } as const;
      this.#signaling.send(found ? { ...frame, identity: found } : frame);
    });
  }

  #onError(frame: ErrorFrame): void {
    if (frame.ref === 'resume' && frame.code === ErrorCode.RateLimited && this.#token && !this.#revoking) {
      // The server sheds a burst of sign-ins (after its restart every tab resumes at once): the
      // session is fine, so it is asked for again as told, never forgotten.
      const token = this.#token;
      clearTimeout(this.#resumeRetry);
      this.#resumeRetry = setTimeout(() => {
        if (this.#token === token && this.#signaling.status.kind === 'open') this.#sendResume(token);
      }, frame.retryAfterMs ?? 1000);
      return;
    }
    if (this.#revoking !== null && frame.ref === 'resume') {
      // The token is dead already (expired or revoked): nothing is left to sign out.
      if (frame.code !== ErrorCode.Internal) clearPendingLogout();
      this.#revoking = null;
      return;
    }
    if (
      frame.code === ErrorCode.SessionExpired ||
      (frame.ref === 'resume' && frame.code !== ErrorCode.Internal)
    ) {
      // The remembered session is gone: back to the sign-in screen, history stays on this device.
      this.#endSession();
      this.#setAuth({ kind: 'signed-out', pending: null, error: errorFrameText(frame) });
      return;
    }
    if (
      this.#auth.kind === 'signed-out' &&
      this.#auth.pending &&
      (frame.ref === 'login' || frame.ref === 'register')
    ) {
      this.#setAuth({ kind: 'signed-out', pending: null, error: errorFrameText(frame) });
      return;
    }
    if (this.account.failed(frame)) return;
    if (frame.ref === 'group-entry') {
      this.#messenger?.groupLog.failed(frame.code);
      return;
    }
    if (frame.ref?.startsWith('group-')) {
      // An error about a request since replaced by another is old news: not shown.
      if (this.groups.requests.failed(frame.ref, errorFrameText(frame))) this.#emit();
      return;
    }
    // An unknown peer just went offline; a takeover is reported by the close that follows.
    if (frame.code === ErrorCode.UnknownPeer || frame.code === ErrorCode.SessionReplaced) return;
    consoleWarn(`server error ${frame.code}: ${frame.message}`);
  }

  /** Opens the user's local history once; later calls wait for the same opening. */
  #openMessenger(user: string): Promise<void> {
    if (this.#messenger?.me === user) return Promise.resolve();
    this.#opening ??= (async () => {
      await this.#deviceKeys.of(user);
      const store = await openAccountStore(user);
      const messenger = await Messenger.open({
        me: user,
        store,
        sendSignal: (to, data) => this.#signaling.send({ type: 'signal', to, data }),
        sendServer: (frame) => this.#signaling.send(frame),
        onChange: () => this.#emit(),
        ...(this.#options.createLink ? { createLink: this.#options.createLink } : {}),
        ...(this.#options.iceTransportPolicy ? { iceTransportPolicy: this.#options.iceTransportPolicy } : {}),
      });
      if (this.#auth.kind === 'signed-in' && this.#auth.user === user) this.#messenger = messenger;
      else messenger.close();
    })().finally(() => {
      this.#opening = null;
    });
    return this.#opening;
  }

  #endSession(): void {
    clearTimeout(this.#resumeRetry);
    this.account.reset();
    this.#token = null;
    clearSession();
    this.#messenger?.close();
    this.#messenger = null;
  }

  #setAuth(auth: AuthState): void {
    this.#auth = auth;
    this.#emit();
  }

  #emit(): void {
    this.dispatchEvent(new Event('change'));
  }
}
