/**
 * The relay, PairDrop's `_signalAndRelay` done with types: the recipient is looked up among those
 * online, `from` is stamped from the authenticated connection (never the client's claim), and the
 * payload — already checked for its shape by `parseClientFrame` — passes as it came. The server never
 * reads SDP. A recipient on another node of a cluster is reached through the bus. Kept apart from `client-connection.ts` so the connection only dispatches.
 */
import { WebSocket } from 'ws';
import { ErrorCode } from '../../shared/errors.js';
import { nameKey, normalizeUsername } from '../../shared/names.js';
import { MAX_FRAME_BYTES, type ClientFrame, type ServerFrame } from '../../shared/protocol.js';
import type { ConnectionContext } from './connection-context.js';
import type { PairLimiter } from './pair-limiter.js';

type SignalFrame = Extract<ClientFrame, { type: 'signal' }>;

/** What relaying needs of the sending connection. */
export interface RelayPort {
  readonly ctx: ConnectionContext;
  /** The sending connection: a signal to oneself is refused like one to someone offline. */
  readonly self: object;
  /** Signals per recipient, so one sender cannot flood one victim with `connect`s. */
  readonly pairs: PairLimiter;
  refuse(level: 'warn' | 'debug', code: ErrorCode, message: string, ref: string): void;
  rateLimited(message: string, ref: string, retryAfterMs: number): void;
}

/** Relays `frame` from `user` to its recipient, or answers the sender with why not. */
export function relaySignal(port: RelayPort, user: string, frame: SignalFrame): void {
  const key = nameKey(normalizeUsername(frame.to));
  const { presence } = port.ctx;
  const target = presence.find(key)?.member;
  const elsewhere = !target && presence.nodeOf(key) !== undefined;
  const here = target && target !== port.self && target.socket.readyState === WebSocket.OPEN;
  if (!here && !elsewhere) {
    port.refuse('debug', ErrorCode.UnknownPeer, `${frame.to} is not online.`, 'signal');
    return;
  }
  const wait = port.pairs.take(key);
  if (wait > 0) {
    port.rateLimited(`Too many signals to ${frame.to}; slow down.`, 'signal', wait);
    return;
  }
  const out = JSON.stringify({ type: 'signal', from: user, data: frame.data } satisfies ServerFrame);
  if (out.length > MAX_FRAME_BYTES) {
    port.refuse('warn', ErrorCode.FrameTooLarge, 'The signal is too large to relay.', 'signal');
    return;
  }
  // On another node through the bus: at most once, like any signal (peers retry what gets no answer).
  if (target) target.forward(out);
  else if (!presence.relayRemote(key, out)) {
    // Shed: the way to the other node is full. Answered like a recipient who is gone (clients retry).
    port.refuse('debug', ErrorCode.UnknownPeer, `${frame.to} cannot be reached right now.`, 'signal');
    return;
  }
  port.ctx.metrics.relayed(target ? 'local' : 'cross-node');
}
