/**
 * The receiver's side of file transfers: fetching each incoming file from a holder (its author
 * first, then any member who has it), storing it as it arrives, resuming from what is stored, and
 * checking its digest (in its offer's hash scheme) before anyone may save it.
 */
import { msg } from '@lit/localize';
import { ErrorCode, ProtocolError } from '../../../shared/errors.js';
import { decodeChunk } from '../../../shared/file-protocol.js';
import type { FileCancelReason } from '../../../shared/file-protocol.js';
import type { StoredFile } from '../../storage/stored-file.js';
import type { StoredMessage } from '../../storage/stored-message.js';
import { formatBytes } from './format-bytes.js';
import type { TransferState } from './transfer-state.js';
import { FileDownload } from './file-download.js';

export class FileReceiving {
  readonly #state: TransferState;
  readonly #downloads = new Map<string, FileDownload>();
  /** Downloads whose bytes are all stored, waiting for the holder's `file-hash`: id → digest. */
  readonly #awaitingHash = new Map<string, string>();
  readonly #starting = new Set<string>();
  /** Cancels not yet told to the file's author (not connected then): id → author. */
  readonly #cancelsToSend = new Map<string, string>();

  constructor(state: TransferState) {
    this.#state = state;
  }

  download(id: string): FileDownload | null {
    return this.#downloads.get(id) ?? null;
  }

  awaitingHash(id: string): boolean {
    return this.#awaitingHash.has(id);
  }

  /** A file message someone else wrote was stored (live or caught up): fetch the file. */
  async incoming(message: StoredMessage): Promise<void> {
    const info = message.file;
    if (!info || message.author === this.#state.me || this.#starting.has(message.id)) return;
    this.#starting.add(message.id);
    try {
      const existing = this.#state.rowInMemory(message.id) ?? (await this.#state.files.get(message.id));
      if (existing) {
        this.#state.holdRow(existing);
        if (existing.status === 'pending') await this.#startDownload(existing);
        return;
      }
      const row: StoredFile = {
        id: message.id,
        conversation: message.conversation,
        author: message.author,
        info,
        role: 'incoming',
        status: 'pending',
        have: 0,
        hashState: null,
        blob: null,
        completedBy: [],
        cancelledBy: null,
        updatedAt: Date.now(),
      };
      // A big file, or one from someone this user never talked to, waits to be asked for.
      const unasked = await this.#state.fetchPolicy.fetchesUnasked(
        message.author,
        message.conversation,
        info.size,
      );
      // Before anything moves: a transfer that cannot fit is refused in words, not failed half way.
      const free = unasked ? await this.#state.freeBytes() : null;
      if (!unasked) {
        row.status = 'offered';
      } else if (free !== null && free < info.size) {
        row.status = 'no-space';
        this.#state.setNote(row.id, notEnoughSpace(info.size, free));
        this.#state.links.send(message.author, { type: 'file-cancel', id: row.id, reason: 'no-space' });
      }
      this.#state.holdRow(row);
      await this.#state.files.put(row);
      this.#state.redraw(row.id);
      if (row.status === 'pending') await this.#startDownload(row);
    } finally {
      this.#starting.delete(message.id);
    }
  }

  /** After a reload: every unfinished file goes on where it stopped. */
  async resumeAll(): Promise<void> {
    for (const row of await this.#state.files.unfinished()) {
      this.#state.holdRow(row);
      if (row.role !== 'incoming') continue;
      // One file that cannot go on must not keep the others (or the messenger) from starting.
      await this.#startDownload(row).catch((error: unknown) =>
        this.#state.links.warn(`resuming file ${row.id} failed`, error),
      );
    }
  }

  async #startDownload(row: StoredFile): Promise<void> {
    if (this.#downloads.has(row.id) || this.#state.closed) return;
    const events = {
      stored: (have: number) => this.#stored(download, have),
      complete: (digest: string) => void this.#complete(download, digest),
      failed: (error: unknown) => void this.#writeFailed(download, error),
    };
    let download: FileDownload;
    try {
      download = await FileDownload.resume(row, this.#state.work, events);
    } catch (error) {
      // A stored hasher state that does not load (damaged, or from another hash-wasm), or a block
      // state whose stored rest of a block cannot be read back: the chunks cannot be verified
      // without it, so the file starts over rather than being trusted.
      this.#state.links.warn(`file ${row.id}: stored hash state unusable; starting it again`, error);
      await this.#state.files.reset(row.id);
      Object.assign(row, { have: 0, hashState: null });
      download = await FileDownload.resume(row, this.#state.work, events);
    }
    if (this.#downloads.has(row.id)) return download.close();
    this.#downloads.set(row.id, download);
    // An empty file needs nothing from anyone; its completion is reported shortly.
    if (download.count === 0) return download.finishIfEmpty();
    this.#fetch(download);
  }

  /** Asks the first open holder that has not refused; otherwise waits for one (connecting to the author). */
  #fetch(download: FileDownload): void {
    const row = this.#state.rowInMemory(download.id);
    if (!row || download.closed) return;
    if (download.holder && this.#state.links.isOpen(download.holder)) return;
    download.holder = null;
    for (const peer of this.#holdersOf(row)) {
      if (download.tried.has(peer) || !this.#state.links.isOpen(peer)) continue;
      download.holder = peer;
      if (this.#state.links.send(peer, { type: 'file-request', id: download.id, from: download.nextIndex }))
        break;
      download.holder = null;
    }
    if (!download.holder && this.#state.directory.isOnline(row.author)) this.#state.links.connect(row.author);
    this.#state.redraw(download.id);
  }

  /** Who may have the file: its author first, then everyone else in the conversation. */
  #holdersOf(row: StoredFile): string[] {
    const others = this.#state.directory
      .membersOf(row.conversation)
      .filter((user) => user !== this.#state.me && user !== row.author);
    return [row.author, ...others];
  }

  #stored(download: FileDownload, have: number): void {
    const row = this.#state.rowInMemory(download.id);
    if (row) row.have = have;
    this.#state.recordProgress(download.id, have * download.info.chunkSize);
    if (download.holder) this.#state.links.send(download.holder, { type: 'file-ack', id: download.id, have });
    this.#state.progress(download.id);
  }

  async #complete(download: FileDownload, digest: string): Promise<void> {
    const row = this.#state.rowInMemory(download.id);
    if (!row) return;
    if (row.info.hash === undefined) {
      this.#awaitingHash.set(row.id, digest);
      // The holder may have gone: ask again from the end, which only brings the hash.
      if (download.holder)
        this.#state.links.send(download.holder, { type: 'file-request', id: row.id, from: download.count });
      this.#state.redraw(row.id);
      return;
    }
    await this.#verify(row, digest, download.holder);
  }

  async #verify(row: StoredFile, digest: string, holder: string | null): Promise<void> {
    this.#downloads.delete(row.id);
    this.#awaitingHash.delete(row.id);
    if (digest === row.info.hash) {
      row.status = 'complete';
      await this.#state.files.update(row.id, { status: 'complete' });
    } else {
      row.status = 'corrupt';
      this.#state.links.warn(`file ${row.id} arrived with another SHA-256 (${ErrorCode.FileCorrupt})`);
      await this.#state.files.update(row.id, { status: 'corrupt' });
      await this.#state.files.deleteChunks(row.id);
      if (holder) this.#state.links.send(holder, { type: 'file-cancel', id: row.id, reason: 'corrupt' });
    }
    this.#state.redraw(row.id);
  }

  async #writeFailed(download: FileDownload, error: unknown): Promise<void> {
    this.#downloads.delete(download.id);
    const row = this.#state.rowInMemory(download.id);
    if (!row) return;
    if (download.holder)
      this.#state.links.send(download.holder, { type: 'file-cancel', id: row.id, reason: 'no-space' });
    const quota = error instanceof DOMException && error.name === 'QuotaExceededError';
    this.#state.links.warn(`storing file ${row.id} failed`, error);
    row.status = 'no-space';
    this.#state.setNote(
      row.id,
      quota
        ? msg('Storage ran out while it arrived: free some space, then try again.')
        : msg('Could not store it here.'),
    );
    await this.#state.files.update(row.id, { status: 'no-space' }).catch(() => undefined);
    this.#state.redraw(row.id);
  }

  /** A binary frame from `peer`: a chunk of a file it is sending us. */
  chunk(peer: string, bytes: Uint8Array): void {
    let chunk;
    try {
      chunk = decodeChunk(bytes);
    } catch (error) {
      if (error instanceof ProtocolError) this.#state.links.warn(`bad chunk from ${peer}: ${error.message}`);
      return;
    }
    const download = this.#downloads.get(chunk.id);
    // Chunks in flight when a transfer stopped or moved to another holder are expected: drop them.
    if (!download || download.holder !== peer) return;
    const problem = download.accept(peer, chunk.index, chunk.data);
    if (problem === null) return;
    this.#state.links.warn(`${peer} sent chunk ${chunk.index} of ${chunk.id} that does not fit (${problem})`);
    // A holder that sends what was not asked is not asked again; someone else may have the file.
    download.tried.add(peer);
    download.holder = null;
    this.#state.links.send(peer, { type: 'file-cancel', id: chunk.id, reason: 'refused' });
    this.#fetch(download);
  }

  /** `peer`, holding or authoring `id`, stopped sending it. */
  async stopped(peer: string, id: string, reason: FileCancelReason): Promise<void> {
    const row = await this.#state.row(id);
    if (!row || row.role !== 'incoming') return;
    const download = this.#downloads.get(id);
    if (reason === 'cancelled' && peer === row.author && row.status === 'pending') {
      download?.close();
      this.#downloads.delete(id);
      this.#awaitingHash.delete(id);
      row.status = 'cancelled';
      row.cancelledBy = peer;
      await this.#state.files.update(id, { status: 'cancelled', cancelledBy: peer });
      await this.#state.files.deleteChunks(id);
      this.#state.redraw(id);
      return;
    }
    // It does not have it (any more), or refused: someone else may.
    if (download && download.holder === peer) {
      download.tried.add(peer);
      download.holder = null;
      this.#fetch(download);
    }
  }

  /** The SHA-256 of `id` from its author or holder, for an offer that came without one. */
  async hashFrom(peer: string, id: string, hash: string): Promise<void> {
    const row = this.#state.rowInMemory(id);
    const download = this.#downloads.get(id);
    if (!row || row.role !== 'incoming' || row.status !== 'pending') return;
    if (peer !== row.author && peer !== download?.holder) return;
    if (row.info.hash !== undefined) {
      if (row.info.hash !== hash)
        this.#state.links.warn(`${peer} sent another hash for ${id}; the offer's stands`);
      return;
    }
    row.info = { ...row.info, hash };
    await this.#state.files.update(id, { info: row.info });
    const digest = this.#awaitingHash.get(id);
    if (digest !== undefined) await this.#verify(row, digest, download?.holder ?? peer);
  }

  /** `peer` can send `id` again. */
  ready(peer: string, id: string): void {
    const download = this.#downloads.get(id);
    if (!download) return;
    download.tried.delete(peer);
    this.#fetch(download);
  }

  connectionOpened(peer: string): void {
    for (const [id, author] of this.#cancelsToSend) {
      if (author === peer && this.#state.links.send(peer, { type: 'file-cancel', id, reason: 'cancelled' }))
        this.#cancelsToSend.delete(id);
    }
    for (const download of this.#downloads.values()) {
      download.tried.delete(peer);
      if (!download.holder) this.#fetch(download);
    }
  }

  connectionClosed(peer: string): void {
    for (const download of this.#downloads.values()) {
      download.tried.delete(peer);
      if (download.holder === peer) {
        download.holder = null;
        this.#fetch(download);
      }
    }
  }

  /** Whether an unfinished download waits for `peer` (so the messenger connects to it). */
  waitsFor(peer: string): boolean {
    for (const download of this.#downloads.values()) {
      if (!download.holder && this.#state.rowInMemory(download.id)?.author === peer) return true;
    }
    return false;
  }

  /** This user cancels receiving `row`: the holder stops, and nothing of it stays stored. */
  async cancel(row: StoredFile): Promise<void> {
    const download = this.#downloads.get(row.id);
    download?.close();
    this.#downloads.delete(row.id);
    this.#awaitingHash.delete(row.id);
    // The author hears it even when nothing was moving yet, now or once connected, so its card
    // stops waiting for this user.
    const told = new Set([download?.holder ?? row.author, row.author]);
    for (const peer of told) {
      if (
        !this.#state.links.send(peer, { type: 'file-cancel', id: row.id, reason: 'cancelled' }) &&
        peer === row.author
      )
        this.#cancelsToSend.set(row.id, peer);
    }
    await this.#state.files.update(row.id, { status: 'cancelled', cancelledBy: this.#state.me });
    await this.#state.files.deleteChunks(row.id);
  }

  /**
   * Fetches an incoming file again from the start (after it arrived damaged, or there was no room),
   * or for the first time when it was only offered.
   */
  async retry(row: StoredFile): Promise<void> {
    this.#state.clearNote(row.id);
    const free = await this.#state.freeBytes();
    if (free !== null && free < row.info.size) {
      this.#state.setNote(row.id, notEnoughSpace(row.info.size, free));
      this.#state.redraw(row.id);
      return;
    }
    await this.#state.files.reset(row.id);
    Object.assign(row, { status: 'pending', have: 0, hashState: null, cancelledBy: null });
    await this.#startDownload(row);
  }

  close(): void {
    for (const download of this.#downloads.values()) download.close();
  }
}

function notEnoughSpace(needed: number, free: number): string {
  return `Not enough storage: this file needs ${formatBytes(needed)} and ${formatBytes(free)} is free.`;
}
