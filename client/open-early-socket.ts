/**
 * The entry's first import: opens the signaling socket before the rest of the bundle is evaluated
 * (client/net/early-socket.ts says why). An import, not a statement in main.ts, because a module's
 * own statements run only after everything it imports.
 */
import { openEarlySocket, signalingUrl } from './net/early-socket.js';

openEarlySocket(signalingUrl(location));
