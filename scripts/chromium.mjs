// How every test and benchmark starts Chromium: the system install (never a downloaded browser),
// headless, as root, with WebRTC working on any machine.

/** `CHROME_PATH`, or Debian's chromium package. */
export const chromiumPath = process.env.CHROME_PATH ?? '/usr/bin/chromium';

/**
 * `--allow-loopback-in-peer-connection` plus microphone permission (granted per context) lets a
 * loopback-only machine gather ICE candidates at all; the fake media flags give that permission a
 * device behind it. The background-networking flags keep Chromium off a network it cannot reach.
 */
export const chromiumArgs = Object.freeze([
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--allow-loopback-in-peer-connection',
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
]);
