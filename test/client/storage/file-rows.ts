// File rows as the app builds them, for the FileStore tests.
import type { StoredFile } from '../../../client/storage/file-store.js';
import { FILE_CHUNK_BYTES } from '../../../shared/file-protocol.js';

export const user = 'alice';
export const dm = 'dm:alice:bob';
const zeroHash = '0'.repeat(64);

export function fileId(n: number): string {
  return n.toString(16).padStart(32, '0');
}

export function incoming(n: number, size: number, fields: Partial<StoredFile> = {}): StoredFile {
  return {
    id: fileId(n),
    conversation: dm,
    author: 'bob',
    info: {
      name: `file ${n}.bin`,
      size,
      type: 'application/octet-stream',
      hash: zeroHash,
      chunkSize: FILE_CHUNK_BYTES,
    },
    role: 'incoming',
    status: 'pending',
    have: 0,
    hashState: null,
    blob: null,
    completedBy: [],
    cancelledBy: null,
    updatedAt: 1000,
    ...fields,
  };
}

export function outgoing(n: number, blob: Blob | null, fields: Partial<StoredFile> = {}): StoredFile {
  return {
    ...incoming(n, blob?.size ?? 5_000_000),
    author: 'alice',
    role: 'outgoing',
    blob,
    ...fields,
  };
}
