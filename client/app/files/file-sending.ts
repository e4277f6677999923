/**
 * The holder's side of file transfers: offering own files, and serving chunks to any member who asks
 * — the author for its own files, any member for a file it has complete (so a group member who was
 * away can fetch a file from whoever is online).
 */
import { msg, str } from '@lit/localize';
import {
  FILE_CHUNK_BYTES,
  HASH_SCHEME_BLOCKS,
  MediaType,
  chunkCount,
  safeFileName,
} from '../../../shared/file-protocol.js';
import type { FileCancelReason, FileInfo } from '../../../shared/file-protocol.js';
import { KEEP_OUTGOING_BYTES } from '../../storage/file-store.js';
import type { StoredFile } from '../../storage/stored-file.js';
import type { TransferState } from './transfer-state.js';
import { FileUpload, outgoingBytesStored } from './file-upload.js';

/** Files up to this size are hashed before they are offered (a fraction of a second); bigger ones while they move. */
const HASH_FIRST_BYTES = 8 * 1024 * 1024;

export class FileSending {
  readonly #state: TransferState;
  /** Outgoing files held in memory (every size), by id: what the sender chose in this page. */
  readonly #sources = new Map<string, Blob>();
  /** `${peer}\n${id}` → the upload to that peer. */
  readonly #uploads = new Map<string, FileUpload>();
  /** Uploads asked for before their link reported open. */
  readonly #parked = new Set<FileUpload>();

  constructor(state: TransferState) {
    this.#state = state;
  }

  /**
   * The offer for `file`, in the block digest (its blocks go through WebCrypto); small files are
   * hashed first, big ones while they move.
   */
  async describe(file: File): Promise<FileInfo> {
    const info: FileInfo = {
      name: safeFileName(file.name),
      size: file.size,
      type: MediaType.safeParse(file.type).success ? file.type : '',
      hashScheme: HASH_SCHEME_BLOCKS,
      chunkSize: FILE_CHUNK_BYTES,
    };
    if (file.size <= HASH_FIRST_BYTES) info.hash = await this.#state.work.hash(file, info.hashScheme);
    return info;
  }

  /** Registers an own file message before it goes out, so requests for it can be served at once. */
  add(id: string, conversation: string, info: FileInfo, file: Blob, recipients: readonly string[]): void {
    const row: StoredFile = {
      id,
      conversation,
      author: this.#state.me,
      info,
      role: 'outgoing',
      status: recipients.length === 0 ? 'complete' : 'pending',
      have: 0,
      hashState: null,
      blob: file.size <= (this.#state.keepOutgoingBytes ?? KEEP_OUTGOING_BYTES) ? file : null,
      recipients: [...recipients],
      completedBy: [],
      cancelledBy: null,
      updatedAt: Date.now(),
    };
    this.#state.holdRow(row);
    this.#sources.set(id, file);
    void this.#state.files
      .put(row)
      .catch((error: unknown) => this.#state.links.warn('storing a file failed', error));
    if (info.hash === undefined) void this.#hashInBackground(id, file, info);
  }

  /** Whether this page holds the bytes of own file `id` (chosen here, or kept in storage). */
  hasSource(id: string): boolean {
    return this.#sources.has(id) || this.#state.rowInMemory(id)?.blob != null;
  }

  source(id: string): Blob | null {
    return this.#sources.get(id) ?? null;
  }

  uploadsOf(id: string): FileUpload[] {
    return [...this.#uploads.values()].filter((upload) => upload.id === id);
  }

  /** `peer` asks for chunks of `id` from `from` on. */
  async serve(peer: string, id: string, from: number): Promise<void> {
    const refuse = (reason: FileCancelReason): void =>
      void this.#state.links.send(peer, { type: 'file-cancel', id, reason });
    const row = await this.#state.row(id);
    if (!row) return refuse('unavailable');
    if (peer === this.#state.me || !this.#state.directory.isMember(row.conversation, peer))
      return refuse('refused');
    if (row.role === 'outgoing' && row.status === 'cancelled') return refuse('cancelled');
    const blob =
      row.role === 'outgoing'
        ? (this.#sources.get(id) ?? row.blob)
        : row.status === 'complete'
          ? await this.#state.files.blobOf(id)
          : null;
    if (!blob) {
      this.#state.redraw(id); // the sender's own view turns to "choose the file again"
      return refuse('unavailable');
    }
    if (from > chunkCount(row.info)) return refuse('refused');
    const previous = this.#uploads.get(uploadKey(peer, id));
    if (previous) this.#stop(previous);
    if (row.info.hash !== undefined)
      this.#state.links.send(peer, { type: 'file-hash', id, hash: row.info.hash });
    const upload = new FileUpload(peer, id, row.info, from, {
      read: (start, end) => this.#state.work.readFrames(blob, id, row.info, start, end),
      wake: () => this.#state.links.bulk.wake(peer),
      readFailed: (error) => {
        this.#state.links.warn(`reading file ${id} failed`, error);
        this.#stop(upload);
        refuse('unavailable');
        if (row.role === 'outgoing') this.#sources.delete(id);
        this.#state.redraw(id);
      },
    });
    if (upload.finished) return this.#finished(upload, row);
    this.#uploads.set(uploadKey(peer, id), upload);
    // A request can come before this side has seen its own channel open (simple-peer reports the open
    // a little later than frames may arrive): the upload then starts at `connectionOpened`.
    if (!this.#state.links.bulk.add(peer, upload)) this.#parked.add(upload);
    this.#state.redraw(id);
  }

  /** `peer` has stored chunks 0 … `have` − 1 of `id`. */
  async acked(peer: string, id: string, have: number): Promise<void> {
    const upload = this.#uploads.get(uploadKey(peer, id));
    if (!upload) return;
    upload.ack(have);
    const row = await this.#state.row(id);
    if (row) this.#state.recordProgress(id, outgoingBytesStored(row, this.uploadsOf(id)));
    this.#state.progress(id);
    if (!upload.finished) return;
    this.#stop(upload);
    if (row) await this.#finished(upload, row);
  }

  /** `peer` stopped receiving `id` (it cancelled, had no room, or it arrived damaged). */
  async stopped(peer: string, id: string, reason: FileCancelReason): Promise<void> {
    const upload = this.#uploads.get(uploadKey(peer, id));
    if (upload) this.#stop(upload);
    const row = await this.#state.row(id);
    if (row?.role !== 'outgoing' || !this.#state.directory.isMember(row.conversation, peer)) return;
    const note: Partial<Record<FileCancelReason, string>> = {
      cancelled: msg(str`${peer} cancelled it.`),
      'no-space': msg(str`${peer} has no room for it.`),
      corrupt: msg(str`It reached ${peer} damaged.`),
    };
    const text = note[reason];
    if (text && reason !== 'corrupt') {
      // Remembered with the file, so the sender's card still says so after a reload, and the file
      // no longer waits for this recipient.
      row.declined = { ...row.declined, [peer]: text };
      void this.#state.files
        .update(id, { declined: row.declined })
        .catch((error: unknown) => this.#state.links.warn('storing a decline failed', error));
    } else if (text) this.#state.setNote(id, text);
    this.#state.redraw(id);
  }

  /** This user cancels sending own file `id`: to everyone still receiving it, and to anyone who asks later. */
  async cancel(row: StoredFile): Promise<void> {
    for (const upload of this.uploadsOf(row.id)) {
      this.#state.links.send(upload.peer, { type: 'file-cancel', id: row.id, reason: 'cancelled' });
      this.#stop(upload);
    }
    await this.#state.files.update(row.id, { status: 'cancelled', cancelledBy: this.#state.me });
  }

  /** The sender gives the file again after a reload; it must be the same file (in its row's hash scheme). */
  async chooseAgain(row: StoredFile, file: File): Promise<void> {
    const { id } = row;
    const notSame = (what: string): void => {
      this.#state.setNote(id, `That is not the same file: ${safeFileName(file.name)} has ${what}.`);
      this.#state.redraw(id);
    };
    if (file.size !== row.info.size) return notSame('another size');
    if (
      row.info.hash !== undefined &&
      (await this.#state.work.hash(file, row.info.hashScheme)) !== row.info.hash
    )
      return notSame('other contents');
    this.#state.clearNote(id);
    this.#sources.set(id, file);
    if (row.info.hash === undefined) void this.#hashInBackground(id, file, row.info);
    for (const peer of this.#state.directory.membersOf(row.conversation)) {
      if (peer !== this.#state.me && !row.completedBy.includes(peer))
        this.#state.links.send(peer, { type: 'file-ready', id });
    }
    this.#state.redraw(id);
  }

  connectionOpened(peer: string): void {
    for (const upload of [...this.#parked]) {
      if (upload.peer !== peer) continue;
      this.#parked.delete(upload);
      if (!this.#state.links.bulk.add(peer, upload)) this.#stop(upload);
    }
  }

  connectionClosed(peer: string): void {
    for (const upload of [...this.#uploads.values()]) {
      if (upload.peer === peer) this.#stop(upload);
    }
  }

  close(): void {
    for (const upload of this.#uploads.values()) upload.close();
  }

  /** Hashes own file `id` mostly from what its uploads read anyway (`FileWork.hashAlong`), then tells them. */
  async #hashInBackground(id: string, file: Blob, info: FileInfo): Promise<void> {
    try {
      const hash = await this.#state.work.hashAlong(file, id, info.hashScheme);
      const row = this.#state.rowInMemory(id);
      if (!row || this.#state.closed) return;
      row.info = { ...row.info, hash };
      await this.#state.files.update(id, { info: row.info });
      for (const upload of this.uploadsOf(id))
        this.#state.links.send(upload.peer, { type: 'file-hash', id, hash });
    } catch (error) {
      this.#state.links.warn(`hashing file ${id} failed`, error);
    }
  }

  async #finished(upload: FileUpload, row: StoredFile): Promise<void> {
    if (row.role !== 'outgoing' || row.completedBy.includes(upload.peer)) return;
    row.completedBy = [...row.completedBy, upload.peer];
    this.#state.redraw(row.id);
    // The store decides when the row ends (every recipient has it or declined), so a finished file
    // stops being listed as unfinished after a reload.
    const stored = await this.#state.files.recipientHasAll(row.id, upload.peer);
    if (stored?.status === 'complete' && row.status === 'pending') {
      row.status = 'complete';
      this.#state.redraw(row.id);
    }
  }

  #stop(upload: FileUpload): void {
    upload.close();
    this.#parked.delete(upload);
    this.#state.links.bulk.remove(upload.peer, upload);
    this.#uploads.delete(uploadKey(upload.peer, upload.id));
    this.#state.redraw(upload.id);
  }
}

function uploadKey(peer: string, id: string): string {
  return `${peer}\n${id}`;
}
