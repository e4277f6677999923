/** The browser entry: one app store for this tab, rendered by <parley-app>, and the service worker. */
import './open-early-socket.js';
import './zod-config.js';
import { AppStore } from './app/session/app-store.js';
import { earlyOrNewSocket, signalingUrl } from './net/early-socket.js';
import { testIcePolicy } from './app/session/test-ice-policy.js';
import './components/shell/parley-app.js';
import { AppUpdates } from './pwa/app-updates.js';
import { startLanguage } from './i18n/locale.js';

// The remembered language, else the browser's: loaded before the first render, so a Chinese page
// does not flash English.
await startLanguage();

const store = new AppStore({
  signalingUrl: signalingUrl(location),
  createSocket: earlyOrNewSocket,
  ...testIcePolicy(),
});
const app = document.createElement('parley-app');
app.store = store;
// The offline copy of the app (client/pwa/sw.ts) and the notice when a new build is ready.
app.updates = AppUpdates.start();
document.body.append(app);
void store.start();
