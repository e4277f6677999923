/**
 * What a file's digest costs per MB, in a real Chromium on a page of the real server's origin
 * (WebCrypto needs a secure context), with the app's own hashers (bench/lib/hashing-page.ts): the
 * whole-file SHA-256 streamed through hash-wasm (offers of before the block scheme), and the block
 * digest (`sha256-blocks-1mib`: each 1 MiB block by WebCrypto, or by hash-wasm where there is no
 * `crypto.subtle`), fed 64 KiB chunks as a download is, and read from a Blob as `hashBlob` does.
 * Wall time in the page, run one after another, so it stands for the CPU a transfer spends hashing
 * (WebCrypto digests on another thread, which the page waits for).
 *
 * Prints a table (median and best over the rounds, ms per MB of 10^6 bytes), then as the last stdout
 * line one JSON object: {"mib","whole_wasm_ms_per_mb","blocks_webcrypto_ms_per_mb","blocks_wasm_ms_per_mb"}.
 * Env: BENCH_HASH_MB (64) sets the buffer's size in MiB. Flags: `--quick` hashes 8 MiB.
 */
import type { HashingTimes } from './lib/hashing-page.js';
import { bundlePageSide, loadPageSide } from './lib/page-side.js';
import { progress, runBench } from './lib/run-bench.js';

const MIB = process.argv.includes('--quick') ? 8 : Number(process.env['BENCH_HASH_MB'] ?? 64);
const ROUNDS = 3;
const PAGE_SIDE = { entry: new URL('./lib/hashing-page.ts', import.meta.url), ready: 'parleyHashingBench' };

const median = (samples: readonly number[]): number =>
  [...samples].sort((a, b) => a - b)[samples.length >> 1]!;
const ms = (value: number): string => value.toFixed(2).padStart(6);

runBench<HashingTimes>(
  { deadlineMs: 5 * 60_000 },
  async (bench) => {
    const bundle = await bundlePageSide(PAGE_SIDE);
    const page = await (await (await bench.chromium()).newContext()).newPage();
    bench.problems.watch(page, 'hasher');
    await page.goto(bench.server.url);
    await loadPageSide(page, PAGE_SIDE, bundle);
    progress(`hashing ${MIB} MiB, ${ROUNDS} rounds`);
    return page.evaluate(([mib, rounds]) => window.parleyHashingBench!.run(mib!, rounds!), [MIB, ROUNDS]);
  },
  (times) => {
    console.log(`File digests over ${MIB} MiB, ms per MB (median / best of ${ROUNDS})`);
    for (const [name, samples] of Object.entries(times.msPerMb))
      console.log(`  ${name.padEnd(44)} ${ms(median(samples))} / ${ms(Math.min(...samples))}`);
    const of = (name: string): number => Number(median(times.msPerMb[name] ?? [NaN]).toFixed(2));
    console.log(
      JSON.stringify({
        mib: MIB,
        whole_wasm_ms_per_mb: of('whole file, hash-wasm (64 KiB chunks)'),
        blocks_webcrypto_ms_per_mb: of('blocks, WebCrypto (64 KiB chunks)'),
        blocks_wasm_ms_per_mb: of('blocks, hash-wasm fallback (64 KiB chunks)'),
      }),
    );
  },
);
