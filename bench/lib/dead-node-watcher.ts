/**
 * A user on node A in a thread of its own, for bench/cluster.ts's dead-node figure: the bench's
 * other 10,000 users share one event loop, and when node B dies each of A's 5,000 is told of 5,000
 * users going offline. Read there, the watcher's frames waited behind the parsing of 25 million
 * others: the figure measured this process, not Parley. A real user has a browser of their own;
 * so has this one. It joins (workerData: url, name), posts 'ready', then posts the ms from the
 * parent's 'start' to the `user-offline` of workerData.gone.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { User } from './cluster-nodes.js';

const { url, name, gone } = workerData as { url: string; name: string; gone: string };
const port = parentPort!;
const user = await User.join(url, name);
port.postMessage({ type: 'ready' });
port.once('message', () => {
  const started = performance.now();
  user.onMessage = (data) => user.parse(data);
  user.onFrame = (frame) => {
    if (frame.type !== 'user-offline' || frame.user !== gone) return;
    port.postMessage({ type: 'seen', ms: performance.now() - started });
    user.ws.terminate();
  };
  port.postMessage({ type: 'started' });
});
