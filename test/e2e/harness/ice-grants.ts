/**
 * The TURN credentials the server handed a page — in its `welcome` and in each `ice-servers`
 * refresh — as the page's own WebSocket received them. The app shows no credential on screen, so an
 * init script records them; the credential-expiry e2e then checks them against a real coturn.
 */
import type { Page } from 'playwright-core';

const FRAMES_GLOBAL = 'parleyTestIceFrames';

/**
 * Init script: wraps the page's `WebSocket` so every `welcome` and `ice-servers` frame is kept in
 * `globalThis.parleyTestIceFrames` with the time it arrived. The app's own `onmessage` still runs.
 */
export const RECORD_ICE_GRANTS_SCRIPT = `(() => {
  const frames = (globalThis.${FRAMES_GLOBAL} = []);
  const Native = globalThis.WebSocket;
  globalThis.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (event) => {
        if (typeof event.data !== 'string') return;
        let frame;
        try {
          frame = JSON.parse(event.data);
        } catch {
          return;
        }
        if (frame && (frame.type === 'welcome' || frame.type === 'ice-servers')) {
          frames.push({ type: frame.type, iceServers: frame.iceServers, at: Date.now() });
        }
      });
    }
  };
})();`;

/** One TURN credential as the page got it. */
export interface TurnGrant {
  /** `welcome` at sign-in, `ice-servers` for a refresh. */
  frame: 'welcome' | 'ice-servers';
  username: string;
  credential: string;
  /** The expiry coturn reads from the username, unix seconds. */
  expiresAtS: number;
  /** When the page received it (ms since the epoch). */
  receivedAt: number;
}

interface RecordedFrame {
  type: 'welcome' | 'ice-servers';
  iceServers: Array<{ urls: string | string[]; username?: string; credential?: string }>;
  at: number;
}

/** Waits until `page` has received at least `count` TURN credentials; returns all of them, oldest first. */
export async function turnGrants(page: Page, count: number, timeout: number): Promise<TurnGrant[]> {
  await page.waitForFunction(
    ([name, n]) =>
      (((globalThis as Record<string, unknown>)[name] as unknown[] | undefined)?.length ?? 0) >= n,
    [FRAMES_GLOBAL, count] as const,
    { timeout },
  );
  const frames = await page.evaluate(
    (name) => (globalThis as Record<string, unknown>)[name] as RecordedFrame[],
    FRAMES_GLOBAL,
  );
  return frames.map((frame) => {
    const turn = frame.iceServers.find((server) =>
      [server.urls].flat().some((url) => url.startsWith('turn:') || url.startsWith('turns:')),
    );
    if (!turn?.username || !turn.credential) {
      throw new Error(`a ${frame.type} frame without a TURN credential: ${JSON.stringify(frame.iceServers)}`);
    }
    return {
      frame: frame.type,
      username: turn.username,
      credential: turn.credential,
      expiresAtS: Number(turn.username.split(':')[0]),
      receivedAt: frame.at,
    };
  });
}
