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
 * Firefox's counterparts of the Chromium flags (scripts/chromium.mjs): a fake microphone that needs
 * no prompt, and on a loopback-only machine ICE candidates on 127.0.0.1 under their real address
 * (Firefox hides host addresses behind mDNS names otherwise).
 */
export const FIREFOX_PREFS: Readonly<Record<string, boolean>> = Object.freeze({
  'media.navigator.streams.fake': true,
  'media.navigator.permission.disabled': true,
  'media.peerconnection.ice.loopback': true,
  'media.peerconnection.ice.obfuscate_host_addresses': false,
});

export function launchFirefox(): Promise<Browser> {
  return firefox.launch({
    channel: 'moz-firefox',
    executablePath: BIDI_SHIM,
    headless: true,
    firefoxUserPrefs: { ...FIREFOX_PREFS },
  });
}
