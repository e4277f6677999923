import type { PeerLink } from '../../../client/net/peer-mesh.js';

/**
 * A peer link that never opens and sends nothing, as a connection whose ICE finds no path;
 * `onClose` runs when the mesh closes it.
 */
export function idleLink(onClose: () => void = () => undefined): PeerLink {
  return {
    isOpen: false,
    bufferedAmount: 0,
    fingerprints: { local: [], remote: [] },
    signal: () => undefined,
    send: () => false,
    sendBinary: () => false,
    close: onClose,
  };
}
