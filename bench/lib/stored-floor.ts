/**
 * The floor under any messenger that keeps the files it receives: the raw channel of
 * raw-channel.ts with the least work a file needs at each end, and nothing else. The sender reads
 * the chosen file in 1 MiB slices (the next read overlapping the sends) and digests each slice
 * with WebCrypto; the receiver digests each 1 MiB it gets and writes 4 MiB at a time to IndexedDB
 * as one Blob, one write after another, and says "done" once all is written. No framing, acks,
 * worker hops, progress, resume state or rendering.
 *
 * So Parley ÷ floor is what Parley's own design costs, and floor ÷ raw is what reading, digesting
 * and keeping a file costs on this machine, whoever writes the app: a ratio against the raw
 * channel cannot be above floor ÷ raw for an app that stores what it receives.
 */
import type { Page } from 'playwright-core';
import { HASH_BLOCK_BYTES } from '../../shared/file-protocol.js';
import { DEFAULT_RAW_OPTIONS } from './raw-channel.js';
import type { RawPair, RawTransfer, RawWindow } from './raw-channel.js';

const INPUT_ID = 'floor-file';
/** What one read and one digest hold: Parley's hash block. */
const SLICE_BYTES = HASH_BLOCK_BYTES;
/** What one write holds (whole slices): 4 MiB cost 5–7 ms/MB less than 1 MiB here, in CPU. */
const WRITE_BYTES = 4 * 1024 * 1024;
const FLOOR_DB = 'parley-bench-floor';

/**
 * Sends the file at `path` (of `bytes`) over `pair` as described above, and waits until the
 * receiver has stored all of it. Fails after `timeoutMs`, or if the channel closes.
 */
export async function storedTransfer(
  pair: RawPair,
  path: string,
  bytes: number,
  timeoutMs: number,
): Promise<RawTransfer> {
  await chooseFile(pair.sender, path);
  await pair.receiver.evaluate(installStoringSink, {
    bytes,
    slice: SLICE_BYTES,
    write: WRITE_BYTES,
    db: FLOOR_DB,
  });
  const { chunkBytes, highWaterBytes, lowWaterBytes } = DEFAULT_RAW_OPTIONS;
  const ms = await pair.sender.evaluate(sendChosenFile, {
    bytes,
    timeoutMs,
    slice: SLICE_BYTES,
    chunkBytes,
    highWaterBytes,
    lowWaterBytes,
    input: INPUT_ID,
  });
  await pair.receiver.evaluate(() => ((globalThis as RawWindow).__raw!.sink = null));
  return { bytes, ms, mbps: bytes / 1e6 / (ms / 1000), chatMs: [] };
}

/** Puts `path` in a file input of the sender's blank page, as a person choosing it would. */
async function chooseFile(page: Page, path: string): Promise<void> {
  await page.evaluate((id) => {
    if (document.getElementById(id)) return;
    const input = document.createElement('input');
    input.type = 'file';
    input.id = id;
    document.body.append(input);
  }, INPUT_ID);
  await page.setInputFiles(`#${INPUT_ID}`, path);
}

/** Runs in the receiver's page: stores what arrives, `write` bytes per write, then answers "done". */
async function installStoringSink(options: { bytes: number; slice: number; write: number; db: string }) {
  const { bytes, slice, write, db: name } = options;
  const state = (globalThis as RawWindow).__raw!;
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const request = indexedDB.open(name, 1);
    request.onupgradeneeded = () => request.result.createObjectStore('slices');
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  const settled = (tx: IDBTransaction): Promise<void> =>
    new Promise((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  // The last run's slices go first: a full run would otherwise keep gigabytes.
  const clearing = db.transaction('slices', 'readwrite');
  clearing.objectStore('slices').clear();
  await settled(clearing);

  let parts: Uint8Array[] = [];
  let partBytes = 0;
  let received = 0;
  let stored = 0;
  let writes = Promise.resolve();
  const store = async (batch: Uint8Array[], size: number, key: number): Promise<void> => {
    const block = new Uint8Array(size);
    let at = 0;
    for (const part of batch) {
      block.set(part, at);
      at += part.byteLength;
    }
    const digests: Promise<ArrayBuffer>[] = [];
    for (let from = 0; from < size; from += slice)
      digests.push(crypto.subtle.digest('SHA-256', block.subarray(from, from + slice)));
    await Promise.all(digests);
    const tx = db.transaction('slices', 'readwrite');
    tx.objectStore('slices').put(new Blob(batch as Uint8Array<ArrayBuffer>[]), key);
    await settled(tx);
    stored += size;
    if (stored === bytes) {
      db.close();
      state.channel!.send(`done ${stored}`);
    }
  };
  state.sink = (data) => {
    parts.push(new Uint8Array(data));
    partBytes += data.byteLength;
    received += data.byteLength;
    if (partBytes < write && received < bytes) return;
    const [batch, size, key] = [parts, partBytes, received - partBytes];
    parts = [];
    partBytes = 0;
    writes = writes.then(() => store(batch, size, key));
    writes.catch((error: unknown) => state.channel!.send(`failed ${String(error)}`));
  };
}

/** Runs in the sender's page: reads, digests and sends the chosen file; ms until the receiver stored it. */
async function sendChosenFile(options: {
  bytes: number;
  timeoutMs: number;
  slice: number;
  chunkBytes: number;
  highWaterBytes: number;
  lowWaterBytes: number;
  input: string;
}): Promise<number> {
  const { bytes, timeoutMs, slice, chunkBytes } = options;
  const state = (globalThis as RawWindow).__raw!;
  const channel = state.channel!;
  const file = (document.getElementById(options.input) as HTMLInputElement).files![0]!;
  if (file.size !== bytes) throw new Error(`the chosen file has ${file.size} bytes, not ${bytes}`);
  channel.bufferedAmountLowThreshold = options.lowWaterBytes;

  let fail: (error: Error) => void = () => undefined;
  const failed = new Promise<never>((_, reject) => (fail = reject));
  failed.catch(() => undefined);
  const timer = setTimeout(
    () => fail(new Error(`stored transfer of ${bytes} bytes took over ${timeoutMs} ms`)),
    timeoutMs,
  );
  const onClose = (): void => fail(new Error('the raw data channel closed during a transfer'));
  channel.addEventListener('close', onClose);
  const done = new Promise<string>((resolve) => (state.onDone = resolve));
  const drained = (): Promise<void> =>
    new Promise((resolve) => channel.addEventListener('bufferedamountlow', () => resolve(), { once: true }));
  const read = (at: number): Promise<ArrayBuffer> => file.slice(at, at + slice).arrayBuffer();
  try {
    const startedAt = performance.now();
    const digests: Promise<ArrayBuffer>[] = [];
    let next = read(0);
    for (let at = 0; at < bytes; at += slice) {
      const buffer = await Promise.race([next, failed]);
      if (at + slice < bytes) next = read(at + slice);
      digests.push(crypto.subtle.digest('SHA-256', buffer));
      for (let offset = 0; offset < buffer.byteLength; offset += chunkBytes) {
        if (channel.bufferedAmount > options.highWaterBytes) await Promise.race([drained(), failed]);
        channel.send(new Uint8Array(buffer, offset, Math.min(chunkBytes, buffer.byteLength - offset)));
      }
    }
    await Promise.all(digests);
    const reply = await Promise.race([done, failed]);
    const elapsed = performance.now() - startedAt;
    if (reply !== `done ${bytes}`) throw new Error(`the receiver answered "${reply}" to ${bytes} bytes`);
    return elapsed;
  } finally {
    clearTimeout(timer);
    channel.removeEventListener('close', onClose);
    state.onDone = null;
  }
}
