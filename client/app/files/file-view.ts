/**
 * What the log shows of a file message: its transfer state in numbers and words. The view types live
 * here, with the one function that makes them; the transfer classes only feed it their state.
 */
import { msg, str } from '@lit/localize';
import { safeFileName } from '../../../shared/file-protocol.js';
import type { FileInfo, VoiceInfo } from '../../../shared/file-protocol.js';
import type { StoredFile } from '../../storage/stored-file.js';
import type { FileDownload } from './file-download.js';
import { outgoingBytesStored } from './file-upload.js';
import type { FileUpload } from './file-upload.js';
import type { TransferRate } from './transfer-rate.js';

/**
 * Where a file is. `waiting`: incoming, and no one online has it to send (yet); `moving`: chunks are
 * flowing; `complete`: verified and stored (incoming) or stored by every recipient (outgoing);
 * `needs-file`: outgoing, the sender reloaded and must choose the file again; `failed`: cancelled,
 * corrupt or no room, with `detail` saying which in words; `offered`: incoming, not fetched until the
 * person asks (too big, or from someone they never talked to).
 */
export type FileState = 'waiting' | 'moving' | 'complete' | 'needs-file' | 'failed' | 'offered';

/** A file message's transfer, as the log shows it. Immutable: a change makes a new view. */
export interface FileView {
  /** Safe to show and to save (shared `safeFileName`). */
  readonly name: string;
  readonly size: number;
  readonly type: string;
  readonly state: FileState;
  /** Bytes stored at the receiving end (outgoing, to several: summed over recipients, as is `total`). */
  readonly done: number;
  readonly total: number;
  /** While moving: measured speed, and seconds left at that speed; null until measured. */
  readonly bytesPerSecond: number | null;
  readonly secondsLeft: number | null;
  /** A sentence for a state that needs one: "Not enough storage: …", "alice cancelled it". */
  readonly detail: string | null;
  readonly canCancel: boolean;
  /** Incoming complete, or outgoing kept here: the file can be saved. */
  readonly canSave: boolean;
  /** Failed in a way that trying again may fix (corrupt, no room). */
  readonly canRetry: boolean;
  /** Offered and not fetched: **Download** fetches it. */
  readonly canDownload?: boolean;
  /** An object URL of the stored image, for a preview; the app revokes it when it goes. */
  readonly previewUrl: string | null;
  readonly voice: VoiceInfo | null;
}

export interface FileViewInput {
  me: string;
  /** The offer, from the message. */
  info: FileInfo;
  /** The file's row, once loaded (null before: shown as waiting). */
  row: StoredFile | null;
  /** Outgoing: who must get it. */
  recipients: readonly string[];
  download: FileDownload | null;
  awaitingHash: boolean;
  uploads: readonly FileUpload[];
  /** Outgoing: this browser still has the file's bytes. */
  hasSource: boolean;
  rate: TransferRate | null;
  note: string | null;
  previewUrl: string | null;
  authorOnline: boolean;
  /** Outgoing: the recipients online now. */
  recipientsOnline: readonly string[];
}

export function fileView(input: FileViewInput): FileView {
  const { info, row } = input;
  const base = {
    name: safeFileName(info.name),
    size: info.size,
    type: info.type,
    voice: info.voice ?? null,
    previewUrl: input.previewUrl,
  };
  const speed = (done: number, total: number) => ({
    bytesPerSecond: input.rate?.bytesPerSecond ?? null,
    secondsLeft: input.rate?.secondsLeft(total - done) ?? null,
  });
  const still = { bytesPerSecond: null, secondsLeft: null };
  if (!row) {
    return {
      ...base,
      ...still,
      state: 'waiting',
      done: 0,
      total: info.size,
      detail: null,
      canCancel: false,
      canSave: false,
      canRetry: false,
    };
  }
  if (row.role === 'incoming') return incomingView(input, row, base, speed);
  return outgoingView(input, row, base, speed);
}

type Base = Pick<FileView, 'name' | 'size' | 'type' | 'voice' | 'previewUrl'>;
type Speed = (done: number, total: number) => Pick<FileView, 'bytesPerSecond' | 'secondsLeft'>;

function incomingView(input: FileViewInput, row: StoredFile, base: Base, speed: Speed): FileView {
  const size = row.info.size;
  const failed = (detail: string, canRetry: boolean): FileView => ({
    ...base,
    bytesPerSecond: null,
    secondsLeft: null,
    state: 'failed',
    done: 0,
    total: size,
    detail,
    canCancel: false,
    canSave: false,
    canRetry,
  });
  switch (row.status) {
    case 'complete':
      return {
        ...base,
        bytesPerSecond: null,
        secondsLeft: null,
        state: 'complete',
        done: size,
        total: size,
        detail: null,
        canCancel: false,
        canSave: true,
        canRetry: false,
      };
    case 'cancelled':
      return failed(
        row.cancelledBy === input.me ? msg('You cancelled it.') : cancelledByText(row.cancelledBy),
        row.cancelledBy === input.me,
      );
    case 'corrupt':
      return failed(msg('It arrived damaged (its SHA-256 did not match), so it was not kept.'), true);
    case 'no-space':
      return failed(input.note ?? msg('Not enough storage for this file.'), true);
    case 'offered':
      return {
        ...base,
        bytesPerSecond: null,
        secondsLeft: null,
        state: 'offered',
        done: 0,
        total: size,
        detail: null,
        canCancel: false,
        canSave: false,
        canRetry: false,
        canDownload: true,
      };
    case 'pending': {
      const done = Math.min(row.have * row.info.chunkSize, size);
      const moving = input.download?.holder != null;
      let detail: string | null = null;
      const author = row.author;
      if (input.awaitingHash) detail = msg('Checking it…');
      else if (!moving && input.download?.tried.has(row.author))
        detail = msg(str`Waiting for ${author} to share the file again.`);
      else if (!moving)
        detail = input.authorOnline
          ? msg(str`Waiting for ${author}'s browser to connect…`)
          : msg(str`Waiting for ${author} (or someone who has it) to come online.`);
      return {
        ...base,
        ...(moving ? speed(done, size) : { bytesPerSecond: null, secondsLeft: null }),
        state: moving ? 'moving' : 'waiting',
        done,
        total: size,
        detail,
        canCancel: true,
        canSave: false,
        canRetry: false,
      };
    }
  }
}

/**
 * An outgoing file waits for its recipients (none named: for the recipient). One who is online has
 * it offered (a big file, or one from someone they never wrote to, waits for their **Download**), so
 * "come online" would be wrong for them.
 */
function waitingForText(people: readonly string[], online: readonly string[]): string {
  if (people.length === 0) return msg('Waiting for the recipient to come online.');
  const here = people.filter((user) => online.includes(user));
  const away = people.filter((user) => !online.includes(user));
  const texts: string[] = [];
  if (here.length > 0) {
    const names = here.join(', ');
    texts.push(msg(str`Offered to ${names}: waiting for them to download it.`));
  }
  if (away.length > 0) {
    const names = away.join(', ');
    texts.push(msg(str`Waiting for ${names} to come online.`));
  }
  return texts.join(' ');
}

/** Who cancelled an incoming file, when it was not this user. */
function cancelledByText(who: string | null): string {
  return who === null ? msg('The sender cancelled it.') : msg(str`${who} cancelled it.`);
}

function outgoingView(input: FileViewInput, row: StoredFile, base: Base, speed: Speed): FileView {
  const size = row.info.size;
  const declined = row.declined ?? {};
  // Recipients who cancelled or had no room are not waited for; what they said stays on the card.
  const recipients = input.recipients.filter((user) => declined[user] === undefined);
  const declines = Object.values(declined).join(' ');
  const completed = recipients.filter((user) => row.completedBy.includes(user)).length;
  if (recipients.length === 0 && input.recipients.length > 0 && row.status !== 'cancelled') {
    return {
      ...base,
      canSave: input.hasSource,
      canRetry: false,
      bytesPerSecond: null,
      secondsLeft: null,
      state: 'failed',
      done: 0,
      total: size,
      detail: declines,
      canCancel: false,
    };
  }
  const allDone = row.status === 'complete' || (recipients.length > 0 && completed === recipients.length);
  const common = { ...base, canSave: input.hasSource, canRetry: false };
  if (row.status === 'cancelled') {
    return {
      ...common,
      bytesPerSecond: null,
      secondsLeft: null,
      state: 'failed',
      done: 0,
      total: size,
      detail: msg('You cancelled it.'),
      canCancel: false,
    };
  }
  if (allDone) {
    return {
      ...common,
      bytesPerSecond: null,
      secondsLeft: null,
      state: 'complete',
      done: size,
      total: size,
      detail: input.note ?? (declines || null),
      canCancel: false,
    };
  }
  const total = size * Math.max(recipients.length, 1);
  const done = outgoingBytesStored(row, input.uploads);
  const count = recipients.length;
  const counted = count > 1 ? msg(str`Stored by ${completed} of ${count}.`) : null;
  if (!input.hasSource) {
    return {
      ...common,
      bytesPerSecond: null,
      secondsLeft: null,
      state: 'needs-file',
      done,
      total,
      detail: input.note ?? msg('This page was reloaded: choose the file again to finish sending it.'),
      canCancel: true,
    };
  }
  const moving = input.uploads.length > 0;
  const waitingFor = recipients.filter((user) => !row.completedBy.includes(user));
  return {
    ...common,
    ...(moving ? speed(done, total) : { bytesPerSecond: null, secondsLeft: null }),
    state: moving ? 'moving' : 'waiting',
    done,
    total,
    detail:
      input.note ??
      (declines || null) ??
      counted ??
      (moving ? null : waitingForText(waitingFor, input.recipientsOnline)),
    canCancel: true,
  };
}
