import { fork } from 'node:child_process';
import { WebSocket } from 'ws';
const N = Number(process.argv[2] ?? 2000);
if (process.argv[3]) {
  const url = process.argv[3];
  for (let i = 0; i < N; i++) {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    await new Promise((r) => ws.once('open', r));
    ws.send(JSON.stringify({ type: 'register', version: 1, username: `u${i}`, password: 'password1' }));
    await new Promise((r) => ws.once('message', r));
    ws.on('message', () => {});
  }
  process.send!('done');
} else {
  const { startServer } = await import('../signaling/server.js');
  const server = await startServer({ scryptCost: 16 });
  const mem = () => {
    (globalThis as unknown as { gc(): void }).gc();
    return process.memoryUsage();
  };
  const before = mem();
  const child = fork(new URL(import.meta.url).pathname, [String(N), `ws://127.0.0.1:${server.port}/ws`], {
    execArgv: ['--import', 'tsx'],
  });
  await new Promise((r) => child.once('message', r));
  await new Promise((r) => setTimeout(r, 1000));
  const after = mem();
  console.log('before', before, 'after', after);
  for (const k of ['rss', 'heapTotal', 'heapUsed', 'external'] as const)
    console.log(k, ((after[k] - before[k]) / 1024 / N).toFixed(2), 'KB/conn');
  if (process.env.SNAP) {
    const v8 = await import('node:v8');
    console.log(v8.writeHeapSnapshot('/tmp/server.heapsnapshot'));
  }
  child.kill();
  process.exit(0);
}
