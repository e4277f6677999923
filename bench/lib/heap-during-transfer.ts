/**
 * The receiver's memory during a big transfer, the file benchmark's (d): a file must go to storage
 * as it arrives, not into one huge in-memory buffer. While it moves, the receiving page's V8 heap
 * (CDP `Runtime.getHeapUsage`) is sampled every 250 ms; growth = the highest sample − the heap after
 * a forced GC just before. Workers' heaps and Blob storage are not in that figure.
 */
import type { CDPSession } from 'playwright-core';
import type { Person } from '../../test/e2e/harness/person.js';
import { wallClockMs } from './file-probe.js';
import { MiB, sendFile, transferTimeoutMs } from './file-transfer.js';
import type { FileTransfer } from './file-transfer.js';

const HEAP_SAMPLE_MS = 250;

export interface HeapSamples {
  beforeMiB: number;
  maxMiB: number;
  afterGcMiB: number;
  samples: number;
  transfer: FileTransfer;
}

async function usedHeapMiB(cdp: CDPSession): Promise<number> {
  return (await cdp.send('Runtime.getHeapUsage')).usedSize / MiB;
}

/** Sends the file at `path` while sampling the receiving page's JS heap. */
export async function heapDuringTransfer(
  sender: Person,
  receiver: Person,
  path: string,
  bytes: number,
): Promise<HeapSamples> {
  const cdp = await receiver.context.newCDPSession(receiver.page);
  try {
    await cdp.send('HeapProfiler.enable');
    await cdp.send('HeapProfiler.collectGarbage');
    const beforeMiB = await usedHeapMiB(cdp);
    let maxMiB = beforeMiB;
    let samples = 0;
    let moving = true;
    const transfer = sendFile(sender, receiver, path, bytes).finally(() => {
      moving = false;
    });
    // Awaited below; until then a failure must not count as unhandled.
    transfer.catch(() => undefined);
    const stopAt = wallClockMs() + transferTimeoutMs(bytes);
    while (moving && wallClockMs() < stopAt) {
      maxMiB = Math.max(maxMiB, await usedHeapMiB(cdp));
      samples += 1;
      await new Promise((resolve) => setTimeout(resolve, HEAP_SAMPLE_MS));
    }
    const result = await transfer;
    maxMiB = Math.max(maxMiB, await usedHeapMiB(cdp));
    await cdp.send('HeapProfiler.collectGarbage');
    const afterGcMiB = await usedHeapMiB(cdp);
    return { beforeMiB, maxMiB, afterGcMiB, samples, transfer: result };
  } finally {
    await cdp.detach().catch(() => undefined);
  }
}
