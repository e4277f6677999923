/**
 * "alice is typing…": `typing` frames out while this user types (throttled), and who is typing in
 * each conversation from the frames that come in, each forgotten a while after their last frame or
 * as soon as their message arrives. Never stored.
 */
import { msg, str } from '@lit/localize';
import { systemClock } from '../../net/clock.js';
import type { Clock } from '../../net/clock.js';
import { byName } from '../roster/directory.js';
import type { PeerLinks } from '../peer-links.js';
import type { Directory } from '../roster/directory.js';

/** At most one `typing` frame per conversation this often, however fast the person types. */
export const TYPING_SEND_INTERVAL_MS = 3_000;
/** How long one frame keeps its sender shown as typing: past the send interval, so it does not flicker. */
export const TYPING_SHOW_MS = 5_000;

export interface TypingDeps {
  readonly links: Pick<PeerLinks, 'send' | 'isOpen'>;
  readonly directory: Directory;
  /** Who is typing in `conversation` changed. */
  changed(conversation: string): void;
  clock?: Clock;
}

const NO_ONE: readonly string[] = Object.freeze([]);

export class TypingIndicator {
  readonly #deps: TypingDeps;
  readonly #clock: Clock;
  /** conversation → when this user's last `typing` frame went out there. */
  readonly #lastSent = new Map<string, number>();
  /** conversation → typist → the timer that forgets them. */
  readonly #typists = new Map<string, Map<string, unknown>>();
  /** conversation → its typists, sorted: the same array until it changes, so views can compare. */
  readonly #lists = new Map<string, readonly string[]>();

  constructor(deps: TypingDeps) {
    this.#deps = deps;
    this.#clock = deps.clock ?? systemClock;
  }

  /** This user typed in `conversation`: tells the members with an open connection, at most every few seconds. */
  typed(conversation: string): void {
    const now = this.#clock.now();
    const last = this.#lastSent.get(conversation);
    if (last !== undefined && now - last < TYPING_SEND_INTERVAL_MS) return;
    const { directory } = this.#deps;
    const peers = directory.membersOf(conversation).filter((user) => user !== directory.me);
    let sent = false;
    for (const peer of peers) {
      if (this.#deps.links.isOpen(peer) && this.#deps.links.send(peer, { type: 'typing', conversation }))
        sent = true;
    }
    if (sent) this.#lastSent.set(conversation, now);
  }

  /**
   * This user sent a message to `conversation`: the others stop showing them as typing when it
   * arrives, so the next keystroke must tell them again at once.
   */
  sent(conversation: string): void {
    this.#lastSent.delete(conversation);
  }

  /** `peer` says it is typing in `conversation`. Ignored (false) unless both are in it. */
  received(peer: string, conversation: string): boolean {
    const { directory } = this.#deps;
    if (peer === directory.me || !directory.isMember(conversation, peer)) return false;
    if (!directory.isMember(conversation, directory.me)) return false;
    let typists = this.#typists.get(conversation);
    if (!typists) {
      typists = new Map();
      this.#typists.set(conversation, typists);
    }
    const previous = typists.get(peer);
    if (previous !== undefined) this.#clock.clearTimeout(previous);
    typists.set(
      peer,
      this.#clock.setTimeout(() => this.stopped(conversation, peer), TYPING_SHOW_MS),
    );
    if (previous === undefined) this.#update(conversation);
    return true;
  }

  /** `peer` is no longer typing in `conversation` (their message came, or their frames stopped). */
  stopped(conversation: string, peer: string): void {
    const typists = this.#typists.get(conversation);
    const timer = typists?.get(peer);
    if (!typists || timer === undefined) return;
    this.#clock.clearTimeout(timer);
    typists.delete(peer);
    if (typists.size === 0) this.#typists.delete(conversation);
    this.#update(conversation);
  }

  /** Who is typing in `conversation`, by name. */
  typing(conversation: string): readonly string[] {
    return this.#lists.get(conversation) ?? NO_ONE;
  }

  close(): void {
    for (const typists of this.#typists.values()) {
      for (const timer of typists.values()) this.#clock.clearTimeout(timer);
    }
    this.#typists.clear();
    this.#lists.clear();
  }

  #update(conversation: string): void {
    const typists = this.#typists.get(conversation);
    if (typists) this.#lists.set(conversation, Object.freeze([...typists.keys()].sort(byName)));
    else this.#lists.delete(conversation);
    this.#deps.changed(conversation);
  }
}

/** `alice is typing…`, `alice and bob are typing…`, `alice, bob and carol are typing…`. */
export function typingText(names: readonly string[]): string {
  if (names.length === 0) return '';
  const count = names.length;
  if (count === 1) return msg(str`${names[0]} is typing…`);
  if (count > 3) return msg(str`${count} people are typing…`);
  const others = names.slice(0, -1).join(', ');
  const last = names.at(-1);
  return msg(str`${others} and ${last} are typing…`);
}
