/**
 * A write-ahead note of own messages on their way into IndexedDB, so a message can go on the wire
 * before its transaction commits without a crash in between losing it from its author's history.
 *
 * Why: a readwrite transaction takes about 5 ms to commit in Chromium, and a message must not reach
 * anyone before it is kept here (its seq and its hash are what the author's next message builds on:
 * lost, the next message would reuse the seq and be flagged as equivocation). `localStorage` writes
 * are synchronous for the page and handed to the browser process at once, so a renderer that
 * crashes or a tab closed right after the send leaves the note behind. The next `openAccountStore`
 * stores what a note holds (`replaySendJournal`), and the outbox then sends it again to whoever has
 * not acknowledged it. A note is removed once its transaction commits.
 *
 * Where the browser refuses `localStorage` (disabled, full), `write` says so and the caller stores
 * first, as before.
 */
import * as z from 'zod';
import { nameKey } from '../../shared/names.js';
import { ErrorCode, ProtocolError } from '../../shared/errors.js';
import { browserStorage, parseStoredJson } from './local-storage.js';
import type { NoteStorage } from './local-storage.js';
import type { OwnMessageDraft } from './message-store.js';
import type { RedactionStore } from './redaction-store.js';
import type { StoredMessage } from './stored-message.js';

const PREFIX = 'parley:sending:';

/** What one note holds. The draft itself is checked by the message store when it is replayed. */
const Note = z.strictObject({
  draft: z.record(z.string(), z.unknown()),
  recipients: z.array(z.string().max(64)).max(1024),
});

export interface JournalEntry {
  readonly draft: OwnMessageDraft;
  readonly recipients: readonly string[];
}

export class SendJournal {
  readonly #prefix: string;
  readonly #storage: NoteStorage | null;

  /** The notes of `user` (by name key, as the database is named). */
  constructor(user: string, storage?: NoteStorage | null) {
    this.#prefix = `${PREFIX}${nameKey(user)}:`;
    this.#storage = storage === undefined ? browserStorage() : storage;
  }

  /** Notes a message about to be sent; false when the browser would not keep it. */
  write(entry: JournalEntry): boolean {
    if (!this.#storage) return false;
    try {
      this.#storage.setItem(this.#prefix + entry.draft.id, JSON.stringify(entry));
      return true;
    } catch {
      return false;
    }
  }

  /** Its message is stored: the note goes. */
  done(id: string): void {
    try {
      this.#storage?.removeItem(this.#prefix + id);
    } catch {
      // A storage that refuses removal refused the write too; nothing was noted.
    }
  }

  /** Every note left behind, in no particular order; a note that is not one is reported and removed. */
  pending(onBad: (error: ProtocolError) => void): Array<JournalEntry & { key: string }> {
    const storage = this.#storage;
    if (!storage) return [];
    const keys: string[] = [];
    try {
      for (let i = 0; i < storage.length; i += 1) {
        const key = storage.key(i);
        if (key?.startsWith(this.#prefix)) keys.push(key);
      }
    } catch {
      return [];
    }
    const entries: Array<JournalEntry & { key: string }> = [];
    for (const key of keys) {
      const parsed = Note.safeParse(parseStoredJson(storage.getItem(key)));
      if (parsed.success) {
        entries.push({
          key,
          draft: parsed.data.draft as unknown as OwnMessageDraft,
          recipients: parsed.data.recipients,
        });
        continue;
      }
      onBad(new ProtocolError(ErrorCode.BadRow, `an unsent-message note is damaged (${key}); dropped`));
      storage.removeItem(key);
    }
    return entries;
  }

  /** Removes every note of the account (its history is being deleted). */
  clear(): void {
    for (const { key } of this.pending(() => undefined)) this.drop(key);
  }

  /** Removes a note found by `pending`. */
  drop(key: string): void {
    this.#storage?.removeItem(key);
  }
}

/**
 * Stores what notes were left behind by a page that closed between sending and storing, and
 * removes them. A message already stored (its transaction did commit) is left as it is; a note
 * whose draft the store refuses is reported and removed, never retried for ever.
 */
export async function replaySendJournal(
  journal: SendJournal,
  store: {
    getMessage(id: string): Promise<unknown>;
    addOwnMessage(draft: OwnMessageDraft, recipients: string[]): Promise<StoredMessage>;
    readonly redactions: Pick<RedactionStore, 'redact'>;
  },
  onBad: (error: ProtocolError) => void,
): Promise<number> {
  let stored = 0;
  for (const { key, draft, recipients } of journal.pending(onBad)) {
    if (typeof draft.id === 'string' && (await store.getMessage(draft.id)) === undefined) {
      try {
        const row = await store.addOwnMessage(draft, [...recipients]);
        // A deletion for everyone takes its target's text from here too, as its send would have.
        if (row.tombstone) await store.redactions.redact(row);
        stored += 1;
      } catch (error) {
        onBad(
          error instanceof ProtocolError
            ? error
            : new ProtocolError(ErrorCode.BadRow, `an unsent message could not be stored: ${String(error)}`),
        );
      }
    }
    journal.drop(key);
  }
  return stored;
}
