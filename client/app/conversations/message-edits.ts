/**
 * Edits and deletions, folded from the `edit` and `tombstone` messages of one conversation into what
 * each message shows — the way reactions.ts folds reactions. Both may arrive in any order (a catch-up
 * batch can bring an edit before its target), so they are held by target and applied when the target
 * is shown. Only the target's author counts: an edit or tombstone by anyone else changes nothing
 * (the inbox refuses those whose target it holds; this covers those that came first).
 */
import type { EditBody, TombstoneBody } from '../../../shared/peer-protocol.js';

/** The fields of an edit or tombstone message the fold reads. */
export interface ActionMessage {
  readonly id: string;
  readonly author: string;
  readonly seq: number;
  readonly edit?: EditBody | undefined;
  readonly tombstone?: TombstoneBody | undefined;
}

/** What a message shows after its author's edits and deletion. */
export interface Amended {
  readonly text: string;
  readonly edited: boolean;
  readonly deleted: boolean;
}

export class EditFold {
  /** target → author → their latest edit (by seq). */
  readonly #edits = new Map<string, Map<string, { seq: number; text: string }>>();
  /** target → the authors who sent a tombstone for it. */
  readonly #tombstones = new Map<string, Set<string>>();

  /** Takes in an edit or tombstone message; returns its target, or null for any other message. */
  add(message: ActionMessage): string | null {
    if (message.tombstone) {
      const { target } = message.tombstone;
      const authors = this.#tombstones.get(target) ?? new Set<string>();
      authors.add(message.author);
      this.#tombstones.set(target, authors);
      return target;
    }
    if (!message.edit) return null;
    const { target, text } = message.edit;
    const byAuthor = this.#edits.get(target) ?? new Map<string, { seq: number; text: string }>();
    this.#edits.set(target, byAuthor);
    const current = byAuthor.get(message.author);
    // An older edit arriving late changes nothing.
    if (current && current.seq >= message.seq) return null;
    byAuthor.set(message.author, { seq: message.seq, text });
    return target;
  }

  clear(): void {
    this.#edits.clear();
    this.#tombstones.clear();
  }

  /** What message `target`, written by `author` as `text`, shows now. */
  amend(target: string, author: string, text: string, deleted = false): Amended {
    if (deleted || this.#tombstones.get(target)?.has(author))
      return { text: '', edited: false, deleted: true };
    const edit = this.#edits.get(target)?.get(author);
    return edit ? { text: edit.text, edited: true, deleted: false } : { text, edited: false, deleted: false };
  }
}
