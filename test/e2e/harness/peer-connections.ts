/**
 * How many RTCPeerConnections a page has made: an ICE restart keeps its connection, a reconnect
 * makes a new one, and the header cannot always tell the two apart (a reconnect on loopback is over
 * before a person, or a locator, sees "connecting"). Recorded by an init script.
 */
import type { Page } from 'playwright-core';

const COUNT_GLOBAL = 'parleyTestPeerConnections';

/** Init script: counts every `new RTCPeerConnection` of the page in `globalThis.parleyTestPeerConnections`. */
export const COUNT_PEER_CONNECTIONS_SCRIPT = `(() => {
  globalThis.${COUNT_GLOBAL} = 0;
  const Native = globalThis.RTCPeerConnection;
  globalThis.RTCPeerConnection = class extends Native {
    constructor(...args) {
      super(...args);
      globalThis.${COUNT_GLOBAL} += 1;
    }
  };
})();`;

/** The peer connections `page` has made so far. */
export function peerConnectionsMade(page: Page): Promise<number> {
  return page.evaluate((name) => Number((globalThis as Record<string, unknown>)[name]), COUNT_GLOBAL);
}
