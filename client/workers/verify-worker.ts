/**
 * The verification worker: a dedicated module Worker (bundled by scripts/build.mjs as
 * /verify-worker.js) that checks batches of message signatures, so that a catch-up's thousand
 * signatures do not run on the page's main thread: Chromium runs `crypto.subtle.verify`
 * synchronously on the calling thread (~0.06 ms each, a 1,000-message catch-up was one 60–100 ms
 * task). It checks with the same function and the same provider rule as the page
 * (device-key.ts `verifySignature`, crypto-provider.ts: WebCrypto where this worker has
 * `crypto.subtle`, the pure-JS provider where it has not), so its verdicts are the page's.
 * verify-messages.ts says what each message means; worker-verifier.ts is the page's end.
 */
// First, as in the page's entry: zod parses without `new Function`, whatever policy the script gets.
import '../zod-config.js';
import { cryptoProvider } from '../app/identity/crypto-provider.js';
import { verifySignature } from '../app/identity/device-key.js';
import { parseVerifyRequest } from './verify-messages.js';
import type { VerifyReply } from './verify-messages.js';

/*
 * The little of a dedicated worker's global scope used here (the client compiles against the DOM
 * library, whose `self` is a Window).
 */
interface WorkerScope {
  postMessage(message: VerifyReply): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<unknown>) => void): void;
}

const scope = globalThis as unknown as WorkerScope;

scope.addEventListener('message', (event) => void handle(event.data));

async function handle(data: unknown): Promise<void> {
  const request = parseVerifyRequest(data);
  if (typeof request === 'string') {
    console.warn(`[parley] verify worker: ${request}`);
    scope.postMessage({ type: 'refused', detail: request });
    return;
  }
  const provider = await cryptoProvider();
  const verdicts = await Promise.all(
    request.items.map((item) => verifySignature(item.identity, item.sig, item.statement, provider)),
  );
  scope.postMessage({ type: 'verdicts', call: request.call, verdicts });
}
