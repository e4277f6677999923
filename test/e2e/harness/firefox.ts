/**
 * The one Firefox of a test file, launched from the system install (Debian's `firefox-esr`) — never
 * downloaded — through playwright-core's WebDriver BiDi channel, so the same `Person` drives it as
 * drives Chromium. One browser context per person, each with its own storage.
 */
import { firefox } from 'playwright-core';
import type { Browser } from 'playwright-core';
import { fileURLToPath } from 'node:url';

/** The stand-in executable that starts `FIREFOX_PATH` (default `/usr/bin/firefox-esr`); see its notes. */
const BIDI_SHIM = fileURLToPath(new URL('./firefox-bidi-shim.mjs', import.meta.url));

/**
 * Firefox's counterpart of Chromium's fake-media flags (scripts/chromium.mjs): a fake microphone that
 * needs no prompt.
 *
 * Unlike Chromium, Firefox here could not be made to connect on a loopback-only machine (tried in a
 * network namespace with only `lo`): it gathered ICE candidates on the default route's address only
 * ("use only default local addresses" in its nICEr log), even after a getUserMedia from the fake
 * microphone and with `media.peerconnection.ice.loopback`, so with no default route it had none. The
 * Firefox tests need a network interface with a default route, as this machine has.
 */
export const FIREFOX_PREFS: Readonly<Record<string, boolean>> = Object.freeze({
  'media.navigator.streams.fake': true,
  'media.navigator.permission.disabled': true,
});

export function launchFirefox(): Promise<Browser> {
  return firefox.launch({
    channel: 'moz-firefox',
    executablePath: BIDI_SHIM,
    headless: true,
    firefoxUserPrefs: { ...FIREFOX_PREFS },
  });
}
