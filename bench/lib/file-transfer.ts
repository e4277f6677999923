/**
 * One file sent through Parley's UI, as a person sends it, and timed as the receiver sees it: the
 * sender picks a fresh random file through **Attach file**'s file chooser; the time runs from
 * choosing it to **Save** showing in the receiver's message that names the file (seen by the
 * in-page observer of lib/file-probe.ts, then confirmed with Playwright's locators by the UI
 * contract's names). Also the sizes, speeds and timeouts every part of the file benchmark shares.
 *
 * MB/s are decimal (10^6 bytes a second), as network speeds are; sizes are MiB.
 */
import { randomBytes, randomFillSync } from 'node:crypto';
import { open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Person } from '../../test/e2e/harness/person.js';
import { expectSave, saveSeen, wallClockMs } from './file-probe.js';
import type { SaveSeen } from './file-probe.js';

export const MiB = 1024 * 1024;
export const SETUP_TIMEOUT_MS = 30_000;
export const ARRIVAL_TIMEOUT_MS = 15_000;
/** A transfer slower than this fails its timeout: something is wrong, not slow. */
const SLOWEST_MBPS = 2;

/** How long moving `bytes` may take: at the slowest rate, and never under a minute. */
export function transferTimeoutMs(bytes: number): number {
  return Math.max(60_000, (bytes / 1e6 / SLOWEST_MBPS) * 1000);
}

export function mib(bytes: number): string {
  return `${(bytes / MiB).toFixed(bytes % MiB === 0 ? 0 : 1)} MiB`;
}

export function mbps(bytes: number, ms: number): number {
  return bytes / 1e6 / (ms / 1000);
}

export interface FileTransfer {
  bytes: number;
  ms: number;
  mbps: number;
  via: SaveSeen['via'];
  /** When the file was chosen, on the probes' clock. */
  chosenAt: number;
}

/** Files of random bytes to send, in a folder of the run's. */
export class RandomFiles {
  readonly #dir: string;
  #count = 0;

  constructor(dir: string) {
    this.#dir = dir;
  }

  /**
   * Writes a file of `bytes`, with a name no message or other file contains, has `task` send it,
   * and deletes it after: the files of a full run add up to almost 2 GiB.
   */
  async with<T>(label: string, bytes: number, task: (path: string) => Promise<T>): Promise<T> {
    this.#count += 1;
    const path = join(this.#dir, `bench-${label}-${this.#count}-${randomBytes(4).toString('hex')}.bin`);
    await writeRandomFile(path, bytes);
    try {
      return await task(path);
    } finally {
      await rm(path, { force: true });
    }
  }
}

/** Writes `bytes` of random data to `path` (never all in memory: 4 MiB at a time). */
async function writeRandomFile(path: string, bytes: number): Promise<void> {
  const block = Buffer.alloc(Math.min(bytes, 4 * MiB));
  const file = await open(path, 'wx');
  try {
    for (let written = 0; written < bytes;) {
      const size = Math.min(block.length, bytes - written);
      randomFillSync(block, 0, size);
      await file.write(block, 0, size);
      written += size;
    }
  } finally {
    await file.close();
  }
}

/**
 * Sends the file at `path` from `sender` through **Attach file** and waits until `receiver`'s log
 * offers **Save** for it. Timed from choosing the file in the file chooser; `onChosen` is told then.
 */
export async function sendFile(
  sender: Person,
  receiver: Person,
  path: string,
  bytes: number,
  onChosen: () => void = () => undefined,
): Promise<FileTransfer> {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const timeoutMs = transferTimeoutMs(bytes);
  await expectSave(receiver.page, name);
  const chooserShown = sender.page.waitForEvent('filechooser', { timeout: SETUP_TIMEOUT_MS });
  await sender.page.getByRole('button', { name: 'Attach file', exact: true }).click();
  const chooser = await chooserShown;
  const chosenAt = wallClockMs();
  await chooser.setFiles(path);
  onChosen();
  const seen = await saveSeen(receiver.page, name, timeoutMs);
  // The probe's notion of "Save" is looser than a person's: confirm with the UI contract's names
  // (unless the message is out of the rendered rows, where only the view said so).
  const article = receiver.messageLog.getByRole('article').filter({ hasText: name });
  if (seen.via !== 'state')
    await article
      .getByRole('button', { name: 'Save' })
      .or(article.getByRole('link', { name: 'Save' }))
      .first()
      .waitFor({ timeout: ARRIVAL_TIMEOUT_MS });
  const ms = seen.at - chosenAt;
  return { bytes, ms, mbps: mbps(bytes, ms), via: seen.via, chosenAt };
}
