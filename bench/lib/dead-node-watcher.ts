/**
 * A user on node A in a thread of its own, for bench/cluster.ts's dead-node figure: the bench's
 * other 10,000 users share one event loop, and when node B dies each of A's 5,000 is told of 5,000
 * users going offline. Read there, the watcher's frames waited behind the parsing of everyone
 * else's: the figure measured this process, not Parley. A real user has a browser of their own; so
 * has this one. It joins (workerData: url, name), posts 'ready', then, from the parent's 'start',
 * posts 'first' with the ms until the first of workerData.gone was told offline and 'seen' with the
 * ms until the last of them was.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { User } from './cluster-nodes.js';

const { url, name, gone } = workerData as { url: string; name: string; gone: string[] };
const port = parentPort!;
const user = await User.join(url, name);
port.postMessage({ type: 'ready' });
port.once('message', () => {
  const started = performance.now();
  const waiting = new Set(gone);
  const offline = (users: readonly string[]): void => {
    const before = waiting.size;
    for (const user of users) waiting.delete(user);
    if (waiting.size === before) return;
    if (before === gone.length) port.postMessage({ type: 'first', ms: performance.now() - started });
    if (waiting.size > 0) return;
    port.postMessage({ type: 'seen', ms: performance.now() - started });
    user.ws.terminate();
  };
  user.onMessage = (data) => user.parse(data);
  user.onFrame = (frame) => {
    if (frame.type === 'user-offline') offline([frame.user]);
    if (frame.type === 'users-offline') offline(frame.users);
  };
  port.postMessage({ type: 'started' });
});
