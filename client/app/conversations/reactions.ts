/**
 * Reactions, folded from the reaction messages of one conversation into what each message shows.
 *
 * A reaction travels as a message (`reaction: {target, emoji, on}`), so it is stored, acked and caught
 * up like one, and may arrive in any order: from a catch-up batch before its target, or an author's
 * "off" before the "on" it undoes. The fold keeps, per target, the latest reaction (by the author's
 * `seq`) of each author with each emoji; that one alone decides whether the author's emoji is on.
 */
import type { ReactionBody } from '../../../shared/peer-protocol.js';
import { compareMessages } from './message-view.js';

/** One emoji under a message: how many people put it there, whether this user is one of them, and who. */
export interface ReactionSummary {
  readonly emoji: string;
  readonly count: number;
  readonly mine: boolean;
  /** In the order they reacted. */
  readonly authors: readonly string[];
}

/** The fields of a reaction message the fold reads. */
export interface ReactionMessage {
  readonly id: string;
  readonly author: string;
  readonly seq: number;
  readonly sentAt: number;
  readonly reaction?: ReactionBody | undefined;
}

/** The summaries of a message nobody reacted to: one shared, frozen array, so views compare by identity. */
export const NO_REACTIONS: readonly ReactionSummary[] = Object.freeze([]);

/**
 * Whether a message calls for the user's attention (unread count, notification): a reaction, an edit
 * or a deletion does not.
 * The one predicate for every place that counts or announces incoming messages.
 */
export function raisesAttention(message: {
  reaction?: unknown;
  edit?: unknown;
  tombstone?: unknown;
}): boolean {
  return message.reaction === undefined && message.edit === undefined && message.tombstone === undefined;
}

/** The latest reaction of one author with one emoji on one target. */
interface Latest {
  readonly id: string;
  readonly author: string;
  readonly emoji: string;
  readonly seq: number;
  readonly sentAt: number;
  readonly on: boolean;
}

export class ReactionFold {
  readonly #me: string;
  readonly #isMember: (author: string) => boolean;
  /** target → `author\nemoji` → the latest reaction. */
  readonly #latest = new Map<string, Map<string, Latest>>();
  /** target → its summaries; cleared for a target when its reactions change, so unchanged ones keep identity. */
  readonly #summaries = new Map<string, readonly ReactionSummary[]>();

  /**
   * `isMember` says whether an author may react in this conversation; others' reactions are held but
   * not counted (membership can change: call `membershipChanged`).
   */
  constructor(me: string, isMember: (author: string) => boolean = () => true) {
    this.#me = me;
    this.#isMember = isMember;
  }

  /** Takes in a reaction message; returns the target whose reactions changed, or null. */
  add(message: ReactionMessage): string | null {
    const reaction = message.reaction;
    if (!reaction) return null;
    let byKey = this.#latest.get(reaction.target);
    if (!byKey) {
      byKey = new Map();
      this.#latest.set(reaction.target, byKey);
    }
    const key = `${message.author}\n${reaction.emoji}`;
    const current = byKey.get(key);
    // An older reaction arriving late (or the same one again) changes nothing.
    if (current && current.seq >= message.seq) return null;
    const wasOn = current?.on === true;
    byKey.set(key, {
      id: message.id,
      author: message.author,
      emoji: reaction.emoji,
      seq: message.seq,
      sentAt: message.sentAt,
      on: reaction.on,
    });
    if (!wasOn && !reaction.on) return null;
    this.#summaries.delete(reaction.target);
    return reaction.target;
  }

  /** Forgets every reaction (the conversation's messages are replaced). */
  clear(): void {
    this.#latest.clear();
    this.#summaries.clear();
  }

  /** Who may react changed: every summary is worked out again. */
  membershipChanged(): void {
    this.#summaries.clear();
  }

  /** Whether `author` (default: this user) has `emoji` on `target` now. */
  isOn(target: string, emoji: string, author: string = this.#me): boolean {
    return this.#latest.get(target)?.get(`${author}\n${emoji}`)?.on === true;
  }

  /**
   * What message `target` shows: one summary per emoji that anyone has on, in the order the emoji
   * first appeared among the reactions now on. The same array until the target's reactions change.
   */
  summaryOf(target: string): readonly ReactionSummary[] {
    const cached = this.#summaries.get(target);
    if (cached) return cached;
    const summaries = this.#fold(target);
    this.#summaries.set(target, summaries);
    return summaries;
  }

  #fold(target: string): readonly ReactionSummary[] {
    const on = [...(this.#latest.get(target)?.values() ?? [])]
      .filter((latest) => latest.on && this.#isMember(latest.author))
      // By (sentAt, id), as the log orders messages: the same order on every device.
      .sort(compareMessages);
    if (on.length === 0) return NO_REACTIONS;
    const byEmoji = new Map<string, string[]>();
    for (const { emoji, author } of on) {
      const authors = byEmoji.get(emoji);
      if (authors) authors.push(author);
      else byEmoji.set(emoji, [author]);
    }
    return Object.freeze(
      [...byEmoji].map(([emoji, authors]) =>
        Object.freeze({
          emoji,
          count: authors.length,
          mine: authors.includes(this.#me),
          authors: Object.freeze(authors),
        }),
      ),
    );
  }
}
