/**
 * The row this folder keeps for each file a message carries, sent or received, and its validation.
 * Like every row, it is checked on each read (see stored-message.ts): the database outlives the code.
 * The file's bytes are not in the row: an incoming file's chunks are rows of their own (file-store.ts).
 */
import * as z from 'zod';
import { chunkCount, FileInfo } from '../../shared/file-protocol.js';
import { CHAT_MESSAGE_FIELDS } from '../../shared/peer-protocol.js';

/** `outgoing`: this user sends the file; `incoming`: it is being (or was) received here. */
export const FileRole = z.enum(['outgoing', 'incoming']);
export type FileRole = z.infer<typeof FileRole>;

/**
 * `pending`: still moving (or waiting to); `complete`: stored whole and verified (incoming) or sent
 * to everyone (outgoing); `cancelled`: someone stopped it; `corrupt`: it arrived with another hash;
 * `no-space`: this browser's storage could not hold it; `offered`: incoming, not fetched without
 * asking (too big, or from a stranger) until the person asks for it.
 */
export const StoredFileStatus = z.enum([
  'pending',
  'complete',
  'cancelled',
  'corrupt',
  'no-space',
  'offered',
]);
export type StoredFileStatus = z.infer<typeof StoredFileStatus>;

/** A file's transfer state as this browser stores it. */
export interface StoredFile {
  /** The id of the message that carries the file, 32 hex digits. */
  id: string;
  conversation: string;
  author: string;
  info: FileInfo;
  role: FileRole;
  status: StoredFileStatus;
  /** Incoming: chunks 0 to `have` − 1 are stored; a resumed transfer asks from `have` on. */
  have: number;
  /**
   * Incoming: the hasher state saved with `have` chunks, so a resume need not re-read them: a
   * hash-wasm SHA-256 state for a whole-file hash, a block state (client/workers/block-hash.ts, its
   * whole blocks only) when `info.hashScheme` says so.
   */
  hashState: Uint8Array | null;
  /** Outgoing: the file itself while the sender keeps it (at most `KEEP_OUTGOING_BYTES`), else null. */
  blob: Blob | null;
  /** Outgoing: the recipients that stored the whole file. */
  completedBy: string[];
  /**
   * Outgoing: who must get the file (the message's recipients): once each has it or declined it, the
   * row is complete and no longer resumed. Optional: rows put without it, and rows of before v4 whose
   * message could not be read, have none; `FileStore.recipientHasAll` then takes the message's.
   */
  recipients?: string[];
  /**
   * Outgoing: recipients who will not get it, with why, in words ("bob cancelled it."): they cancelled
   * or had no room. Optional: rows written before it existed have none.
   */
  declined?: Record<string, string>;
  /** Who cancelled, when `status` is `cancelled`. */
  cancelledBy: string | null;
  /** When the row last changed (ms since epoch). */
  updatedAt: number;
}

/**
 * `z.object` (not strict), as for messages: an unknown extra field is dropped rather than hiding the
 * file. `Uint8Array` and `Blob` survive IndexedDB's structured clone as themselves, so `instanceof`
 * holds for what was written (in this page's realm, the only one that reads it).
 */
export const StoredFile: z.ZodType<StoredFile> = z
  .object({
    id: CHAT_MESSAGE_FIELDS.id,
    conversation: CHAT_MESSAGE_FIELDS.conversation,
    author: CHAT_MESSAGE_FIELDS.author,
    info: FileInfo,
    role: FileRole,
    status: StoredFileStatus,
    have: z.number().int().nonnegative(),
    hashState: z.instanceof(Uint8Array).nullable(),
    blob: z.instanceof(Blob).nullable(),
    completedBy: z.array(CHAT_MESSAGE_FIELDS.author),
    recipients: z.array(CHAT_MESSAGE_FIELDS.author).optional(),
    declined: z.record(CHAT_MESSAGE_FIELDS.author, z.string().max(200)).optional(),
    cancelledBy: CHAT_MESSAGE_FIELDS.author.nullable(),
    updatedAt: z.number().int().nonnegative(),
  })
  .refine((file) => file.have <= chunkCount(file.info), {
    message: 'have is beyond the chunk count',
    path: ['have'],
  });

/**
 * An outgoing row with `recipients` stored on it, `complete` once every recipient is in
 * `completedBy` or `declined` (a decline is final, so it is not waited for). Only a `pending` row
 * moves: a cancelled one stays cancelled. Other rows come back unchanged.
 */
export function withRecipients(row: StoredFile, recipients: readonly string[]): StoredFile {
  if (row.role !== 'outgoing') return row;
  const declined = row.declined ?? {};
  const settled = recipients.every((peer) => row.completedBy.includes(peer) || declined[peer] !== undefined);
  return {
    ...row,
    recipients: [...recipients],
    status: row.status === 'pending' && settled ? 'complete' : row.status,
  };
}
