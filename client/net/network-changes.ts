/**
 * Tells when the device's network may have changed — back online, or another connection type
 * (Wi-Fi to cable, a laptop waking) — so open peer connections can look for a new path at once
 * instead of waiting for ICE to notice the old one is gone.
 */

/** Calls `listener` on each change; returns the function that stops listening. */
export type NetworkChanges = (listener: () => void) => () => void;

/** The Network Information API, where the browser has it (Chromium); not in TypeScript's DOM types. */
interface NetworkInformationLike {
  addEventListener(type: 'change', listener: () => void): void;
  removeEventListener(type: 'change', listener: () => void): void;
}

/** The browser's `online` event and, where there is one, `navigator.connection`'s `change`. */
export const browserNetworkChanges: NetworkChanges = (listener) => {
  const connection = (globalThis.navigator as { connection?: NetworkInformationLike } | undefined)
    ?.connection;
  globalThis.addEventListener?.('online', listener);
  connection?.addEventListener('change', listener);
  return () => {
    globalThis.removeEventListener?.('online', listener);
    connection?.removeEventListener('change', listener);
  };
};
