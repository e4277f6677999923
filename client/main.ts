/** The browser entry: one app store for this tab, rendered by <parley-app>. */
import './zod-config.js';
import { AppStore } from './app/session/app-store.js';
import './components/shell/parley-app.js';

const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
const store = new AppStore({ signalingUrl: `${scheme}//${location.host}/ws` });
const app = document.createElement('parley-app');
app.store = store;
document.body.append(app);
void store.start();
