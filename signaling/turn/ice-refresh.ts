import type { IceServer } from '../../shared/protocol.js';
import type { IceGrant, IceServerSource } from './ice-servers.js';

/** Timers, injected so tests can fire a refresh without waiting hours. */
export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Node's timers, unref'd: a pending refresh never keeps the process alive. */
export const systemTimers: Timers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms).unref(),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/**
 * Hands one connection fresh ICE servers before each TURN credential expires (at 80 % of its life),
 * so a tab left open for days can still relay. Returns the function that stops it; call it when the
 * connection closes or logs out.
 */
export function keepIceFresh(
  source: IceServerSource,
  user: string,
  first: IceGrant,
  send: (iceServers: IceServer[]) => void,
  timers: Timers,
): () => void {
  let handle: unknown = null;
  const schedule = (grant: IceGrant): void => {
    const delay = source.refreshDelayMs(grant);
    if (delay === null) return;
    handle = timers.setTimeout(() => {
      const next = source.grantFor(user);
      send(next.iceServers);
      schedule(next);
    }, delay);
  };
  schedule(first);
  return () => {
    if (handle !== null) timers.clearTimeout(handle);
    handle = null;
  };
}
