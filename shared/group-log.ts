/**
 * A group's membership as its members signed it: the group log. Each change (create, invite,
 * accept, leave) is an entry signed by the member who makes it, naming the SHA-256 of the entry
 * before it (`prev`), so the server can store and hand out entries — and withhold them — but not
 * invent, alter or reorder them. Clients replay the log from the creator's entry to learn who is a
 * member (client/app/roster/group-replay.ts). Wire shapes and the signed text only: the crypto is
 * in client/app/roster/group-ledger.ts; the server checks only shape, size and order.
 */
import * as z from 'zod';
import { ErrorCode, ProtocolError } from './errors.js';
import { SignatureHex } from './identity-protocol.js';
import { PrevHash } from './message-signature.js';
import { USERNAME_MAX_LENGTH } from './names.js';

/** Tells a group statement apart from anything else the same key signs (the hello, messages). */
export const GROUP_LOG_CONTEXT = 'parley-group-v1';

/** The longest entry text (UTF-16 units): room for a 64-character name in any script and a signature. */
export const MAX_GROUP_ENTRY_LENGTH = 1024;

/**
 * How many entries one group's log may hold (at most ~1 MiB per group with the length above): a
 * full group of 256 members that each joined and left once, and then some.
 */
export const MAX_GROUP_LOG_ENTRIES = 1024;

/** How many entries one `group-log` frame carries: 48 × 1 KiB stays well inside a 64 KiB frame. */
export const GROUP_LOG_FRAME_ENTRIES = 48;

export const GroupChangeKind = z.enum(['create', 'invite', 'accept', 'leave']);
export type GroupChangeKind = z.infer<typeof GroupChangeKind>;

const User = z
  .string()
  .min(1)
  .max(USERNAME_MAX_LENGTH * 4);

/**
 * One signed change. `actor` signs it; `subject` is whom an invite names; `name` is the group's
 * name, on the create entry only, which alone has no `prev`.
 */
export const GroupEntrySchema = z
  .strictObject({
    group: z.string().regex(/^g[0-9a-f]{24}$/, 'not a group id'),
    kind: GroupChangeKind,
    actor: User,
    subject: User.optional(),
    at: z.number().int().nonnegative(),
    prev: PrevHash.optional(),
    name: z.string().min(1).max(256).optional(),
    sig: SignatureHex,
  })
  .refine((entry) => (entry.kind === 'create') === (entry.prev === undefined), 'only a create has no prev')
  .refine((entry) => (entry.kind === 'create') === (entry.name !== undefined), 'only a create has a name')
  .refine(
    (entry) => (entry.kind === 'invite') === (entry.subject !== undefined),
    'only an invite names a subject',
  );
export type GroupEntry = z.infer<typeof GroupEntrySchema>;

/** What a member signs: everything an entry says but its signature. */
export type GroupChange = Omit<GroupEntry, 'sig'>;

/**
 * The exact text signed (as UTF-8): a JSON array in a fixed order, absent fields as null, so every
 * member builds the same text from the fields it parsed.
 */
export function groupStatement(change: GroupChange): string {
  return JSON.stringify([
    GROUP_LOG_CONTEXT,
    change.group,
    change.kind,
    change.actor,
    change.subject ?? null,
    change.at,
    change.prev ?? null,
    change.name ?? null,
  ]);
}

/**
 * Parses an entry as it travels (a JSON text: its hash is the SHA-256 of exactly this text, so
 * nobody needs a canonical form to chain). Throws `ProtocolError` (`ERR_BAD_FRAME`).
 */
export function parseGroupEntry(text: string): GroupEntry {
  if (text.length > MAX_GROUP_ENTRY_LENGTH)
    throw new ProtocolError(ErrorCode.BadFrame, 'group entry is too long');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ProtocolError(ErrorCode.BadFrame, 'group entry is not valid JSON');
  }
  const result = GroupEntrySchema.safeParse(json);
  if (!result.success)
    throw new ProtocolError(ErrorCode.BadFrame, `group entry: ${result.error.issues[0]?.message}`);
  return result.data;
}

/** An entry's text: what is sent, stored and hashed. */
export function groupEntryText(entry: GroupEntry): string {
  return JSON.stringify(entry);
}
