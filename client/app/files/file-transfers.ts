/**
 * Files between this browser and its peers. A file is a message (stored, acked and caught up like
 * any other); its bytes move in a receiver-driven stream over the pair connection: the receiver asks
 * a holder (the author first, then any other member who has it) for chunks from the count it has
 * stored, the holder streams them behind chat frames, the receiver writes them in batches and acks.
 * Every resume — a dropped connection, a reload on either side — is just another request from the
 * stored count. This class routes frames and commands to the two halves and makes the views.
 */
import { isPreviewableImage } from '../../../shared/file-protocol.js';
import type { FileInfo } from '../../../shared/file-protocol.js';
import type { PeerFrame } from '../../../shared/peer-protocol.js';
import type { StoredFile } from '../../storage/stored-file.js';
import type { StoredMessage } from '../../storage/stored-message.js';
import { TransferState } from './transfer-state.js';
import type { FileTransfersDeps } from './transfer-state.js';
import { FileReceiving } from './file-receiving.js';
import { FileSending } from './file-sending.js';
import { fileView } from './file-view.js';
import type { FileView } from './file-view.js';

export type { FileTransfersDeps } from './transfer-state.js';

/** Previews are made of images up to this size. */
const PREVIEW_MAX_BYTES = 32 * 1024 * 1024;

export type FileFrame = Extract<
  PeerFrame,
  { type: 'file-request' | 'file-ack' | 'file-cancel' | 'file-hash' | 'file-ready' }
>;

export function isFileFrame(frame: PeerFrame): frame is FileFrame {
  return frame.type.startsWith('file-');
}

export class FileTransfers {
  readonly #state: TransferState;
  readonly #sending: FileSending;
  readonly #receiving: FileReceiving;
  readonly #views = new Map<string, { view: FileView; online: string }>();
  readonly #previews = new Map<string, string>();
  readonly #loading = new Set<string>();

  constructor(deps: FileTransfersDeps) {
    this.#state = new TransferState(deps, (id) => this.#views.delete(id));
    this.#sending = new FileSending(this.#state);
    this.#receiving = new FileReceiving(this.#state);
  }

  // ── sending and receiving ────────────────────────────────────────────────────────────────────

  /** The offer for `file`; small files are hashed first, big ones while they move. */
  describe(file: File): Promise<FileInfo> {
    return this.#sending.describe(file);
  }

  /** Registers an own file message before it goes out, so requests for it can be served at once. */
  addOutgoing(
    id: string,
    conversation: string,
    info: FileInfo,
    file: Blob,
    recipients: readonly string[],
  ): void {
    this.#sending.add(id, conversation, info, file, recipients);
  }

  /** A file message someone else wrote was stored (live or caught up): fetch the file. */
  incoming(message: StoredMessage): Promise<void> {
    return this.#receiving.incoming(message);
  }

  /** After a reload: every unfinished file goes on where it stopped. */
  resumeAll(): Promise<void> {
    return this.#receiving.resumeAll();
  }

  // ── from peers ───────────────────────────────────────────────────────────────────────────────

  /** A binary frame from `peer`: a chunk of a file it is sending us. */
  chunk(peer: string, bytes: Uint8Array): void {
    this.#receiving.chunk(peer, bytes);
  }

  async frame(peer: string, frame: FileFrame): Promise<void> {
    switch (frame.type) {
      case 'file-request':
        return this.#sending.serve(peer, frame.id, frame.from);
      case 'file-ack':
        return this.#sending.acked(peer, frame.id, frame.have);
      case 'file-cancel':
        // Either side may say it: the half that has the transfer handles it.
        await this.#sending.stopped(peer, frame.id, frame.reason);
        return this.#receiving.stopped(peer, frame.id, frame.reason);
      case 'file-hash':
        return this.#receiving.hashFrom(peer, frame.id, frame.hash);
      case 'file-ready':
        return this.#receiving.ready(peer, frame.id);
      default: {
        const unreachable: never = frame;
        return unreachable;
      }
    }
  }

  /** The data channel to `peer` opened: parked uploads start, waiting downloads ask it. */
  connectionOpened(peer: string): void {
    this.#sending.connectionOpened(peer);
    this.#receiving.connectionOpened(peer);
  }

  /** The data channel to `peer` closed: its uploads stop, downloads from it look for another holder. */
  connectionClosed(peer: string): void {
    this.#sending.connectionClosed(peer);
    this.#receiving.connectionClosed(peer);
  }

  /** Whether an unfinished download waits for `peer` (so the messenger connects to it). */
  waitsFor(peer: string): boolean {
    return this.#receiving.waitsFor(peer);
  }

  // ── commands ─────────────────────────────────────────────────────────────────────────────────

  async cancel(id: string): Promise<void> {
    const row = await this.#state.row(id);
    if (!row || row.status !== 'pending') return;
    row.status = 'cancelled';
    row.cancelledBy = this.#state.me;
    this.#state.redraw(id);
    if (row.role === 'incoming') await this.#receiving.cancel(row);
    else await this.#sending.cancel(row);
  }

  /** Fetches an incoming file again from the start (after it arrived damaged, or there was no room). */
  async retry(id: string): Promise<void> {
    const row = await this.#state.row(id);
    if (!row || row.role !== 'incoming' || row.status === 'pending' || row.status === 'complete') return;
    await this.#receiving.retry(row);
  }

  /** The person asks for a file that was only offered (too big, or from a stranger): it is fetched now. */
  async download(id: string): Promise<void> {
    const row = await this.#state.row(id);
    if (row?.role !== 'incoming' || row.status !== 'offered') return;
    await this.#receiving.retry(row);
  }

  /** The sender gives the file again after a reload; it must be the same file. */
  async chooseAgain(id: string, file: File): Promise<void> {
    const row = await this.#state.row(id);
    if (row?.role === 'outgoing') await this.#sending.chooseAgain(row, file);
  }

  /** The file's bytes to save, or null when this browser does not have them. */
  async blobOf(id: string): Promise<Blob | null> {
    return this.#sending.source(id) ?? (await this.#state.files.blobOf(id));
  }

  // ── views ────────────────────────────────────────────────────────────────────────────────────

  /** The view of a file message; loads its row the first time it is asked for. */
  view(message: StoredMessage): FileView | null {
    const info = message.file;
    if (!info) return null;
    // Who is online shows on the card ("waiting for … to come online"): a change there is a new view.
    const { directory } = this.#state;
    const online = [message.author, ...message.recipients]
      .map((user) => (directory.isOnline(user) ? 1 : 0))
      .join('');
    const cached = this.#views.get(message.id);
    if (cached?.online === online) return cached.view;
    const row = this.#state.rowInMemory(message.id);
    if (!row) void this.#load(message);
    const view = fileView({
      me: this.#state.me,
      info,
      row,
      recipients: message.recipients,
      download: this.#receiving.download(message.id),
      awaitingHash: this.#receiving.awaitingHash(message.id),
      uploads: this.#sending.uploadsOf(message.id),
      hasSource: this.#sending.hasSource(message.id),
      rate: this.#state.rateOf(message.id),
      note: this.#state.note(message.id),
      previewUrl: this.#preview(message.id, row),
      authorOnline: directory.isOnline(message.author),
      recipientsOnline: message.recipients.filter((user) => directory.isOnline(user)),
    });
    this.#views.set(message.id, { view, online });
    return view;
  }

  close(): void {
    this.#state.close();
    this.#sending.close();
    this.#receiving.close();
    this.#state.closeWork();
    for (const url of this.#previews.values()) URL.revokeObjectURL(url);
  }

  async #load(message: StoredMessage): Promise<void> {
    const { id } = message;
    if (this.#loading.has(id)) return;
    this.#loading.add(id);
    try {
      const row = await this.#state.files.get(id);
      if (row && this.#state.holdRowIfNew(row)) this.#state.redraw(id);
      // An offer stored without its file row (the page closed in between): start it now.
      if (!row && message.author !== this.#state.me) await this.incoming(message);
    } finally {
      this.#loading.delete(id);
    }
  }

  #preview(id: string, row: StoredFile | null): string | null {
    const url = this.#previews.get(id);
    if (url !== undefined) return url;
    if (!row || row.info.size > PREVIEW_MAX_BYTES) return null;
    // A voice clip gets a URL for its player. The claimed type decides only how the bytes are
    // decoded, as an image or as audio: neither an <img> nor an <audio> runs script.
    const type = row.info.voice ? voiceType(row.info.type) : row.info.type.split(';')[0]!;
    if (!row.info.voice && !isPreviewableImage(type)) return null;
    const ready = row.role === 'outgoing' ? this.#sending.hasSource(id) : row.status === 'complete';
    if (!ready || this.#loading.has(`preview:${id}`)) return null;
    this.#loading.add(`preview:${id}`);
    void this.blobOf(id).then((blob) => {
      if (!blob || this.#state.closed) return;
      this.#previews.set(id, URL.createObjectURL(new Blob([blob], { type })));
      this.#state.redraw(id);
    });
    return null;
  }
}

/** A voice clip's type as its player gets it: the recorded audio type, or webm (what Chromium records). */
function voiceType(claimed: string): string {
  return /^audio\//i.test(claimed) ? claimed : 'audio/webm';
}
