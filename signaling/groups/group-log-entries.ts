/**
 * What the server checks of a group log entry before storing it (shared/group-log.ts): its shape and
 * size, that it is about this group and in the sender's own name, that the sender is a member, and
 * that it follows the log's last entry. It cannot check the signature (it trusts no key) and need
 * not: members replay the log and ignore what does not verify. These checks keep honest logs a chain
 * and bound what one member can store.
 */
import { createHash } from 'node:crypto';
import { ErrorCode, ProtocolError } from '../../shared/errors.js';
import { MAX_GROUP_LOG_ENTRIES, parseGroupEntry } from '../../shared/group-log.js';
import type { GroupLogStore } from '../store/group-log-store.js';
import type { GroupStore } from '../store/group-store.js';
import type { GroupFailure, GroupResult } from './group-service.js';

const fail = (code: ErrorCode, message: string) => ({ ok: false, failure: { code, message } }) as const;

/** SHA-256 of an entry's text, lowercase hex: what the next entry names as `prev`. */
export function entryHash(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

export interface EntryAuthor {
  /** The sender's name key. */
  key: string;
  /** The sender's registered spelling: the entry's `actor` must be exactly this. */
  user: string;
}

/** Stores `text` as the next entry of `groupId`'s log if `author` may append it. */
export async function appendEntry(
  store: GroupStore & GroupLogStore,
  author: EntryAuthor,
  groupId: string,
  text: string,
): Promise<GroupResult<object>> {
  let entry;
  try {
    entry = parseGroupEntry(text);
  } catch (error) {
    if (error instanceof ProtocolError) return fail(error.code, error.detail);
    throw error;
  }
  if (entry.group !== groupId) return fail(ErrorCode.BadFrame, 'the entry is about another group');
  if (entry.actor !== author.user) return fail(ErrorCode.BadFrame, 'the entry is not in the sender’s name');
  const group = await store.getGroup(groupId);
  if (!group?.members.some((member) => member.key === author.key)) return unknownGroup();
  const prev = entry.prev ?? null;
  const result = await store.appendGroupEntry(
    groupId,
    { text, hash: entryHash(text), prev },
    MAX_GROUP_LOG_ENTRIES,
  );
  switch (result) {
    case 'appended':
      return { ok: true };
    case 'stale':
      return fail(ErrorCode.GroupLogStale, 'the entry does not follow the log’s last entry');
    case 'full':
      return fail(ErrorCode.GroupLogFull, `a group log holds at most ${MAX_GROUP_LOG_ENTRIES} entries`);
    case 'unknown-group':
      return unknownGroup();
  }
}

function unknownGroup(): { ok: false; failure: GroupFailure } {
  return fail(ErrorCode.UnknownGroup, 'No such group.');
}
