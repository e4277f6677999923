/**
 * What signing and checking messages cost, in a real Chromium on a page of the real server's origin
 * (WebCrypto needs a secure context), with the app's own code (bench/lib/signing-page.ts):
 *
 * - `sign_us`: per own message, the hash of the previous one plus the Ed25519 signature
 *   (`MessageSigner.seal`, awaited one after another as messages are sent);
 * - `verify_us`: per live message, one `MessageVerifier.check` of one message;
 * - `verify_batch_us`: per message of a catch-up batch of 64 checked at once.
 *
 * Each sample times a run of 64 (the page's clock is coarsened to 100 µs). Prints a table (medians
 * and p90 over the samples, in µs), then as the last stdout line one JSON object:
 * {"alg","messages","sign_us","sign_p90_us","verify_us","verify_p90_us","verify_batch_us"}.
 * Flags: `--quick` times 256 messages instead of 2,048.
 */
import type { SigningTimes } from './lib/signing-page.js';
import { summarize } from './lib/latency-stats.js';
import { bundlePageSide, loadPageSide } from './lib/page-side.js';
import { progress, runBench } from './lib/run-bench.js';

const QUICK = process.argv.includes('--quick');
const MESSAGES = QUICK ? 256 : 2_048;
const PAGE_SIDE = { entry: new URL('./lib/signing-page.ts', import.meta.url), ready: 'parleySigningBench' };

const us = (ms: number): number => Math.round(ms * 1000);

runBench<SigningTimes>(
  { deadlineMs: 5 * 60_000 },
  async (bench) => {
    const bundle = await bundlePageSide(PAGE_SIDE);
    const page = await (await (await bench.chromium()).newContext()).newPage();
    bench.problems.watch(page, 'signer');
    await page.goto(bench.server.url);
    await loadPageSide(page, PAGE_SIDE, bundle);
    progress(`signing and checking ${MESSAGES} messages`);
    return page.evaluate((count) => window.parleySigningBench!.run(count), MESSAGES);
  },
  (times) => {
    const sign = summarize(times.sign);
    const one = summarize(times.verifyOne);
    const batch = summarize(times.verifyBatch);
    const rows = [
      ['sign (hash of previous + signature)', sign],
      ['verify one (live message)', one],
      ['verify in a batch of 64 (per message)', batch],
    ] as const;
    console.log(`Message signatures (${times.alg}, ${MESSAGES} messages), µs per message`);
    for (const [label, summary] of rows) {
      console.log(
        `  ${label.padEnd(40)} p50 ${String(us(summary.p50)).padStart(6)}  p90 ${String(us(summary.p90)).padStart(6)}`,
      );
    }
    console.log(
      JSON.stringify({
        alg: times.alg,
        messages: MESSAGES,
        sign_us: us(sign.p50),
        sign_p90_us: us(sign.p90),
        verify_us: us(one.p50),
        verify_p90_us: us(one.p90),
        verify_batch_us: us(batch.p50),
      }),
    );
  },
);
